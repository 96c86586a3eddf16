; samples/user/pushf.s — a process looks at its own FLAGS with pushf and prints
; the interrupt flag and the mode it sees. Natively that is what its kernel gave
; it (IF = 0 under kernel-irq-off.s). On the pentium pushf is not privileged: a
; VMM that runs the process directly cannot intercept it, and it shows the real
; IF — which the VMM must keep on. pushf is sensitive in user mode itself, so no
; VMM that runs user code directly hides this (Popek & Goldberg's Theorem 3).

_start:
        pushf
        pop r6                          ; r6 = FLAGS as the process sees them
        mov r1, msg_if
        call out_str
        shr r1, r6, 9                   ; IF is bit 9 (FLAG_IF = 0x200, docs/v32.md §1)
        and r1, r1, 1
        mov r2, 0
        call out_uint
        mov r1, msg_s
        call out_str
        shr r1, r6, 12                  ; S is bit 12 (FLAG_S = 0x1000)
        and r1, r1, 1
        call out_uint
        mov r1, '\n'
        call out_char
        call flush
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

msg_if:         .asciz "pushf: IF = "
msg_s:          .asciz ", S = "

.include "lib.inc"
