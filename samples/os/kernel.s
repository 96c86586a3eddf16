; =============================================================================
; samples/os/kernel.s — the sample kernel of vmtop
; =============================================================================
;
; The operating system is itself a program: the CPU fetches and executes it in
; supervisor mode, like any other code (the lecture's "vertical cooperation").
; This kernel
;   - boots: checks it runs in supervisor mode, installs its interrupt
;     descriptor table (IDT), reads the boot information the loader left at
;     `boot_info`, gives each process its own base/limit region, starts the
;     timer and enters the first process with `iret`;
;   - schedules round robin, preemptively on the timer interrupt; `yield`
;     gives up the CPU; with nobody runnable it idles in `hlt`;
;   - interprets the system calls of docs/v32.md §7 (`int 0x80`);
;   - kills a process that faults (#DE, #GP, #UD, brk) and lets the others go on;
;   - powers off with 0 when every process has exited.
;
; Design notes (docs/os.md has the whole story):
;   - One kernel stack. Every entry from user mode starts it afresh, and the
;     kernel runs with interrupts disabled, so kernel code is never
;     interrupted and never nests: the CPU's epc/eflags need no saving beyond
;     the process control block.
;   - Only guest-physical addresses, and no assumption about memory size
;     beyond what the boot information says: a VMM runs this same kernel,
;     deprivileged, inside a partition.
;   - Every privileged or sensitive instruction sits in an `.ifdef PV` block
;     whose PV branch stands for exactly that one instruction
;     (docs/hypercalls.md): a one-for-one hypercall (`int 0x82` and a
;     descriptor word the VMM reads and skips), or an `ld`/`st` on the shared
;     vCPU page `pv_vcpu` (mfcr, mtcr, lidt, smsw). Assembled with the define
;     PV, this is the para-virtualized kernel, and it executes exactly as many
;     instructions as the native one: its timer ticks land at the same places.
;   - With the define PV_SWITCH (samples/os/kernel-pv-switch.s) the kernel is
;     intransparently virtualizable: its timer handler asks the VMM status port
;     (docs/v32.md §5.5) and switches its hot sensitive sites between native
;     instructions and hypercalls (docs/vmm.md, "Transient VMM"). A site's
;     test (`cmp`) sets C Z N V, which no site needs: each is followed by a
;     `cmp` of its own or only pushes them for its `popf`. Both of its paths
;     are equally long, so the timer ticks land where they land natively.
;   - With the define HOSTILE the kernel turns on its VMM after booting and
;     tries to escape (see `hostile` at the end).
;   - With the define USER_IRQ_OFF its processes run with interrupts disabled
;     (cooperative: only system calls enter the kernel), so a process's pushf
;     shows IF = 0 (samples/os/kernel-irq-off.s, the hazard-pushf scenario).
;
; Kernel calling convention: arguments in r1–r3, result in r0; r0–r3 may be
; clobbered by a callee, r4–r14 are preserved.

.include "v32.inc"

; ---- configuration ------------------------------------------------------------
.equ MAX_PROCS, 8               ; process-table slots (the loader reads this symbol)
.equ IDT_KERNEL_ONLY, 1         ; IDT entry bit 0: user-mode `int n` through this gate is a #GP
.equ TIME_SLICE, 2000           ; timer period: instructions per quantum
.equ KSTACK_SIZE, 1024          ; bytes of kernel stack

; ---- system calls (docs/v32.md §7.2) --------------------------------------------
.equ SYS_EXIT, 0
.equ SYS_WRITE, 1
.equ SYS_YIELD, 2
.equ SYS_GETPID, 3
.equ SYS_READ, 4
.equ SYS_TIME, 5
.equ NR_SYSCALLS, 6
.equ ENOSYS, 38                 ; error results are negative: -ENOSYS, -EFAULT (as Linux)
.equ EFAULT, 14

; ---- process states -------------------------------------------------------------
.equ P_FREE, 0                  ; slot never used
.equ P_RUNNABLE, 1              ; wants the CPU
.equ P_YIELDED, 2               ; called yield(): runnable again at the next interrupt
.equ P_EXITED, 3                ; called exit()
.equ P_KILLED, 4                ; faulted and was killed

; ---- process control block (PCB): one PROC_SIZE-byte slot per process ------------
.equ P_STATE, 0                 ; one of the states above
.equ P_PID, 4                   ; process id, slot index + 1
.equ P_BASE, 8                  ; physical start of its region (ubase)
.equ P_LIMIT, 12                ; size of its region (ulimit)
.equ P_EPC, 16                  ; where it resumes (user address)
.equ P_EFLAGS, 20               ; its FLAGS (S = 0, IF = 1, and its C Z N V)
.equ P_USP, 24                  ; its stack pointer
.equ P_R0, 28                   ; r0..r14, 4 bytes each
.equ P_R1, 32
.equ P_R2, 36
.equ P_R3, 40
.equ P_R4, 44
.equ P_R5, 48
.equ P_R6, 52
.equ P_R7, 56
.equ P_R8, 60
.equ P_R9, 64
.equ P_R10, 68
.equ P_R11, 72
.equ P_R12, 76
.equ P_R13, 80
.equ P_R14, 84
.equ P_EXIT, 88                 ; exit code (exited) or vector (killed)
.equ PROC_SIZE, 128
.equ PROC_SHIFT, 7              ; PROC_SIZE = 1 << PROC_SHIFT
.equ PROC_TABLE_SIZE, 1024      ; MAX_PROCS * PROC_SIZE

; ---- boot information, filled in by the loader (source/os/loader.ts) ------------
.equ BOOT_MAGIC, 0x42323356     ; "V32B" as a little-endian word
.equ BI_MAGIC, 0
.equ BI_MEMSIZE, 4              ; bytes of (guest-)physical memory
.equ BI_COUNT, 8                ; number of processes
.equ BI_PROCS, 12               ; then BI_COUNT entries of BI_ENTRY_SIZE bytes:
.equ BI_BASE, 0                 ;   region base
.equ BI_SIZE, 4                 ;   region size (the process's sp starts here)
.equ BI_ENTRY, 8                ;   entry point (its `_start`)
.equ BI_ENTRY_SIZE, 16
.equ BOOT_INFO_SIZE, 140        ; BI_PROCS + MAX_PROCS * BI_ENTRY_SIZE

; =============================================================================
; Boot. The machine starts here in supervisor mode with interrupts disabled.
; =============================================================================
_start:
boot:
        mov sp, kernel_stack_top

        ; Are we really in supervisor mode? smsw reads the machine status word,
        ; bit 0 = S. A real kernel would panic; this one warns and goes on.
        ; (On the pentium profile, under a plain trap-and-emulate VMM, smsw does
        ; not trap and shows the truth: the guest kernel runs in user mode.)
.ifdef PV
        ld r0, [pv_vcpu+VCPU_STATUS]
.else
        smsw r0
.endif
        and r0, r0, 1
        jnz boot_supervisor_ok
        mov r1, msg_not_supervisor
        call kputs
boot_supervisor_ok:
        call idt_init
        call proc_init                  ; r0 = processes created, -1 without boot info
        cmp r0, 0
        jg boot_start
        jz boot_nothing_to_run
        mov r1, msg_no_boot_info
        call kputs
        mov r1, 1
        jmp power_off
boot_nothing_to_run:
        mov r1, msg_no_procs
        call kputs
        mov r1, 0
        jmp power_off
boot_start:
        ; The timer makes scheduling preemptive: IRQ 0 every TIME_SLICE instructions.
.ifdef PV
        int VEC_HYPERCALL
        .word HC_OUT_IMM + HC_PORT_TIMER
        .word TIME_SLICE
.else
        out PORT_TIMER, TIME_SLICE
.endif
.ifdef HOSTILE
        jmp hostile                     ; interrupts are still off: it never gets to a process
.endif
        jmp schedule                    ; enter the first process (with iret)

; idt_init: every vector gets a handler (an IDT entry of 0 would turn the
; exception into a double fault), then the table is loaded with lidt.
idt_init:
        mov r1, idt_table
        mov r2, 0
        mov r3, unexpected_fault
idt_init_fill:
        st r3, [r1]
        add r1, r1, 4
        add r2, r2, 1
        cmp r2, 256
        jl idt_init_fill
        mov r3, divide_error_fault
        st r3, [idt_table+0]            ; 4 * VEC_DE
        mov r3, breakpoint_fault
        st r3, [idt_table+12]           ; 4 * VEC_BP
        mov r3, invalid_opcode_fault
        st r3, [idt_table+24]           ; 4 * VEC_UD
        mov r3, double_fault_abort
        st r3, [idt_table+32]           ; 4 * VEC_DF
        mov r3, general_protection_fault
        st r3, [idt_table+52]           ; 4 * VEC_GP
        ; The hardware vectors are kernel-only gates (docs/v32.md §4.6): a process's
        ; `int 32` / `int 33` is a #GP, so it cannot forge timer ticks or input.
        mov r3, timer_interrupt + IDT_KERNEL_ONLY
        st r3, [idt_table+128]          ; 4 * VEC_TIMER
        mov r3, console_interrupt + IDT_KERNEL_ONLY
        st r3, [idt_table+132]          ; 4 * VEC_CONSOLE
        mov r3, syscall_entry
        st r3, [idt_table+512]          ; 4 * VEC_SYSCALL
        mov r1, idt_table
.ifdef PV
        st r1, [pv_vcpu+VCPU_IDT]
.else
        lidt r1
.endif
        ret

; proc_init: one process per boot-information entry. Returns in r0 the number
; of processes created, or -1 when the loader left no boot information.
proc_init:
        ld r0, [boot_info+BI_MAGIC]
        cmp r0, BOOT_MAGIC
        jz proc_init_go
        mov r0, -1
        ret
proc_init_go:
        push r4
        push r5
        push r6
        push r7
        push r8
        push r9
        ld r5, [boot_info+BI_COUNT]
        cmp r5, MAX_PROCS
        jbe proc_init_count_ok
        mov r1, msg_too_many
        call kputs
        mov r5, MAX_PROCS
proc_init_count_ok:
        mov r6, 0                       ; slot index
        mov r7, boot_info+BI_PROCS      ; boot-information entry
        mov r8, proc_table              ; PCB
        mov r9, 0                       ; processes created
proc_init_next:
        cmp r6, r5
        jae proc_init_done
        add r0, r6, 1
        st r0, [r8+P_PID]               ; pid = slot + 1, whether or not it starts
        ld r1, [r7+BI_BASE]
        ld r2, [r7+BI_SIZE]
        ld r3, [r7+BI_ENTRY]
        ; The region must lie above the kernel and inside memory, without wrapping.
        cmp r1, kernel_end
        jb proc_init_bad
        add r4, r1, r2
        jb proc_init_bad                ; carry: base + size wrapped around
        ld r0, [boot_info+BI_MEMSIZE]
        cmp r4, r0
        ja proc_init_bad
        cmp r3, r2
        jae proc_init_bad               ; entry outside the region
        st r1, [r8+P_BASE]
        st r2, [r8+P_LIMIT]
        st r3, [r8+P_EPC]
        st r2, [r8+P_USP]               ; sp at the top of its region (docs/v32.md §7.1)
.ifdef USER_IRQ_OFF
        mov r0, 0                       ; user mode (S = 0), interrupts disabled (kernel-irq-off.s)
.else
        mov r0, FLAG_IF                 ; user mode (S = 0), interrupts enabled
.endif
        st r0, [r8+P_EFLAGS]
        mov r0, P_RUNNABLE
        st r0, [r8+P_STATE]
        add r9, r9, 1
        jmp proc_init_step
proc_init_bad:
        mov r1, msg_pid
        call kputs
        add r1, r6, 1
        call kput_uint
        mov r1, msg_bad_region
        call kputs
proc_init_step:
        add r6, r6, 1
        add r7, r7, BI_ENTRY_SIZE
        add r8, r8, PROC_SIZE
        jmp proc_init_next
proc_init_done:
        mov r0, r9
        pop r9
        pop r8
        pop r7
        pop r6
        pop r5
        pop r4
        ret

; =============================================================================
; Entering the kernel. The CPU pushes nothing (docs/v32.md §4.2): it sets epc, eflags
; and cause, switches to supervisor mode (and to the supervisor sp) and
; disables interrupts. All user registers are still live; the user's sp is in
; the usp control register.
; =============================================================================

; exception_entry: save the interrupted process's context into its PCB.
; Every handler calls it first, on a fresh kernel stack. With no current
; process (the kernel was idle) there is nothing to save.
exception_entry:
        push r1
        ld r1, [current]
        cmp r1, 0
        jz exception_entry_idle
        st r0, [r1+P_R0]
        pop r0                          ; the process's r1
        st r0, [r1+P_R1]
        st r2, [r1+P_R2]
        st r3, [r1+P_R3]
        st r4, [r1+P_R4]
        st r5, [r1+P_R5]
        st r6, [r1+P_R6]
        st r7, [r1+P_R7]
        st r8, [r1+P_R8]
        st r9, [r1+P_R9]
        st r10, [r1+P_R10]
        st r11, [r1+P_R11]
        st r12, [r1+P_R12]
        st r13, [r1+P_R13]
        st r14, [r1+P_R14]
.ifdef PV
        ld r0, [pv_vcpu+VCPU_EPC]
.else
        mfcr r0, epc
.endif
        st r0, [r1+P_EPC]
.ifdef PV
        ld r0, [pv_vcpu+VCPU_EFLAGS]
.else
        mfcr r0, eflags
.endif
        st r0, [r1+P_EFLAGS]
.ifdef PV
        ld r0, [pv_vcpu+VCPU_USP]
.else
        mfcr r0, usp
.endif
        st r0, [r1+P_USP]
        ret
exception_entry_idle:
        pop r1
        ret

; ---- the IDT's handlers ---------------------------------------------------------
; Each starts the kernel stack afresh: whatever ran before (a process, or the
; idle loop) is either saved in its PCB or not worth resuming.

; IRQ 0: a quantum is over. Preempt: the next runnable process gets the CPU.
timer_interrupt:
        mov sp, kernel_stack_top
        call exception_entry
        ld r0, [ticks]
        add r0, r0, 1
        st r0, [ticks]
        call wake_yielded
.ifdef PV_SWITCH
        call pv_switch_check            ; the safe point: no switch site is half done here
.endif
        jmp schedule

.ifdef PV_SWITCH
; pv_switch_check: ask the VMM status port (docs/v32.md §5.5) whether a VMM
; wants the kernel para-virtualized, set pv_on to match, and acknowledge the
; mode now in force with an `out` to the same port. On the bare machine the
; port is an open bus (reads -1, ignores writes): pv_on stays 0. Both paths are
; equally long, so the kernel's instruction clock does not depend on the VMM.
pv_switch_check:
        in r0, PORT_VMM_STATUS
        cmp r0, VMM_STATUS_PV
        jz pv_switch_on
        mov r1, 0                       ; no VMM, or one leaving: native instructions
        jmp pv_switch_set
pv_switch_on:
        mov r1, 1                       ; a VMM asks for hypercalls
        jmp pv_switch_set
pv_switch_set:
        st r1, [pv_on]
        out PORT_VMM_STATUS, r1         ; acknowledge: 1 = hypercalls from now on, 0 = native
        ret
.endif

; IRQ 1: console input arrived. read() polls the port, so there is nothing to
; fetch here; processes that yielded (waiting for input) may run again.
console_interrupt:
        mov sp, kernel_stack_top
        call exception_entry
        call wake_yielded
        ld r1, [current]
        cmp r1, 0
        jnz switch_to                   ; back to the interrupted process
        jmp schedule                    ; we were idle

; Faults kill the process that caused them (docs/v32.md §7.3).
divide_error_fault:
        mov sp, kernel_stack_top
        call exception_entry
        mov r4, VEC_DE
        jmp kill_current
breakpoint_fault:
        mov sp, kernel_stack_top
        call exception_entry
        mov r4, VEC_BP
        jmp kill_current
invalid_opcode_fault:
        mov sp, kernel_stack_top
        call exception_entry
        mov r4, VEC_UD
        jmp kill_current
general_protection_fault:
        mov sp, kernel_stack_top
        call exception_entry
        mov r4, VEC_GP
        jmp kill_current
; Any other vector: `int n` for an n the kernel does not serve (n < 32 from
; user mode is a #GP already). The vector is in the cause register.
unexpected_fault:
        mov sp, kernel_stack_top
        call exception_entry
.ifdef PV
        ld r0, [pv_vcpu+VCPU_CAUSE]
.else
        mfcr r0, cause
.endif
        mov r4, r0
        jmp kill_current
; A double fault means the IDT itself is broken: nothing sane is left to do.
double_fault_abort:
        mov sp, kernel_stack_top
        mov r4, VEC_DF
        jmp kernel_panic

; =============================================================================
; System calls: int 0x80, r0 = number, r1–r3 = arguments, result in r0.
; =============================================================================
syscall_entry:
        mov sp, kernel_stack_top
        call exception_entry
        ld r4, [current]                ; r4 = the caller's PCB, for every sys_*
        ld r0, [r4+P_R0]
        ld r1, [r4+P_R1]
        ld r2, [r4+P_R2]
        ld r3, [r4+P_R3]
syscall_dispatch:
        cmp r0, NR_SYSCALLS
        jae syscall_unknown             ; unsigned: negative numbers too
        shl r0, r0, 2
        ld r0, [r0+syscall_table]
        call r0                         ; sys_*(r1, r2, r3) → r0
syscall_return:
        st r0, [r4+P_R0]                ; the result, in the caller's r0
        mov r1, r4
        jmp switch_to
syscall_unknown:
        mov r0, 0
        sub r0, r0, ENOSYS
        jmp syscall_return

; exit(code): does not return.
sys_exit:
        st r1, [r4+P_EXIT]
        mov r0, P_EXITED
        st r0, [r4+P_STATE]
        jmp schedule

; write(buf, len) → bytes written, to the console.
sys_write:
        call user_buffer                ; r1 = physical address, or r0 = -EFAULT
        cmp r0, 0
        jnz sys_write_done
        mov r5, r2
        call console_write
        mov r0, r5
sys_write_done:
        ret

; yield() → 0: give up the CPU. The process runs again after the others have
; had their turn; if every live process has yielded, nobody is runnable and
; the kernel idles until the next interrupt wakes them all.
sys_yield:
        mov r0, 0
        st r0, [r4+P_R0]
        mov r0, P_YIELDED
        st r0, [r4+P_STATE]
        jmp schedule

; getpid() → pid.
sys_getpid:
        ld r0, [r4+P_PID]
        ret

; read(buf, len) → bytes read from console input; 0 if none. Never blocks.
sys_read:
        call user_buffer
        cmp r0, 0
        jnz sys_read_done
        mov r3, r1                      ; where the next byte goes
        mov r5, 0                       ; bytes read
sys_read_next:
        cmp r5, r2
        jae sys_read_end
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_1_native
        int VEC_HYPERCALL
        .word HC_IN + HC_R0 + HC_PORT_CONSOLE_IN
        jmp pvs_1_done
pvs_1_native:
        in r0, PORT_CONSOLE_IN
        jmp pvs_1_done
pvs_1_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_IN + HC_R0 + HC_PORT_CONSOLE_IN
.else
        in r0, PORT_CONSOLE_IN
.endif
.endif
        cmp r0, -1
        jz sys_read_end                 ; no more input for now
        stb r0, [r3]
        add r3, r3, 1
        add r5, r5, 1
        jmp sys_read_next
sys_read_end:
        mov r0, r5
sys_read_done:
        ret

; time() → timer ticks since boot.
sys_time:
        ld r0, [ticks]
        ret

; user_buffer: check that [r1, r1 + r2) lies inside the caller's region
; (r4 = PCB). Returns r0 = 0 and r1 = its physical address, or r0 = -EFAULT.
user_buffer:
        ld r0, [r4+P_LIMIT]
        cmp r1, r0
        ja user_buffer_bad
        sub r0, r0, r1                  ; bytes from buf to the end of the region
        cmp r2, r0
        ja user_buffer_bad
        ld r0, [r4+P_BASE]
        add r1, r1, r0
        mov r0, 0
        ret
user_buffer_bad:
        mov r0, 0
        sub r0, r0, EFAULT
        ret

; =============================================================================
; Processes: kill, schedule, switch, idle.
; =============================================================================

; kill_current: the current process faulted with vector r4. Kill it, say so
; on the console ("[kernel] pid 3 killed: #DE at 0x0000001c"), run another.
kill_current:
        ld r5, [current]
        cmp r5, 0
        jz kernel_panic                 ; no process: the kernel itself faulted
        ld r0, [r5+P_EFLAGS]
        and r0, r0, FLAG_S
        jnz kernel_panic                ; it came from supervisor mode: a kernel bug
        mov r0, P_KILLED
        st r0, [r5+P_STATE]
        st r4, [r5+P_EXIT]
        mov r1, msg_pid
        call kputs
        ld r1, [r5+P_PID]
        call kput_uint
        mov r1, msg_killed
        call kputs
        mov r1, r4
        call kput_vector
        mov r1, msg_at
        call kputs
        ld r1, [r5+P_EPC]
        call kput_hex
        mov r1, msg_newline
        call kputs
        jmp schedule

; kernel_panic: a fault in the kernel itself (vector r4). Say so, power off with 2.
kernel_panic:
.ifdef HOSTILE
        ld r0, [hostile_resume]         ; the hostile kernel catches its own faults
        cmp r0, 0
        jnz hostile_caught
.endif
        mov r1, msg_panic
        call kputs
        mov r1, r4
        call kput_vector
        mov r1, msg_newline
        call kputs
        mov r1, 2
        jmp power_off

; schedule: round robin. Run the first RUNNABLE process after the one that ran
; last (wrapping around, so that one comes last). Never returns.
schedule:
        ; local_irq_save: the process table is shared with interrupt handlers.
        ; Here interrupts are already off, but like Linux's local_irq_save the
        ; sequence is right whatever the caller's IF was.
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_2_native
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
        jmp pvs_2_done
pvs_2_native:
        pushf
        cli
        jmp pvs_2_done
pvs_2_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
.else
        pushf
        cli
.endif
.endif
        ld r4, [last_slot]
        mov r5, 0                       ; slots looked at
schedule_scan:
        add r4, r4, 1
        cmp r4, MAX_PROCS
        jl schedule_slot
        mov r4, 0
schedule_slot:
        shl r6, r4, PROC_SHIFT
        add r6, r6, proc_table
        ld r0, [r6+P_STATE]
        cmp r0, P_RUNNABLE
        jz schedule_found
        add r5, r5, 1
        cmp r5, MAX_PROCS
        jl schedule_scan
        ; Nobody is runnable. Anyone alive (yielded) will be woken by the next
        ; interrupt: idle until then. Otherwise everyone has exited.
        mov r6, proc_table
        mov r5, 0
schedule_alive:
        ld r0, [r6+P_STATE]
        cmp r0, P_YIELDED
        jz schedule_idle
        add r6, r6, PROC_SIZE
        add r5, r5, 1
        cmp r5, MAX_PROCS
        jl schedule_alive
        jmp all_exited
schedule_idle:
        mov r6, 0
schedule_found:
        st r4, [last_slot]
        ; local_irq_restore
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_5_native
        int VEC_HYPERCALL
        .word HC_POPF
        jmp pvs_5_done
pvs_5_native:
        popf
        jmp pvs_5_done
pvs_5_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_POPF
.else
        popf
.endif
.endif
        cmp r6, 0
        jz idle
        mov r1, r6
        jmp switch_to

; switch_to: run the process whose PCB is r1: load its MMU region, its
; control registers and its registers, and return to user mode with iret —
; the only way into user mode (docs/v32.md §4.5). Never returns.
switch_to:
        st r1, [current]
        ld r0, [r1+P_PID]
        st r0, [current_pid]            ; the OS observer reads these two words
        mov r3, r1
        ; Its region: user address a is physical ubase + a, valid iff a < ulimit.
        ld r2, [r3+P_BASE]
.ifdef PV
        st r2, [pv_vcpu+VCPU_UBASE]
.else
        mtcr ubase, r2
.endif
        ld r2, [r3+P_LIMIT]
.ifdef PV
        st r2, [pv_vcpu+VCPU_ULIMIT]
.else
        mtcr ulimit, r2
.endif
        ld r2, [r3+P_EPC]
.ifdef PV
        st r2, [pv_vcpu+VCPU_EPC]
.else
        mtcr epc, r2
.endif
        ld r2, [r3+P_EFLAGS]
.ifdef PV
        st r2, [pv_vcpu+VCPU_EFLAGS]
.else
        mtcr eflags, r2
.endif
        ld r2, [r3+P_USP]
.ifdef PV
        st r2, [pv_vcpu+VCPU_USP]
.else
        mtcr usp, r2
.endif
        ld r14, [r3+P_R14]
        ld r13, [r3+P_R13]
        ld r12, [r3+P_R12]
        ld r11, [r3+P_R11]
        ld r10, [r3+P_R10]
        ld r9, [r3+P_R9]
        ld r8, [r3+P_R8]
        ld r7, [r3+P_R7]
        ld r6, [r3+P_R6]
        ld r5, [r3+P_R5]
        ld r4, [r3+P_R4]
        ld r2, [r3+P_R2]
        ld r1, [r3+P_R1]
        ld r0, [r3+P_R0]
        ld r3, [r3+P_R3]
.ifdef PV
        int VEC_HYPERCALL               ; iret: the VMM takes epc, eflags, ubase,
        .word HC_IRET                   ; ulimit and usp from pv_vcpu
.else
        iret
.endif

; idle: nobody wants the CPU until the next interrupt. Wait for it with
; interrupts enabled. The handler starts the kernel stack afresh and never
; returns here, so an interrupt taken between sti and hlt loses nothing.
idle:
        mov r0, 0
        st r0, [current]
        st r0, [current_pid]
        mov sp, kernel_stack_top
idle_loop:
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_7_native
        int VEC_HYPERCALL
        .word HC_STI
        jmp pvs_7_done
pvs_7_native:
        sti
        jmp pvs_7_done
pvs_7_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_STI
.else
        sti
.endif
.endif
        ; Count the idle pass. Interrupts are on here, and a handler never
        ; returns to idle: an interrupt between the ld and the st would lose
        ; the increment. So local_irq_save … local_irq_restore, entered with
        ; IF = 1 — the section whose popf must turn interrupts back on
        ; (on the pentium, under plain trap-and-emulate, it cannot: the
        ; guest's virtual IF stays 0 and its hlt never wakes).
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_3_native
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
        jmp pvs_3_done
pvs_3_native:
        pushf
        cli
        jmp pvs_3_done
pvs_3_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
.else
        pushf
        cli
.endif
.endif
        ld r0, [idle_passes]
        add r0, r0, 1
        st r0, [idle_passes]
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_8_native
        int VEC_HYPERCALL
        .word HC_POPF
        int VEC_HYPERCALL
        .word HC_HLT
        jmp pvs_8_done
pvs_8_native:
        popf
        hlt
        jmp pvs_8_done
pvs_8_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_POPF
        int VEC_HYPERCALL
        .word HC_HLT
.else
        popf
        hlt
.endif
.endif
        jmp idle_loop

; wake_yielded: an interrupt came; processes that yielded may run again.
wake_yielded:
        mov r1, proc_table
        mov r2, 0
wake_yielded_next:
        ld r0, [r1+P_STATE]
        cmp r0, P_YIELDED
        jnz wake_yielded_step
        mov r0, P_RUNNABLE
        st r0, [r1+P_STATE]
wake_yielded_step:
        add r1, r1, PROC_SIZE
        add r2, r2, 1
        cmp r2, MAX_PROCS
        jl wake_yielded_next
        ret

; all_exited: nobody is left. Power off with 0.
all_exited:
        mov r0, 0
        st r0, [current]
        st r0, [current_pid]
        mov r1, msg_all_exited
        call kputs
        mov r1, 0
        ; fall through
; power_off: stop the machine with exit code r1.
power_off:
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_9_native
        int VEC_HYPERCALL
        .word HC_OUT + HC_R1 + HC_PORT_POWER
        jmp pvs_9_done
pvs_9_native:
        out PORT_POWER, r1
        jmp pvs_9_done
pvs_9_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_OUT + HC_R1 + HC_PORT_POWER
.else
        out PORT_POWER, r1
.endif
.endif
power_off_failed:
        jmp power_off_failed

; =============================================================================
; Console output for the kernel's own messages.
; =============================================================================

; console_write: write r2 bytes from physical address r1 to the console.
console_write:
        ; local_irq_save … local_irq_restore: one message is written whole,
        ; whoever calls, with interrupts on or off.
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_4_native
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
        jmp pvs_4_done
pvs_4_native:
        pushf
        cli
        jmp pvs_4_done
pvs_4_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_PUSHF
        int VEC_HYPERCALL
        .word HC_CLI
.else
        pushf
        cli
.endif
.endif
console_write_next:
        cmp r2, 0
        jz console_write_done
        ldb r0, [r1]
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_10_native
        int VEC_HYPERCALL
        .word HC_OUT + HC_R0 + HC_PORT_CONSOLE_OUT
        jmp pvs_10_done
pvs_10_native:
        out PORT_CONSOLE_OUT, r0
        jmp pvs_10_done
pvs_10_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_OUT + HC_R0 + HC_PORT_CONSOLE_OUT
.else
        out PORT_CONSOLE_OUT, r0
.endif
.endif
        add r1, r1, 1
        sub r2, r2, 1
        jmp console_write_next
console_write_done:
.ifdef PV_SWITCH
        ; a switch site: hypercalls while the kernel has consented (pv_on), else native; both paths equally long
        push r0
        ld r0, [pv_on]
        cmp r0, 0
        pop r0
        jz pvs_6_native
        int VEC_HYPERCALL
        .word HC_POPF
        jmp pvs_6_done
pvs_6_native:
        popf
        jmp pvs_6_done
pvs_6_done:
.else
.ifdef PV
        int VEC_HYPERCALL
        .word HC_POPF
.else
        popf
.endif
.endif
        ret

; kputs: write the zero-terminated string at r1.
kputs:
        mov r2, r1
kputs_scan:
        ldb r0, [r2]
        cmp r0, 0
        jz kputs_write
        add r2, r2, 1
        jmp kputs_scan
kputs_write:
        sub r2, r2, r1
        jmp console_write

; kput_uint: write r1 as an unsigned decimal number.
kput_uint:
        push r4
        mov r2, kbuf_end
kput_uint_digit:
        sub r2, r2, 1
        ; unsigned r1 / 10 with a signed divide: (r1 >> 1) / 5
        shr r3, r1, 1
        div r3, r3, 5
        mul r4, r3, 10
        sub r4, r1, r4
        add r4, r4, '0'
        stb r4, [r2]
        mov r1, r3
        cmp r1, 0
        jnz kput_uint_digit
        mov r1, r2
        mov r0, kbuf_end
        sub r2, r0, r2
        pop r4
        jmp console_write

; kput_hex: write r1 as 0x and eight hex digits.
kput_hex:
        push r4
        mov r2, kbuf_end
        mov r3, 8
kput_hex_digit:
        sub r2, r2, 1
        and r4, r1, 15
        ldb r4, [r4+hex_digits]
        stb r4, [r2]
        shr r1, r1, 4
        sub r3, r3, 1
        jnz kput_hex_digit
        sub r2, r2, 2
        mov r4, '0'
        stb r4, [r2]
        mov r4, 'x'
        stb r4, [r2+1]
        mov r1, r2
        mov r0, kbuf_end
        sub r2, r0, r2
        pop r4
        jmp console_write

; kput_vector: write the vector r1 by name (#DE, #BP, #UD, #DF, #GP) or as
; "vector N".
kput_vector:
        cmp r1, VEC_DE
        jz kput_vector_de
        cmp r1, VEC_BP
        jz kput_vector_bp
        cmp r1, VEC_UD
        jz kput_vector_ud
        cmp r1, VEC_DF
        jz kput_vector_df
        cmp r1, VEC_GP
        jz kput_vector_gp
        push r4
        mov r4, r1
        mov r1, msg_vector
        call kputs
        mov r1, r4
        pop r4
        jmp kput_uint
kput_vector_de:
        mov r1, msg_de
        jmp kputs
kput_vector_bp:
        mov r1, msg_bp
        jmp kputs
kput_vector_ud:
        mov r1, msg_ud
        jmp kputs
kput_vector_df:
        mov r1, msg_df
        jmp kputs
kput_vector_gp:
        mov r1, msg_gp
        jmp kputs

.ifdef HOSTILE
; =============================================================================
; The hostile kernel (define HOSTILE): a guest kernel that tries to escape its
; virtual machine once booted (timer started, interrupts still off), one
; attempt after the other, each announced on the console:
;   1. write beyond the end of its memory (the boot information's size):
;      a partition must stop it with #GP; the kernel catches that fault;
;   2. stop the real timer (out 0x20, 0), so a VMM would never get the CPU back;
;   3. replace the IDT (lidt) with a table of its own;
;   4. disable interrupts (cli) and spin for HOSTILE_SPIN iterations;
;   5. power off the machine (out 0xF0, 99).
; On bare metal each takes effect (the write faults there too: nothing lies
; beyond the end of physical memory) and the machine powers off with 99.
; Under a correct VMM each affects only this guest's virtual machine: the
; other guests keep running and only this one stops, with code 99.
; The hostile instructions are raw even in the PV build: an attacker does not
; ask politely.
; =============================================================================
.equ HOSTILE_SPIN, 100000
hostile:
        mov r1, msg_hostile_write
        call kputs
        ld r1, [boot_info+BI_MEMSIZE]
        call kput_hex
        mov r1, msg_newline
        call kputs
        mov r0, hostile_write_blocked
        st r0, [hostile_resume]         ; kernel_panic resumes there on a fault
        ld r1, [boot_info+BI_MEMSIZE]
        mov r0, 0x0BADF00D
        st r0, [r1]
        mov r1, msg_hostile_escaped     ; the write went through
        call kputs
        jmp hostile_timer
hostile_write_blocked:
        mov r1, msg_hostile_blocked
        call kputs
hostile_timer:
        mov r0, 0
        st r0, [hostile_resume]
        mov r1, msg_hostile_timer
        call kputs
        out PORT_TIMER, 0
        mov r1, msg_hostile_idt
        call kputs
        mov r1, hostile_idt
        mov r2, 0
        mov r3, hostile_hijack
hostile_idt_fill:
        st r3, [r1]
        add r1, r1, 4
        add r2, r2, 1
        cmp r2, 256
        jl hostile_idt_fill
        mov r1, hostile_idt
        lidt r1
        mov r1, msg_hostile_cli
        call kputs
        cli
        mov r4, HOSTILE_SPIN
hostile_spin:
        sub r4, r4, 1
        jnz hostile_spin
        mov r1, msg_hostile_power
        call kputs
        out PORT_POWER, 99
hostile_stuck:
        jmp hostile_stuck
; The kernel faulted (kernel_panic saw hostile_resume set): go on there.
hostile_caught:
        mov r1, 0
        st r1, [hostile_resume]
        jmp r0
; Any exception or interrupt after the IDT was replaced lands here.
hostile_hijack:
        mov sp, kernel_stack_top
        mov r1, msg_hostile_hijack
        call kputs
        out PORT_POWER, 98
        jmp hostile_stuck
.endif

; =============================================================================
; Data
; =============================================================================
        .align 4
; The system-call table, indexed by number (docs/v32.md §7.2).
syscall_table:
        .word sys_exit, sys_write, sys_yield, sys_getpid, sys_read, sys_time
; The OS observer (source/os/observer.ts) reads these words: keep their names.
current:        .word 0                 ; PCB of the running process, 0 when idle
current_pid:    .word 0                 ; its pid, 0 when idle
last_slot:      .word MAX_PROCS-1       ; slot that ran last: the first scan starts at slot 0
ticks:          .word 0                 ; timer interrupts since boot
idle_passes:    .word 0                 ; times the idle loop waited in hlt
.ifdef PV_SWITCH
pv_on:          .word 0                 ; 1: the switch sites make hypercalls (a VMM is present and consented to)
.endif
.ifdef HOSTILE
hostile_resume: .word 0
.endif

.ifdef PV
; The shared vCPU page: the virtual control registers, shared with the VMM
; (docs/hypercalls.md). The VMM finds it by this label.
pv_vcpu:        .space VCPU_SIZE
.endif

; Boot information, written by the loader before the machine starts.
boot_info:      .space BOOT_INFO_SIZE

; The process table: MAX_PROCS process control blocks.
proc_table:     .space PROC_TABLE_SIZE

; The interrupt descriptor table: one handler address per vector.
idt_table:      .space 1024
.ifdef HOSTILE
hostile_idt:    .space 1024
.endif

; Room for formatting numbers.
kbuf:           .space 16
kbuf_end:

msg_not_supervisor: .asciz "[kernel] warning: smsw says user mode; a kernel should run in supervisor mode\n"
msg_no_boot_info:   .asciz "[kernel] no boot information: load me with user programs (vmtop run --user PROGRAM.s)\n"
msg_no_procs:       .asciz "[kernel] no processes to run\n"
msg_too_many:       .asciz "[kernel] too many processes in the boot information: running the first 8\n"
msg_pid:            .asciz "[kernel] pid "
msg_bad_region:     .asciz " not started: its region lies outside memory\n"
msg_killed:         .asciz " killed: "
msg_at:             .asciz " at "
msg_newline:        .asciz "\n"
msg_panic:          .asciz "[kernel] panic: "
msg_all_exited:     .asciz "[kernel] all processes have exited: power off\n"
msg_vector:         .asciz "vector "
msg_de:             .asciz "#DE"
msg_bp:             .asciz "#BP"
msg_ud:             .asciz "#UD"
msg_df:             .asciz "#DF"
msg_gp:             .asciz "#GP"
hex_digits:         .ascii "0123456789abcdef"
.ifdef HOSTILE
msg_hostile_write:   .asciz "[hostile] 1: writing beyond my memory at "
msg_hostile_blocked: .asciz "[hostile] 1: blocked (#GP)\n"
msg_hostile_escaped: .asciz "[hostile] 1: the write went through\n"
msg_hostile_timer:   .asciz "[hostile] 2: stopping the timer (out 0x20, 0)\n"
msg_hostile_idt:     .asciz "[hostile] 3: replacing the IDT (lidt)\n"
msg_hostile_cli:     .asciz "[hostile] 4: disabling interrupts (cli) and spinning\n"
msg_hostile_power:   .asciz "[hostile] 5: powering off the machine (out 0xF0, 99)\n"
msg_hostile_hijack:  .asciz "[hostile] an interrupt reached my own IDT\n"
.endif

; The kernel stack grows down from kernel_stack_top.
        .align 4
kernel_stack:   .space KSTACK_SIZE
kernel_stack_top:
kernel_end:
