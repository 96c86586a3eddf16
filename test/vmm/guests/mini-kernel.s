; A miniature multiprogramming kernel for the VMM tests (the real one is
; samples/os/kernel.s). It has what makes virtualization interesting: an
; `smsw` check at boot, `pushf`/`cli`…`popf` critical sections, a timer,
; system calls, fault handling, `hlt` — and, with define PV, the
; para-virtualized sites of docs/hypercalls.md (one instruction for one).
; Processes: NPROC programs loaded at pid * 0x10000, 64 KiB each, entry 0.

.ifndef NPROC
.equ NPROC, 2
.endif
.ifndef TICK
.equ TICK, 1000
.endif
.equ PCB_SIZE, 128
.equ P_USP, 60
.equ P_EPC, 64
.equ P_EFLAGS, 68
.equ P_BASE, 72
.equ P_STATE, 76
.equ USER_SIZE, 0x10000

.equ HC_IRET, 0x0100
.equ HC_CLI, 0x0200
.equ HC_STI, 0x0300
.equ HC_PUSHF, 0x0400
.equ HC_POPF, 0x0500
.equ HC_HLT, 0x0600
.equ HC_OUT, 0x0800
.equ HC_OUT_IMM, 0x0900
.equ HC_R2, 0x20000
.equ HC_R7, 0x70000
.equ HC_PORT_CONSOLE_OUT, 0x10000000
.equ HC_PORT_TIMER, 0x20000000
.equ HC_PORT_POWER, 0xF0000000

_start:
        mov sp, kstack_top
.ifdef PV
        ld r1, [pv_vcpu+32]
.else
        smsw r1
.endif
        and r1, r1, 1
        jnz supervisor_ok
        mov r1, warn
        call kputs
supervisor_ok:
        mov r1, isr_timer
        st r1, [idt_table+128]
        mov r1, isr_syscall
        st r1, [idt_table+512]
        mov r1, isr_fault
        st r1, [idt_table+0]
        st r1, [idt_table+12]
        st r1, [idt_table+24]
        st r1, [idt_table+52]
        mov r1, idt_table
.ifdef PV
        st r1, [pv_vcpu+16]
.else
        lidt r1
.endif
.ifdef HOSTILE
        call hostile
.endif
.ifdef SMC
        call smc_demo
.endif
        ; the process table
        mov r1, NPROC
        mul r1, r1, PCB_SIZE
        add r1, r1, pcbs
        st r1, [pcbs_end]
        mov r1, pcbs
        mov r2, 1
init_loop:
        mov r3, 1
        st r3, [r1+P_STATE]
        shl r3, r2, 16
        st r3, [r1+P_BASE]
        mov r3, USER_SIZE
        st r3, [r1+P_USP]
        mov r3, 0x200
        st r3, [r1+P_EFLAGS]
        add r1, r1, PCB_SIZE
        add r2, r2, 1
        cmp r2, NPROC
        jle init_loop
.ifdef PV
        int 0x82
        .word HC_OUT_IMM + HC_PORT_TIMER
        .word TICK
        int 0x82
        .word HC_STI
        int 0x82
        .word HC_PUSHF
        int 0x82
        .word HC_CLI
.else
        out 0x20, TICK
        sti
        pushf
        cli
.endif
        mov r1, 0
        st r1, [current]
.ifdef PV
        int 0x82
        .word HC_POPF
.else
        popf
.endif
idle:                           ; wait for the first tick (needs IF = 1: the popf must restore it)
.ifdef PV
        int 0x82
        .word HC_HLT
.else
        hlt
.endif
        jmp idle

isr_timer:
        push r1
        ld r1, [current]
        cmp r1, 0
        jz timer_from_idle
        st r0, [r1+0]
        pop r0
        st r0, [r1+4]
        call save_rest
        jmp schedule_next
timer_from_idle:
        pop r1
        ld r1, [pcbs_end]
        sub r1, r1, PCB_SIZE
        jmp schedule_next

isr_syscall:
        push r1
        ld r1, [current]
        st r0, [r1+0]
        pop r0
        st r0, [r1+4]
        call save_rest
        ld r0, [r1+0]
        cmp r0, 0
        jz sys_exit
        cmp r0, 1
        jz sys_write
        cmp r0, 2
        jz sys_yield
        mov r0, -1
        st r0, [r1+0]
        jmp run_current
sys_exit:
        mov r0, 0
        st r0, [r1+P_STATE]
        jmp schedule_next
sys_yield:
        mov r0, 0
        st r0, [r1+0]
        jmp schedule_next
sys_write:
        ld r3, [r1+4]
        ld r4, [r1+8]
        ld r5, [r1+P_BASE]
        add r3, r3, r5
        mov r6, 0
.ifdef PV
        int 0x82
        .word HC_PUSHF
        int 0x82
        .word HC_CLI
.else
        pushf
        cli
.endif
sw_loop:
        cmp r6, r4
        jge sw_done
        ldb r7, [r3]
.ifdef PV
        int 0x82
        .word HC_OUT + HC_R7 + HC_PORT_CONSOLE_OUT
.else
        out 0x10, r7
.endif
        add r3, r3, 1
        add r6, r6, 1
        jmp sw_loop
sw_done:
.ifdef PV
        int 0x82
        .word HC_POPF
.else
        popf
.endif
        st r4, [r1+0]
run_current:
        mov r2, r1
        jmp run_pcb

isr_fault:
        ld r1, [current]
        cmp r1, 0
        jz fault_in_kernel
        mov r0, 0
        st r0, [r1+P_STATE]
        mov r1, killed_msg
        call kputs
        ld r1, [current]
        jmp schedule_next
fault_in_kernel:                ; only the hostile boot code faults: skip its 8-byte instruction
.ifdef PV
        ld r1, [pv_vcpu+0]
        add r1, r1, 8
        st r1, [pv_vcpu+0]
        int 0x82
        .word HC_IRET
.else
        mfcr r1, epc
        add r1, r1, 8
        mtcr epc, r1
        iret
.endif

; r1 = the pcb to save into (r0 and r1 saved already)
save_rest:
        st r2, [r1+8]
        st r3, [r1+12]
        st r4, [r1+16]
        st r5, [r1+20]
        st r6, [r1+24]
        st r7, [r1+28]
        st r8, [r1+32]
        st r9, [r1+36]
        st r10, [r1+40]
        st r11, [r1+44]
        st r12, [r1+48]
        st r13, [r1+52]
        st r14, [r1+56]
.ifdef PV
        ld r2, [pv_vcpu+28]
        st r2, [r1+P_USP]
        ld r2, [pv_vcpu+0]
        st r2, [r1+P_EPC]
        ld r2, [pv_vcpu+4]
        st r2, [r1+P_EFLAGS]
.else
        mfcr r2, usp
        st r2, [r1+P_USP]
        mfcr r2, epc
        st r2, [r1+P_EPC]
        mfcr r2, eflags
        st r2, [r1+P_EFLAGS]
.endif
        ret

; r1 = the current pcb: run the next ready one after it, or power off
schedule_next:
        mov r2, r1
        mov r3, NPROC
sn_loop:
        add r2, r2, PCB_SIZE
        ld r4, [pcbs_end]
        cmp r2, r4
        jb sn_in
        mov r2, pcbs
sn_in:
        ld r4, [r2+P_STATE]
        cmp r4, 1
        jz run_pcb
        sub r3, r3, 1
        jnz sn_loop
.ifdef PV
        int 0x82
        .word HC_OUT_IMM + HC_PORT_POWER
        .word 0
.else
        out 0xf0, 0
.endif

; r2 = the pcb to run
run_pcb:
        st r2, [current]
        mov r1, r2
.ifdef PV
        ld r2, [r1+P_USP]
        st r2, [pv_vcpu+28]
        ld r2, [r1+P_EPC]
        st r2, [pv_vcpu+0]
        ld r2, [r1+P_EFLAGS]
        st r2, [pv_vcpu+4]
        ld r2, [r1+P_BASE]
        st r2, [pv_vcpu+20]
        mov r2, USER_SIZE
        st r2, [pv_vcpu+24]
.else
        ld r2, [r1+P_USP]
        mtcr usp, r2
        ld r2, [r1+P_EPC]
        mtcr epc, r2
        ld r2, [r1+P_EFLAGS]
        mtcr eflags, r2
        ld r2, [r1+P_BASE]
        mtcr ubase, r2
        mov r2, USER_SIZE
        mtcr ulimit, r2
.endif
        ld r0, [r1+0]
        ld r2, [r1+8]
        ld r3, [r1+12]
        ld r4, [r1+16]
        ld r5, [r1+20]
        ld r6, [r1+24]
        ld r7, [r1+28]
        ld r8, [r1+32]
        ld r9, [r1+36]
        ld r10, [r1+40]
        ld r11, [r1+44]
        ld r12, [r1+48]
        ld r13, [r1+52]
        ld r14, [r1+56]
        ld r1, [r1+4]
.ifdef PV
        int 0x82
        .word HC_IRET
.else
        iret
.endif

; r1 = zero-terminated string
kputs:
        ldb r2, [r1]
        cmp r2, 0
        jz kputs_done
.ifdef PV
        int 0x82
        .word HC_OUT + HC_R2 + HC_PORT_CONSOLE_OUT
.else
        out 0x10, r2
.endif
        add r1, r1, 1
        jmp kputs
kputs_done:
        ret

.ifdef HOSTILE
; escape attempts from the guest kernel: each must stay inside the guest
hostile:
        mov r1, 0x12345678
        st r1, [0x180000]       ; write outside the partition (guest memory is 1 MiB): #GP, skipped
        mov r1, 0
        mtcr ubase, r1
        mov r1, -1
        mtcr ulimit, r1         ; a user segment over all of memory
        out 0x20, 0             ; stop the timer
        mov r1, 0x7000
        lidt r1                 ; replace the IDT …
        mov r1, idt_table
        lidt r1                 ; … and put ours back
        cli                     ; interrupts off for a long while
        mov r1, 200000
hostile_spin:
        sub r1, r1, 1
        jnz hostile_spin
.ifdef FOREVER
hostile_forever:
        jmp hostile_forever
.endif
        out 0xf0, 7             ; power off "the machine"
        ret
.endif

.ifdef SMC
; self-modifying kernel code: the translated block must be translated again
smc_demo:
        call smc_routine
        add r1, r1, '0'
        out 0x10, r1
        mov r1, 6
        st r1, [smc_mov+4]      ; rewrite the immediate of `mov r1, 5`
        call smc_routine
        add r1, r1, '0'
        out 0x10, r1
        out 0x10, 10
        ret
smc_routine:
        pushf
        cli
smc_mov:
        mov r1, 5
        popf
        ret
.endif

current:        .word 0
pcbs_end:       .word 0
warn:           .asciz "[k] warning: not in supervisor mode\n"
killed_msg:     .asciz "[k] process killed\n"
        .align 4
pcbs:           .space 512
idt_table:          .space 1024
kstack:         .space 1024
kstack_top:
pv_vcpu:        .space 36
