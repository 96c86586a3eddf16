; samples/user/hello.s — prints "hello from pid N" three times, yielding the
; CPU to the other processes between the lines.

_start:
        mov r0, SYS_GETPID
        int 0x80
        mov r5, r0                      ; r5 = my pid
        mov r6, 3                       ; lines left
hello_line:
        mov r1, msg_hello
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, '\n'
        call out_char
        call flush
        mov r0, SYS_YIELD               ; let the others run
        int 0x80
        sub r6, r6, 1
        jnz hello_line
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

msg_hello:      .asciz "hello from pid "

.include "lib.inc"
