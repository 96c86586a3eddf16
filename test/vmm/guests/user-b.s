; prints B0..B6, spinning between lines: preemption interleaves it with B
_start:
        mov r5, 0
loop:
        add r2, r5, '0'
        stb r2, [msg+1]
        mov r0, 1
        mov r1, msg
        mov r2, 3
        int 0x80
        mov r3, 1700
spin:   sub r3, r3, 1
        jnz spin
        add r5, r5, 1
        cmp r5, 7
        jl loop
        mov r0, 0
        mov r1, 0
        int 0x80
msg:    .ascii "B?\n"
