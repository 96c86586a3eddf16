; samples/os/kernel-pv.s — the sample kernel built with the define PV: the
; para-virtualized kernel, which calls the VMM with hypercalls (int 0x82)
; instead of executing privileged or sensitive instructions
; (docs/hypercalls.md). It runs only under a VMM with "vmm": "pv".
.equ PV, 1
.include "kernel.s"
