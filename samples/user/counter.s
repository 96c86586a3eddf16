; samples/user/counter.s — counts to 100,000 and prints every 10,000. It never
; yields and never makes a system call while counting: only preemption (the
; timer interrupt) lets the other processes run.

.equ COUNT_TO, 100000
.equ EVERY, 10000

_start:
        mov r0, SYS_GETPID
        int 0x80
        mov r5, r0                      ; r5 = my pid
        mov r6, 0                       ; the count
        mov r7, EVERY                   ; the next count to print
count:
        add r6, r6, 1
        cmp r6, r7
        jnz count
        mov r1, msg_counter
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, msg_colon
        call out_str
        mov r1, r6
        call out_uint
        mov r1, '\n'
        call out_char
        call flush
        add r7, r7, EVERY
        cmp r6, COUNT_TO
        jb count
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

msg_counter:    .asciz "counter (pid "
msg_colon:      .asciz "): "

.include "lib.inc"
