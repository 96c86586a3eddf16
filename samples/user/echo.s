; samples/user/echo.s — writes console input back to the console until it
; reads 'q' (which is not echoed), then exits. read() never blocks: with no
; input, echo yields, and when every process has yielded the kernel idles
; until an interrupt (the timer, or more input) comes.

.equ CHUNK, 64

_start:
echo_read:
        mov r0, SYS_READ
        mov r1, buf
        mov r2, CHUNK
        int 0x80
        cmp r0, 0
        jg echo_got
        mov r0, SYS_YIELD               ; nothing yet
        int 0x80
        jmp echo_read
echo_got:
        mov r5, r0                      ; bytes read
        mov r6, 0                       ; index of 'q', if any
echo_scan:
        cmp r6, r5
        jae echo_write
        ldb r0, [r6+buf]
        cmp r0, 'q'
        jz echo_quit
        add r6, r6, 1
        jmp echo_scan
echo_write:
        mov r0, SYS_WRITE
        mov r1, buf
        mov r2, r5
        int 0x80
        jmp echo_read
echo_quit:
        mov r0, SYS_WRITE               ; what came before the 'q'
        mov r1, buf
        mov r2, r6
        int 0x80
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

buf:            .space CHUNK

.include "lib.inc"
