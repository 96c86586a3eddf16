; samples/user/fault.s — prints a line, then divides by zero. The CPU raises
; #DE; the kernel kills this process (and only this one).

_start:
        mov r0, SYS_GETPID
        int 0x80
        mov r5, r0
        mov r1, msg_fault
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, msg_divide
        call out_str
        call flush
        mov r1, 0
divide_by_zero:
        div r0, r5, r1                  ; #DE: the kernel kills us here
        mov r1, msg_alive               ; not reached
        call out_str
        call flush
        mov r0, SYS_EXIT
        mov r1, 1
        int 0x80

msg_fault:      .asciz "fault (pid "
msg_divide:     .asciz "): dividing by zero\n"
msg_alive:      .asciz "fault: still alive after dividing by zero?\n"

.include "lib.inc"
