; hello.s — the smallest bare V32 program: no kernel, supervisor mode from reset.
; Writes a string to the console port byte by byte, then powers off with 0.

        .equ CONSOLE, 0x10
        .equ POWER, 0xF0

_start: mov r1, message         ; r1 walks the string
loop:   ldb r2, [r1]
        cmp r2, 0
        jz done
        out CONSOLE, r2
        add r1, r1, 1
        jmp loop
done:   out POWER, 0

message: .asciz "Hello, V32!\n"
