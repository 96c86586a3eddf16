; traps.s — installs an IDT, then provokes and handles #DE, #GP, brk and a
; timer interrupt, printing a line for each, then powers off with 0.
; Shows the epc rules of docs/v32.md §4.1: a fault's epc is the faulting instruction
; (the handler must skip it), a trap's epc is the next instruction.

        .equ CONSOLE, 0x10
        .equ TIMER, 0x20
        .equ POWER, 0xF0

_start: mov sp, 0x80000
        mov r1, vectors
        lidt r1

        ; 1. #DE: a fault. The handler skips the div by advancing epc.
        mov r1, 7
        mov r2, 0
de_site: div r3, r1, r2
        ; 2. #GP: a misaligned word load (a fault, like #DE).
gp_site: ld r3, [r1+1]
        ; 3. brk: a trap; epc already points after it.
after_gp: brk
        ; 4. the timer: IRQ 0 every 50 instructions, taken while IF = 1.
        mov r6, 0               ; set to 1 by the timer handler
        out TIMER, 50
        sti
wait:   cmp r6, 0
        jz wait
        cli
        mov r1, done_msg
        call puts
        out POWER, 0

; Handlers. Each prints its line; fault handlers move epc past the faulting
; instruction (they know its address from the label), traps just return.
on_de:  mov r1, de_msg
        call puts
        mov r1, gp_site          ; resume after the div (the next statement)
        mtcr epc, r1
        iret

on_gp:  mov r1, gp_msg
        call puts
        mfcr r1, epc
        mov r2, gp_site
        cmp r1, r2
        jnz unexpected
        mov r1, after_gp         ; resume at the brk
        mtcr epc, r1
        iret

on_bp:  mov r1, bp_msg
        call puts
        iret                     ; epc is the next instruction already

on_timer:
        out TIMER, 0             ; one tick is enough: stop the timer, or it would
        mov r1, timer_msg        ; fire again before the main loop gets to run
        call puts
        mov r6, 1
        iret

unexpected:
        mov r1, bad_msg
        call puts
        out POWER, 1

; puts: write the NUL-terminated string at r1. Clobbers r1, r2.
puts:   ldb r2, [r1]
        cmp r2, 0
        jz puts_end
        out CONSOLE, r2
        add r1, r1, 1
        jmp puts
puts_end:
        ret

de_msg:    .asciz "caught #DE (divide error)\n"
gp_msg:    .asciz "caught #GP (misaligned load)\n"
bp_msg:    .asciz "caught #BP (brk)\n"
timer_msg: .asciz "caught timer interrupt (IRQ 0)\n"
done_msg:  .asciz "all four handled\n"
bad_msg:   .asciz "unexpected exception\n"

        .align 4
vectors: .word on_de, unexpected, unexpected, on_bp        ; 0–3
        .word unexpected, unexpected, unexpected, unexpected ; 4–7
        .word unexpected, unexpected, unexpected, unexpected ; 8–11
        .word unexpected, on_gp, unexpected, unexpected    ; 12–15
        .space 64                                           ; 16–31: 0
        .word on_timer, unexpected                          ; 32, 33
