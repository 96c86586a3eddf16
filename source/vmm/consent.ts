/**
 * The intransparent transient VMM's side of the VMM status port
 * (docs/v32.md §5.5; docs/vmm.md "Transient VMM"): the VMM tells the kernel it is present
 * and wants hypercalls, or that it is leaving; the kernel acknowledges the mode
 * it switched to at its safe point. Para-virtualization is "intransparent to
 * the OS": it needs the kernel's consent, so the VMM uses no hypercall path
 * before the kernel said 1 and detaches only after it said 0.
 */
/** The port (docs/v32.md §5.5): no device on the bare machine, so natively an open bus. */
export const VMM_STATUS_PORT = 0x30;

/** What the port reads while the VMM wants the kernel to make hypercalls. */
export const VMM_STATUS_PV = 1;
/** What it reads once the VMM announced it is leaving. */
export const VMM_STATUS_LEAVING = 0;

/** One switch the kernel acknowledged: the mode it runs in from then on (1 hypercalls, 0 native). */
export interface Acknowledgement {
	mode: 0 | 1;
	/** The kernel's clock (guest instructions) at the acknowledging `out`. */
	instret: number;
	pc: number;
}

export class Consent {
	status: number = VMM_STATUS_PV;
	/** The mode the kernel last acknowledged; 0 until it consents. */
	mode: 0 | 1 = 0;
	/** Only the acknowledgements that changed the mode. */
	readonly switches: Acknowledgement[] = [];

	/** The VMM announces it is leaving: the kernel switches back at its next safe point. */
	leave(): void {
		this.status = VMM_STATUS_LEAVING;
	}

	/** The kernel's `out` on the port: the mode it now runs in. Returns the effect, for the emulate event. */
	acknowledge(value: number, instret: number, pc: number): string {
		const mode = value === 1 ? 1 : 0;
		if (mode !== this.mode) this.switches.push({mode, instret, pc});
		this.mode = mode;
		return mode === 1 ? 'kernel acknowledges: hypercalls from now on' : 'kernel acknowledges: native instructions from now on';
	}

	/** True when the kernel ever switched to hypercalls (a kernel without the switch never does). */
	get consented(): boolean {
		return this.switches.some((s) => s.mode === 1);
	}
}
