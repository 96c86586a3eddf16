; samples/os/kernel-irq-off.s — the sample kernel built with the define
; USER_IRQ_OFF: its processes run with interrupts disabled (cooperative
; scheduling: only their system calls enter the kernel). A process's pushf then
; pushes IF = 0 natively; a VMM that runs the process directly keeps the real
; IF on, and on the pentium pushf shows it (samples/scenarios/hazard-pushf.json).
.equ USER_IRQ_OFF, 1
.include "kernel.s"
