; samples/user/attack.s — a user process that tries to take over the machine.
;
; Each run makes exactly one attempt, chosen by its pid: attempt
; ((pid - 1) mod 5) + 1, so five copies of this program (pids 1–5) try all
; five. Every attempt must raise #GP (docs/v32.md §2.3, §6), and the kernel kills the
; process; a process that survives its attempt says ESCAPED and exits with 1.
;   1. write outside its region (at its limit, where its sp started)
;   2. stop the timer                     out 0x20, 0
;   3. replace the IDT                    lidt
;   4. disable interrupts                 cli
;   5. power off the machine              out 0xF0, 99

_start:
        mov r7, sp                      ; the top of my region = my limit
        mov r0, SYS_GETPID
        int 0x80
        mov r5, r0
        sub r6, r5, 1
        rem r6, r6, 5
        add r6, r6, 1                   ; r6 = attempt 1..5
        mov r1, msg_attack
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, msg_attempt
        call out_str
        mov r1, r6
        call out_uint
        mov r1, msg_colon
        call out_str
        shl r1, r6, 2
        ld r1, [r1+descriptions-4]
        call out_str
        call flush
        shl r1, r6, 2
        ld r1, [r1+attempts-4]
        jmp r1

attempt_write:
        mov r0, 0x0BADF00D
        st r0, [r7]
        jmp escaped
attempt_timer:
        out 0x20, 0
        jmp escaped
attempt_idt:
        mov r1, 0
        lidt r1
        jmp escaped
attempt_cli:
        cli
        jmp escaped
attempt_power:
        out 0xF0, 99
        jmp escaped

escaped:
        mov r1, msg_attack
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, msg_escaped
        call out_str
        call flush
        mov r0, SYS_EXIT
        mov r1, 1
        int 0x80

msg_attack:     .asciz "[attack] pid "
msg_attempt:    .asciz ": attempt "
msg_colon:      .asciz ": "
msg_escaped:    .asciz ": ESCAPED\n"
desc_write:     .asciz "writing outside my region\n"
desc_timer:     .asciz "stopping the timer (out 0x20, 0)\n"
desc_idt:       .asciz "replacing the IDT (lidt)\n"
desc_cli:       .asciz "disabling interrupts (cli)\n"
desc_power:     .asciz "powering off the machine (out 0xF0, 99)\n"
        .align 4
descriptions:   .word desc_write, desc_timer, desc_idt, desc_cli, desc_power
attempts:       .word attempt_write, attempt_timer, attempt_idt, attempt_cli, attempt_power

.include "lib.inc"
