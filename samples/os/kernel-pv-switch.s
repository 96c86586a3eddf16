; samples/os/kernel-pv-switch.s — the sample kernel built with the define
; PV_SWITCH: it runs natively, and switches its own sensitive sites to
; hypercalls while a transient VMM is attached and asks for them (the
; intransparent transient VMM, docs/vmm.md "Transient VMM"; the status port:
; docs/v32.md §5.5).
.equ PV_SWITCH, 1
.include "kernel.s"
