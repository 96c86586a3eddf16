; samples/user/hanoi.s — the lecture's Towers of Hanoi.
;
; Moves n disks from rod 1 to rod 3 by the classic recursion (move n-1 disks
; to the spare rod, move disk n, move the n-1 disks on top of it) and prints
; every move as the lecture's note() does:
;     printf("%20u. step: move disk %u from rod %u to rod %u\n", step, disk, from, to)
; with steps numbered from 1. n comes from console input as decimal digits up
; to a newline; with no input, 4.

.equ DEFAULT_DISKS, 4

_start:
        call read_n                     ; r1 = n
        mov r2, 1                       ; from rod 1
        mov r3, 3                       ; to rod 3
        mov r4, 2                       ; using rod 2
        call move
        mov r0, SYS_EXIT
        mov r1, 0
        int 0x80

; move(r1 = disks, r2 = from, r3 = to, r4 = spare). Preserves r1–r4.
move:
        cmp r1, 0
        jz move_done
        push r1
        push r2
        push r3
        push r4
        sub r1, r1, 1                   ; move(n-1, from, spare, to)
        mov r5, r3
        mov r3, r4
        mov r4, r5
        call move
        ld r4, [sp]
        ld r3, [sp+4]
        ld r2, [sp+8]
        ld r1, [sp+12]
        call note                       ; disk n: from → to
        sub r1, r1, 1                   ; move(n-1, spare, to, from)
        mov r5, r2
        mov r2, r4
        mov r4, r5
        call move
        pop r4
        pop r3
        pop r2
        pop r1
move_done:
        ret

; note(r1 = disk, r2 = from, r3 = to): print one numbered move. Preserves r1–r4.
note:
        push r1
        push r2
        push r3
        st r1, [note_disk]
        st r2, [note_from]
        st r3, [note_to]
        ld r1, [step]
        mov r2, 20
        call out_uint                   ; %20u
        add r1, r1, 1
        st r1, [step]
        mov r2, 0
        mov r1, msg_step
        call out_str
        ld r1, [note_disk]
        call out_uint
        mov r1, msg_from
        call out_str
        ld r1, [note_from]
        call out_uint
        mov r1, msg_to
        call out_str
        ld r1, [note_to]
        call out_uint
        mov r1, '\n'
        call out_char
        call flush
        pop r3
        pop r2
        pop r1
        ret

; read_n: r1 = the number typed on the console (digits up to a newline), or
; DEFAULT_DISKS when there is no input. Other characters are skipped.
read_n:
        mov r5, 0                       ; the number
        mov r6, 0                       ; digits seen
read_n_next:
        mov r0, SYS_READ
        mov r1, inbyte
        mov r2, 1
        int 0x80
        cmp r0, 1
        jnz read_n_end                  ; no more input
        ldb r0, [inbyte]
        cmp r0, '\n'
        jz read_n_end
        cmp r0, '0'
        jb read_n_next
        cmp r0, '9'
        ja read_n_next
        sub r0, r0, '0'
        mul r5, r5, 10
        add r5, r5, r0
        mov r6, 1
        jmp read_n_next
read_n_end:
        mov r1, r5
        cmp r6, 0
        jnz read_n_done
        mov r1, DEFAULT_DISKS
read_n_done:
        ret

msg_step:       .asciz ". step: move disk "
msg_from:       .asciz " from rod "
msg_to:         .asciz " to rod "
        .align 4
step:           .word 1
note_disk:      .word 0
note_from:      .word 0
note_to:        .word 0
inbyte:         .word 0

.include "lib.inc"
