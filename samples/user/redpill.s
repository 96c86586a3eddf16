; samples/user/redpill.s — Joanna Rutkowska's "red pill" (2004) in V32: a user
; process asks where the interrupt descriptor table is (sidt) and prints the
; answer. On a bare machine it is the kernel's table. Under a VMM the real idt
; register holds the VMM's own table, and on the pentium sidt is not
; privileged: it does not trap, so the process reads the VMM's address — the
; same in every guest — and knows it is in a virtual machine. On the classic
; profile sidt is privileged: the process is killed with #GP.

_start:
        sidt r6                         ; r6 = the IDT's address, as the CPU sees it
        mov r1, msg_idt
        call out_str
        mov r1, r6
        call out_hex
        mov r1, '\n'
        call out_char
        call flush
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

; out_hex: append r1 as 0x and eight hex digits.
out_hex:
        push r1
        push r2
        push r3
        mov r2, '0'
        push r1
        mov r1, r2
        call out_char
        mov r1, 'x'
        call out_char
        pop r1
        mov r3, 8
out_hex_digit:
        shr r2, r1, 28
        and r2, r2, 15
        push r1
        ldb r1, [r2+hex_digits]
        call out_char
        pop r1
        shl r1, r1, 4
        sub r3, r3, 1
        jnz out_hex_digit
        pop r3
        pop r2
        pop r1
        ret

msg_idt:        .asciz "redpill: sidt says the IDT is at "
hex_digits:     .ascii "0123456789abcdef"

.include "lib.inc"
