/**
 * Reflection: an exception meant for the guest — its process's `int 0x80`, a
 * fault, a virtual timer tick — is delivered into the guest kernel as the real
 * CPU would deliver it (docs/v32.md §4.2), but on the virtual CPU: the handler comes
 * from the guest's IDT in guest memory, `eflags`/`epc`/`cause` are the virtual
 * ones, and the guest enters virtual supervisor mode with virtual IF = 0.
 * An IDT entry of 0 becomes a virtual #DF; failing that, a virtual triple
 * fault stops this guest only.
 */
import {Cr, IDT_KERNEL_ONLY, Vector} from '../isa/opcodes.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';

/** The guest's IDT word for `vector`, or 0 when it is 0 or outside the guest's memory. */
function idtWord(vm: Monitor, g: Guest, vector: number): number {
	const at = ((g.vcpu.readControl(Cr.idt) >>> 0) + 4 * vector) >>> 0;
	return g.partition.readWord(vm.machine, at) ?? 0;
}

/** The handler of the guest's IDT entry for `vector` (without the kernel-only bit), or 0. */
function idtEntry(vm: Monitor, g: Guest, vector: number): number {
	return idtWord(vm, g, vector) & ~IDT_KERNEL_ONLY;
}

/** Has the guest kernel marked this gate kernel-only, so its user mode's `int n` is a #GP (as on the real CPU)? */
export function guestKernelOnlyGate(vm: Monitor, g: Guest, vector: number): boolean {
	return (idtWord(vm, g, vector) & IDT_KERNEL_ONLY) !== 0;
}

/** Deliver virtual exception `vector` to guest `g`, returning to `epc`. `badaddr` is set for #GP. */
export function reflect(vm: Monitor, g: Guest, vector: number, epc: number, badaddr?: number): void {
	const m = vm.machine;
	const v = g.vcpu;
	let handler = idtEntry(vm, g, vector);
	if (handler === 0) {
		const idt = (v.readControl(Cr.idt) >>> 0).toString(16);
		if (vector === Vector.DF) {
			return tripleFault(vm, g, `triple fault: no usable #DF handler (while delivering vector ${vector})`);
		}
		const df = idtEntry(vm, g, Vector.DF);
		if (df === 0) {
			return tripleFault(vm, g, `triple fault: vector ${vector} could not be delivered, and neither could #DF (idt = 0x${idt})`);
		}
		vector = Vector.DF;
		handler = df;
	}
	if (badaddr !== undefined) v.writeControl(Cr.badaddr, badaddr);
	const fromSupervisor = v.supervisor;
	v.writeControl(Cr.eflags, v.flags(m.flags));
	v.writeControl(Cr.epc, epc);
	v.writeControl(Cr.cause, vector);
	v.switchMode(true, m.regs);
	v.intEnabled = false;
	m.pc = handler >>> 0;
	m.extraCycles += m.costs.reflect;
	// The guest's handler runs after the resume: interpretation ii, a journey of its own (cpu/journey.ts).
	m.journeys.reflected(vector, g.index);
	const bus = vm.bus;
	// The VMM's decision first, then the delivery the guest's OS level sees.
	if (bus.wanted['vmm.reflect']) {
		bus.emit({kind: 'vmm.reflect', vector, handler: handler >>> 0, symbol: vm.symbolize(g, true, handler), ...vm.stamp(g)});
	}
	if (bus.wanted['exception.delivered']) {
		bus.emit({
			kind: 'exception.delivered',
			vector,
			epc: epc >>> 0,
			handler: handler >>> 0,
			fromSupervisor,
			...vm.stamp(g),
		});
	}
}

function tripleFault(vm: Monitor, g: Guest, message: string): void {
	vm.scheduler.stopGuest(g, 'triple-fault', 1, message);
}

/** Take a pending virtual interrupt if the guest has its virtual IF on (timer before console, as the CPU does). */
export function deliverPending(vm: Monitor, g: Guest): void {
	const v = g.vcpu;
	if (!v.intEnabled || v.irqPending === 0) return;
	const irq = v.irqPending & 1 ? 0 : 1;
	v.irqPending &= ~(1 << irq);
	reflect(vm, g, Vector.TIMER + irq, vm.machine.pc);
}
