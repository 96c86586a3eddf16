; samples/os/hostile.s — the sample kernel built with the define HOSTILE: after
; booting it tries to escape its (virtual) machine instead of running its
; processes. See `hostile` in kernel.s and docs/os.md.
.equ HOSTILE, 1
.include "kernel.s"
