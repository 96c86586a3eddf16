; =============================================================================
; samples/vmm/mini-vmm.s — a trap-and-emulate VMM written in V32 assembly
; =============================================================================
;
; The same job as vmtop's TypeScript monitor (source/vmm/), as real code on the
; machine: mini-vmm runs in supervisor mode, holds ONE guest in a partition of
; its memory (base/limit), runs it deprivileged in user mode with interrupts
; enabled, and
;   - emulates the guest's privileged instructions on a virtual CPU kept in
;     its own memory (virtual S and IF, the eight control registers, the
;     banked sp, the timer, the console and the power switch);
;   - reflects the guest's exceptions and the virtual interrupts into the
;     guest kernel through the guest's own IDT (docs/v32.md §4.2);
;   - keeps the guest's time exact: the guest's clock counts guest
;     instructions only (read off port 0x21 at every entry, minus mini-vmm's
;     own fixed entry/exit path), and the real timer is armed to fire exactly
;     when the guest's virtual timer is due.
;
; Popek & Goldberg's Theorem 2 (recursive virtualization): everything
; sensitive mini-vmm does is privileged on the classic profile, so it runs
; UNCHANGED as the guest of a copy of itself (samples/scenarios/nested-2.json)
; or of vmtop's TypeScript VMM (nested-1.json with --vmm trap). The one
; pentium-sensitive instruction it uses is the boot check `smsw`: on the
; pentium profile, deprivileged, it does not trap and reads the real mode —
; the first divergence vmtop reports there (docs/vmm.md, "mini-vmm").
;
; Memory map (mini-vmm's physical memory, whatever that is at its depth):
;   0 .. vmm_end         this program: code, vmm_info, the vCPU, its IDT, stack
;   PB .. PB+PS          the guest's partition: guest-physical address a is
;                        physical PB + a. PB, PS and the guest's entry are in
;                        `vmm_info`, written by vmtop's nested builder
;                        (source/sim/nested.ts) as the loader writes boot_info.
;
; Limits (docs/vmm.md): one guest; the guest's `int n` (n >= 32) is checked
; against mini-vmm's own gates only (32 and 33 are kernel-only, as the sample
; kernel marks them); a guest `hlt` that can never wake stops the real machine
; with mini-vmm's reason, not the guest's.

.include "../os/v32.inc"

.equ PORT_INSTRET, 0x21         ; in: instructions retired since reset (docs/v32.md §5.1)
.equ VMM_MAGIC, 0x4D564D6D      ; "mVMM": the builder wrote vmm_info
.equ IDT_KERNEL_ONLY, 1         ; docs/v32.md §4.6

; vmm_info, written by the builder (source/sim/nested.ts reads these names)
.equ VI_MAGIC, 0
.equ VI_BASE, 4                 ; PB: physical start of the partition
.equ VI_SIZE, 8                 ; PS: its size = the guest's memory size
.equ VI_ENTRY, 12               ; the guest's pc at reset

; The virtual control registers at v_cr, numbered as mfcr/mtcr (docs/v32.md §1.3).
.equ CR_EPC, 0
.equ CR_EFLAGS, 4
.equ CR_CAUSE, 8
.equ CR_BADADDR, 12
.equ CR_IDT, 16
.equ CR_UBASE, 20
.equ CR_ULIMIT, 24
.equ CR_USP, 28
.equ G_SP, 60                   ; g_regs + 60: the guest's current sp (r15)

; Time accounting: the instructions mini-vmm retires between reading port
; 0x21 on its way out (vmm_resume) and on its way in (vmm_trap), besides the
; guest's. Out: the `in` itself, st, 15 ld, iret = 18. In: out, st = 2.
.equ RESUME_TAIL, 18            ; retired after `out 0x20` up to and including iret
.equ ENTRY_OVERHEAD, 20         ; RESUME_TAIL + the out and st before the entry's `in`

; =============================================================================
; Boot: supervisor mode, interrupts off (docs/v32.md §1.4).
; =============================================================================
_start:
vmm_boot:
        mov sp, vmm_stack_top
        ; Are we in supervisor mode? Like the sample kernel: warn and go on.
        ; (smsw is privileged on classic, so a VMM hosting mini-vmm answers 1;
        ; on pentium it does not trap and shows the real mode: 0.)
        smsw r0
        and r0, r0, 1
        jnz vmm_boot_supervisor
        mov r1, msg_not_supervisor
        call vmm_puts
vmm_boot_supervisor:
        ld r0, [vmm_info+VI_MAGIC]
        cmp r0, VMM_MAGIC
        jz vmm_boot_info_ok
        mov r1, msg_no_guest
        call vmm_puts
        out PORT_POWER, 1
vmm_boot_info_ok:
        ; Every vector enters mini-vmm at vmm_trap. 32 and 33 are kernel-only
        ; gates, so a guest's `int 32` is a #GP, never mistaken for IRQ 0.
        mov r1, vmm_idt
        mov r2, 0
        mov r3, vmm_trap
vmm_boot_idt:
        st r3, [r1]
        add r1, r1, 4
        add r2, r2, 1
        cmp r2, 256
        jl vmm_boot_idt
        mov r3, vmm_trap + IDT_KERNEL_ONLY
        st r3, [vmm_idt+128]
        st r3, [vmm_idt+132]
        mov r1, vmm_idt
        lidt r1
        ; The guest starts as a machine at reset: virtual supervisor mode,
        ; IF = 0, registers 0 (the vCPU's initial data), pc = its entry.
        ld r0, [vmm_info+VI_ENTRY]
        st r0, [g_pc]
        ld r1, [vmm_info+VI_BASE]
        mtcr ubase, r1
        ld r1, [vmm_info+VI_SIZE]
        mtcr ulimit, r1
        jmp vmm_resume

; =============================================================================
; Entry: every exception and interrupt of the guest lands here (the guest
; always runs in real user mode, so the CPU switched to mini-vmm's sp).
; =============================================================================
vmm_trap:
        ; Stop the real timer first: armed for the guest, it must not fire
        ; while mini-vmm works, or its tick would be taken right after the
        ; next resume, before the guest runs again — forever, when the guest
        ; was one instruction short of its tick.
        out PORT_TIMER, 0
        st r0, [g_regs]
        in r0, PORT_INSTRET             ; fixed distance from vmm_resume's `in`
        st r1, [g_regs+4]
        st r2, [g_regs+8]
        st r3, [g_regs+12]
        st r4, [g_regs+16]
        st r5, [g_regs+20]
        st r6, [g_regs+24]
        st r7, [g_regs+28]
        st r8, [g_regs+32]
        st r9, [g_regs+36]
        st r10, [g_regs+40]
        st r11, [g_regs+44]
        st r12, [g_regs+48]
        st r13, [g_regs+52]
        st r14, [g_regs+56]
        mov sp, vmm_stack_top           ; a fresh stack: mini-vmm never nests
        ld r1, [n_exits]                ; statistics (vmtop stats reads them)
        add r1, r1, 1
        st r1, [n_exits]
        ; The guest's instructions since the last resume: its clock.
        ld r1, [t_exit]
        sub r0, r0, r1
        sub r0, r0, ENTRY_OVERHEAD
        ld r1, [v_instret]
        add r1, r1, r0
        st r1, [v_instret]
        ld r1, [v_clock]
        add r1, r1, r0
        st r1, [v_clock]
        mfcr r0, usp
        st r0, [g_regs+G_SP]
        mfcr r0, epc
        st r0, [g_pc]
        mfcr r0, eflags
        and r0, r0, 15                  ; C Z N V are the guest's; S and IF are virtual
        st r0, [g_cznv]
        mfcr r0, cause
        cmp r0, VEC_TIMER
        jz vmm_resume                   ; the real timer: time is checked on the way out
        cmp r0, VEC_CONSOLE
        jz trap_console
        cmp r0, VEC_GP
        jz trap_gp
        ; #DE, #BP, #UD, and `int n` (n >= 34): the guest's own exception.
        mov r1, r0
        ld r2, [g_pc]
        call reflect
        jmp vmm_resume

; IRQ 1: console input for the guest; delivered when its virtual IF allows.
trap_console:
        ld r0, [v_pending]
        or r0, r0, 2
        st r0, [v_pending]
        jmp vmm_resume

; #GP: a privileged instruction of the guest kernel (emulate it), or the
; guest's own #GP (reflect it).
trap_gp:
        mfcr r0, badaddr
        st r0, [gp_badaddr]
        ld r0, [v_s]
        cmp r0, 0
        jz gp_reflect                   ; a guest process: #GP natively too
        ld r1, [g_pc]
        and r0, r1, 3
        jnz gp_reflect
        ld r2, [vmm_info+VI_SIZE]
        sub r2, r2, 12
        cmp r1, r2
        ja gp_reflect                   ; not an instruction we can read whole
        ld r0, [vmm_info+VI_BASE]
        add r10, r1, r0                 ; r10 = the instruction, physical
        ld r11, [r10]                   ; r11 = its header word (docs/v32.md §3.9)
        and r0, r11, 0xff
        cmp r0, 34
        jb gp_reflect
        cmp r0, 48
        ja gp_reflect
        ld r1, [n_emulated]
        add r1, r1, 1
        st r1, [n_emulated]
        sub r0, r0, 34
        shl r0, r0, 2
        ld r0, [r0+emulate_table]
        jmp r0
gp_reflect:
        ld r0, [gp_badaddr]
        st r0, [v_cr+CR_BADADDR]
        mov r1, VEC_GP
        ld r2, [g_pc]
        call reflect
        jmp vmm_resume

; =============================================================================
; Emulation on the vCPU. r10 = the instruction (physical), r11 = its header.
; Each retires the instruction for the guest: its clock advances by one.
; =============================================================================
emulate_table:
        .word emu_int, gp_reflect, emu_iret, emu_cli, emu_sti, emu_hlt, emu_lidt
        .word emu_sidt, emu_smsw, emu_mfcr, emu_mtcr, emu_in, emu_out, emu_pushf, emu_popf

; r0 = the register named by field a (bits 8-11); r1 = its address in g_regs.
reg_a:
        shr r1, r11, 8
        and r1, r1, 15
        shl r1, r1, 2
        add r1, r1, g_regs
        ld r0, [r1]
        ret

emu_cli:
        mov r0, 0
        st r0, [v_if]
        jmp emu_next4
emu_sti:
        mov r0, 1
        st r0, [v_if]
        jmp emu_next4
emu_lidt:
        call reg_a
        st r0, [v_cr+CR_IDT]
        jmp emu_next4
emu_sidt:
        call reg_a
        ld r0, [v_cr+CR_IDT]
        st r0, [r1]
        jmp emu_next4
emu_smsw:
        call reg_a
        mov r0, 1                       ; the virtual machine's mode: supervisor
        st r0, [r1]
        jmp emu_next4
emu_mfcr:
        call reg_a
        shr r2, r11, 24
        shl r2, r2, 2
        ld r0, [r2+v_cr]
        st r0, [r1]
        jmp emu_next4
emu_mtcr:
        call reg_a
        shr r2, r11, 24
        cmp r2, 5                       ; ubase is word-granular (docs/v32.md §1.3)
        jnz emu_mtcr_store
        and r0, r0, -4
emu_mtcr_store:
        shl r2, r2, 2
        st r0, [r2+v_cr]
        jmp emu_next4

; in rd, port: the console is the real one; port 0x21 is the guest's clock.
emu_in:
        call reg_a
        ld r2, [r10+4]                  ; the port
        mov r0, -1                      ; unknown ports read as an open bus
        cmp r2, PORT_CONSOLE_IN
        jnz emu_in_clock
        in r0, PORT_CONSOLE_IN
        jmp emu_in_done
emu_in_clock:
        cmp r2, PORT_INSTRET
        jnz emu_in_done
        ld r0, [v_instret]              ; this `in` not yet counted, as natively
emu_in_done:
        st r0, [r1]
        mov r1, 8
        jmp emu_next

; out port, src: console and power switch pass through; the timer is virtual.
emu_out:
        ld r2, [r10+4]                  ; the port
        mov r3, 8
        and r0, r11, 0x100000           ; I: the source is an immediate word
        jz emu_out_reg
        ld r0, [r10+8]
        mov r3, 12
        jmp emu_out_port
emu_out_reg:
        shr r1, r11, 16
        and r1, r1, 15
        shl r1, r1, 2
        ld r0, [r1+g_regs]
emu_out_port:
        cmp r2, PORT_CONSOLE_OUT
        jnz emu_out_power
        out PORT_CONSOLE_OUT, r0
        jmp emu_out_done
emu_out_power:
        cmp r2, PORT_POWER
        jnz emu_out_timer
        out PORT_POWER, r0              ; the guest was the machine's only work
        jmp emu_out_done
emu_out_timer:
        cmp r2, PORT_TIMER
        jnz emu_out_done
        ; IRQ 0 after `period` more guest instructions, the out not counted.
        st r0, [v_period]
        ld r1, [g_pc]
        add r1, r1, r3
        st r1, [g_pc]
        call retire
        ld r1, [v_clock]
        add r1, r1, r0
        st r1, [v_deadline]
        jmp vmm_resume
emu_out_done:
        mov r1, r3
        jmp emu_next

; pushf / popf in virtual supervisor mode: the virtual FLAGS on the guest's stack.
emu_pushf:
        ld r1, [g_regs+G_SP]
        sub r1, r1, 4
        call stack_word                 ; r2 = physical address, or it reflected #GP
        ld r0, [g_cznv]
        ld r3, [v_if]
        shl r3, r3, 9
        or r0, r0, r3
        or r0, r0, FLAG_S
        st r0, [r2]
        st r1, [g_regs+G_SP]
        jmp emu_next4
emu_popf:
        ld r1, [g_regs+G_SP]
        call stack_word
        ld r0, [r2]
        and r3, r0, 15
        st r3, [g_cznv]
        shr r3, r0, 9
        and r3, r3, 1
        st r3, [v_if]
        add r1, r1, 4
        st r1, [g_regs+G_SP]
        jmp emu_next4

; stack_word: r1 = a guest-physical stack address. Returns r2 = its physical
; address; if the word is misaligned or outside the partition, reflects #GP
; (badaddr r1) instead and does not return to the caller.
stack_word:
        and r2, r1, 3
        jnz stack_word_bad
        ld r2, [vmm_info+VI_SIZE]
        sub r2, r2, 4
        cmp r1, r2
        ja stack_word_bad
        ld r2, [vmm_info+VI_BASE]
        add r2, r2, r1
        ret
stack_word_bad:
        mov sp, vmm_stack_top           ; drop the caller
        st r1, [v_cr+CR_BADADDR]
        mov r1, VEC_GP
        ld r2, [g_pc]
        call reflect
        jmp vmm_resume

; int n from virtual supervisor mode (n < 32, or 32/33 through mini-vmm's
; kernel-only gates): a trap into the guest kernel, the int retired.
emu_int:
        call retire
        shr r1, r11, 24
        ld r2, [g_pc]
        add r2, r2, 4
        call reflect
        jmp vmm_resume

; iret: pc and FLAGS from the virtual epc/eflags; to virtual user mode, the
; user sp and the process's segment composed with the partition.
emu_iret:
        ld r0, [v_cr+CR_EFLAGS]
        and r1, r0, 15
        st r1, [g_cznv]
        shr r1, r0, 9
        and r1, r1, 1
        st r1, [v_if]
        ld r1, [v_cr+CR_EPC]
        st r1, [g_pc]
        call retire
        ld r0, [v_cr+CR_EFLAGS]
        and r0, r0, FLAG_S
        jnz vmm_resume                  ; stays in virtual supervisor mode
        ld r0, [g_regs+G_SP]
        st r0, [v_ssp]
        ld r0, [v_cr+CR_USP]
        st r0, [g_regs+G_SP]
        mov r0, 0
        st r0, [v_s]
        call user_segment
        jmp vmm_resume

; hlt: the guest's idle time passes at once, to its next virtual interrupt.
emu_hlt:
        ld r1, [g_pc]
        add r1, r1, 4
        st r1, [g_pc]
        call retire
        ld r0, [v_if]
        cmp r0, 0
        jz emu_hlt_never                ; natively: halted with interrupts disabled
        ld r0, [v_pending]
        cmp r0, 0
        jnz vmm_resume                  ; an interrupt is waiting: taken now
        ld r1, [v_period]
        cmp r1, 0
        jz emu_hlt_input                ; only console input can wake it
        ld r1, [v_clock]
        ld r2, [v_deadline]
        cmp r1, r2
        jae vmm_resume
        st r2, [v_clock]                ; the idle slots count for the timer, not as instructions
        jmp vmm_resume
emu_hlt_never:
        hlt                             ; IF = 0 here too: the real machine stops the same way
emu_hlt_input:
        ; Wait for IRQ 1 with the real timer off. vmm_trap then counts the
        ; guest's instructions from t_exit: set it so that they come to 0
        ; (this in, st, out, sti, hlt, and the entry's out, st = 7 = 20 - 13).
        in r0, PORT_INSTRET
        sub r0, r0, 13
        st r0, [t_exit]
        out PORT_TIMER, 0
        sti
        hlt

emu_next4:
        mov r1, 4
; emu_next: r1 = the size of the emulated instruction.
emu_next:
        ld r0, [g_pc]
        add r0, r0, r1
        st r0, [g_pc]
        call retire
        jmp vmm_resume

; retire: one guest instruction more on the guest's clock.
retire:
        ld r0, [v_instret]
        add r0, r0, 1
        st r0, [v_instret]
        ld r0, [v_clock]
        add r0, r0, 1
        st r0, [v_clock]
        ld r0, [v_period]               ; r0 = the timer period, for emu_out
        ret

; user_segment: the real segment of a guest process — its ubase/ulimit
; composed with the partition, clipped so it never leaves it.
user_segment:
        ld r1, [v_cr+CR_UBASE]
        ld r2, [vmm_info+VI_SIZE]
        ld r0, [vmm_info+VI_BASE]
        cmp r1, r2
        jae user_segment_empty
        sub r3, r2, r1                  ; room above ubase in the partition
        ld r2, [v_cr+CR_ULIMIT]
        cmp r2, r3
        jbe user_segment_set
        mov r2, r3
user_segment_set:
        add r0, r0, r1
        mtcr ubase, r0
        mtcr ulimit, r2
        ret
user_segment_empty:
        mtcr ubase, r0
        mov r2, 0
        mtcr ulimit, r2
        ret

; =============================================================================
; reflect: deliver vector r1 into the guest kernel with epc r2, as the CPU
; would (docs/v32.md §4.2, §4.3): eflags, epc, cause, S = 1 (the supervisor
; sp), IF = 0, pc from the guest's IDT; #DF when the entry is 0 or cannot be
; read; a triple fault stops.
; =============================================================================
reflect:
        mov r5, r1
        mov r6, r2
        ld r0, [n_reflected]
        add r0, r0, 1
        st r0, [n_reflected]
        cmp r1, VEC_SYSCALL
        jnz reflect_gate
        ld r0, [n_syscalls]
        add r0, r0, 1
        st r0, [n_syscalls]
reflect_gate:
        call guest_gate
        cmp r0, 0
        jnz reflect_go
        cmp r5, VEC_DF
        jz reflect_triple
        mov r5, VEC_DF
        mov r1, VEC_DF
        call guest_gate
        cmp r0, 0
        jz reflect_triple
reflect_go:
        st r6, [v_cr+CR_EPC]
        ld r1, [g_cznv]
        ld r2, [v_if]
        shl r2, r2, 9
        or r1, r1, r2
        ld r2, [v_s]
        shl r2, r2, 12
        or r1, r1, r2
        st r1, [v_cr+CR_EFLAGS]
        st r5, [v_cr+CR_CAUSE]
        st r0, [g_pc]
        mov r0, 0
        st r0, [v_if]
        ld r0, [v_s]
        cmp r0, 0
        jnz reflect_done
        ; From a guest process: its sp is the user sp now; the kernel's comes back.
        ld r0, [g_regs+G_SP]
        st r0, [v_cr+CR_USP]
        ld r0, [v_ssp]
        st r0, [g_regs+G_SP]
        mov r0, 1
        st r0, [v_s]
        ld r0, [vmm_info+VI_BASE]
        mtcr ubase, r0
        ld r0, [vmm_info+VI_SIZE]
        mtcr ulimit, r0
reflect_done:
        ret
reflect_triple:
        mov r1, msg_triple
        call vmm_puts
        out PORT_POWER, 3
reflect_stuck:
        jmp reflect_stuck

; guest_gate: r1 = vector. Returns r0 = the guest's handler (its IDT entry
; without the kernel-only bit), or 0 when the entry is 0 or cannot be read.
guest_gate:
        ld r0, [v_cr+CR_IDT]
        shl r1, r1, 2
        add r0, r0, r1
        and r1, r0, 3
        jnz guest_gate_none
        ld r1, [vmm_info+VI_SIZE]
        sub r1, r1, 4
        cmp r0, r1
        ja guest_gate_none
        ld r1, [vmm_info+VI_BASE]
        add r0, r0, r1
        ld r0, [r0]
        and r0, r0, -2
        ret
guest_gate_none:
        mov r0, 0
        ret

; =============================================================================
; vmm_resume: raise a due virtual tick, deliver a pending virtual interrupt
; if the virtual IF allows, arm the real timer for the next tick, and return
; to the guest in real user mode with interrupts on.
; =============================================================================
vmm_resume:
        ld r1, [v_period]
        cmp r1, 0
        jz resume_irq
        ld r2, [v_clock]
        ld r3, [v_deadline]
        cmp r2, r3
        jb resume_irq
        add r3, r2, r1                  ; the timer counts the period again from here
        st r3, [v_deadline]
        ld r0, [v_pending]
        or r0, r0, 1
        st r0, [v_pending]
resume_irq:
        ld r0, [v_if]
        cmp r0, 0
        jz resume_arm
        ld r0, [v_pending]
        cmp r0, 0
        jz resume_arm
        and r1, r0, 1                   ; IRQ 0 before IRQ 1 (docs/v32.md §4.4)
        jz resume_irq1
        and r0, r0, -2
        st r0, [v_pending]
        mov r1, VEC_TIMER
        jmp resume_deliver
resume_irq1:
        and r0, r0, -3
        st r0, [v_pending]
        mov r1, VEC_CONSOLE
resume_deliver:
        ld r2, [g_pc]
        call reflect
resume_arm:
        mov r1, 0
        ld r2, [v_period]
        cmp r2, 0
        jz resume_go
        ld r1, [v_deadline]
        ld r2, [v_clock]
        sub r1, r1, r2
        add r1, r1, RESUME_TAIL
resume_go:
        ld r2, [g_pc]
        mtcr epc, r2
        ld r2, [g_cznv]
        or r2, r2, FLAG_IF              ; real user mode, interrupts on
        mtcr eflags, r2
        ld r2, [g_regs+G_SP]
        mtcr usp, r2
        out PORT_TIMER, r1              ; from here on the path is straight: RESUME_TAIL
        in r0, PORT_INSTRET
        st r0, [t_exit]
        ld r0, [g_regs]
        ld r1, [g_regs+4]
        ld r2, [g_regs+8]
        ld r3, [g_regs+12]
        ld r4, [g_regs+16]
        ld r5, [g_regs+20]
        ld r6, [g_regs+24]
        ld r7, [g_regs+28]
        ld r8, [g_regs+32]
        ld r9, [g_regs+36]
        ld r10, [g_regs+40]
        ld r11, [g_regs+44]
        ld r12, [g_regs+48]
        ld r13, [g_regs+52]
        ld r14, [g_regs+56]
        iret

; vmm_puts: mini-vmm's own messages (r1: a zero-terminated string).
vmm_puts:
        ldb r0, [r1]
        cmp r0, 0
        jz vmm_puts_done
        out PORT_CONSOLE_OUT, r0
        add r1, r1, 1
        jmp vmm_puts
vmm_puts_done:
        ret

; =============================================================================
; Data: vmm_info, the virtual CPU, mini-vmm's IDT and stack.
; =============================================================================
        .align 4
vmm_info:       .word 0, 0, 0, 0        ; magic, partition base, size, guest entry
; The guest's registers while mini-vmm runs: r0..r14, then its current sp.
g_regs:         .space 64
g_pc:           .word 0                 ; where the guest resumes
g_cznv:         .word 0                 ; its C Z N V
v_s:            .word 1                 ; virtual S: the guest starts in supervisor mode
v_if:           .word 0                 ; virtual IF
v_ssp:          .word 0                 ; its supervisor sp while a process runs
v_cr:           .space 32               ; epc eflags cause badaddr idt ubase ulimit usp
v_instret:      .word 0                 ; guest instructions retired (its port 0x21)
v_clock:        .word 0                 ; its timer's clock: instructions + idle slots
v_period:       .word 0                 ; its timer period, 0 = stopped
v_deadline:     .word 0                 ; v_clock at which its IRQ 0 is due
v_pending:      .word 0                 ; pending virtual IRQs: bit 0 timer, bit 1 console
t_exit:         .word 0                 ; port 0x21 at the last resume
gp_badaddr:     .word 0
; Statistics, read by vmtop (source/stats/nested-stats.ts): what each level did.
n_exits:        .word 0                 ; entries into mini-vmm (its exits)
n_emulated:     .word 0                 ; privileged guest instructions emulated
n_reflected:    .word 0                 ; exceptions and interrupts delivered into the guest
n_syscalls:     .word 0                 ; of which the guest's int 0x80
vmm_idt:        .space 1024

msg_not_supervisor: .asciz "[mini-vmm] warning: smsw says user mode; a VMM should run in supervisor mode\n"
msg_no_guest:       .asciz "[mini-vmm] no guest: vmm_info is empty (run me from a scenario with \"nested\")\n"
msg_triple:         .asciz "[mini-vmm] the guest triple-faulted: power off with 3\n"

        .align 4
vmm_stack:      .space 256
vmm_stack_top:
vmm_end:
