/**
 * Resource control (Popek & Goldberg): a guest must not be able to take a real
 * resource away from the VMM. Every guest operation aimed at a real resource —
 * the timer, the IDT, the interrupt flag, the power switch, memory beyond its
 * partition — is logged here with what the VMM did instead, grouped by kind so a
 * benign kernel's one `lidt` at boot and a hostile kernel's hundred show alike.
 */
import {mnemonicOf} from '../isa/opcodes.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';

export type AttemptKind =
	| 'power off the machine'
	| 'program the timer'
	| 'stop the timer'
	| 'replace the IDT'
	| 'disable interrupts'
	| 'halt with interrupts disabled'
	| 'access outside the partition'
	| 'access outside its segment'
	| 'widen the user segment'
	| 'privileged instruction in user mode';

export interface Attempt {
	guest: number;
	kind: AttemptKind;
	/** Who tried: the guest kernel (virtual supervisor mode) or one of its processes. */
	by: 'kernel' | 'user';
	/** How many times. */
	count: number;
	/** The first time: guest pc and what was tried (`out 0x20, 0`). */
	pc: number;
	detail: string;
	/** What happened instead (virtual timer only, #GP reflected, guest stopped …). */
	outcome: string;
}

/** A guest's memory found changed while other guests held the CPU: someone touched what it was not given. */
export interface Touch {
	/** The guest whose memory changed. */
	guest: number;
	/** The guests that ran meanwhile (one of them wrote it). */
	by: number[];
	/** First changed guest-physical address. */
	at: number;
}

export class ResourceLog {
	/** Grouped by kind, one map per `by` (no key to build on the hot path: `cli` comes often). */
	private readonly byKernel = new Map<AttemptKind, Attempt>();
	private readonly byUser = new Map<AttemptKind, Attempt>();
	/** In the order first seen. */
	private readonly order: Attempt[] = [];

	record(attempt: Omit<Attempt, 'count'>): void {
		if (this.again(attempt.kind, attempt.by)) return;
		const fresh = {...attempt, count: 1};
		(attempt.by === 'kernel' ? this.byKernel : this.byUser).set(attempt.kind, fresh);
		this.order.push(fresh);
	}

	/** Count one more of an attempt seen before; false (nothing counted) the first time — then `record` it. */
	again(kind: AttemptKind, by: Attempt['by']): boolean {
		const seen = (by === 'kernel' ? this.byKernel : this.byUser).get(kind);
		if (seen === undefined) return false;
		seen.count++;
		return true;
	}

	attempts(): Attempt[] {
		return [...this.order];
	}
}

/** A #GP the guest earned trying to reach beyond its privilege, its segment or its partition. */
export function logGuestFault(vm: Monitor, g: Guest, at: number, badaddr: number): void {
	const m = vm.machine;
	const v = g.vcpu;
	const by = v.supervisor ? 'kernel' : 'user';
	const phys = (m.ubase >>> 0) + (at >>> 0);
	const ins = vm.fetchable(at) ? vm.instructionAt(phys) : undefined;
	if (ins && vm.privileged[ins.op] && !v.supervisor) {
		g.resource.record({
			guest: g.index,
			kind: 'privileged instruction in user mode',
			by,
			pc: at,
			detail: mnemonicOf[ins.op]!,
			outcome: '#GP reflected into the guest kernel, as on the real machine',
		});
		return;
	}
	// Where the access would land in guest-physical memory: beyond the partition means beyond the guest's machine.
	const guestPhys = v.supervisor ? badaddr >>> 0 : (m.ubase >>> 0) - g.partition.base + (badaddr >>> 0);
	const detail = `address 0x${(badaddr >>> 0).toString(16)}`;
	if (guestPhys + 4 > g.partition.size) {
		g.resource.record({
			guest: g.index,
			kind: 'access outside the partition',
			by,
			pc: at,
			detail,
			outcome: '#GP reflected into the guest; real memory outside the partition untouched',
		});
	} else if (!v.supervisor && (badaddr >>> 0) + 4 > m.ulimit >>> 0) {
		g.resource.record({
			guest: g.index,
			kind: 'access outside its segment',
			by,
			pc: at,
			detail,
			outcome: '#GP reflected into the guest kernel, which protects itself as it would natively',
		});
	}
}

/**
 * Partitioning in space, checked by what happened rather than by design: when
 * a guest leaves the CPU its memory is copied; when it gets the CPU back the
 * copy must still match — nobody else touched it in between. (With one guest
 * there is nobody else; the VMM's own memory is checked in properties.ts.)
 */
export class MemoryWatch {
	private readonly shadows = new Map<number, Uint8Array>();
	private readonly ranSince = new Map<number, Set<number>>();
	readonly touches: Touch[] = [];
	/**
	 * Copying partitions at every world switch costs: on only where the
	 * properties are measured (`vmtop stats`, the dashboard's panel), set before the first guest starts.
	 */
	enabled = false;

	constructor(private readonly vm: Monitor) {}

	/** Guest `g` leaves the CPU (or has not had it yet). */
	leave(g: Guest): void {
		if (!this.enabled || this.vm.guests.length < 2) return;
		const p = g.partition;
		let copy = this.shadows.get(g.index);
		if (!copy) this.shadows.set(g.index, (copy = new Uint8Array(p.size)));
		copy.set(this.vm.machine.mem.subarray(p.base, p.base + p.size));
		this.ranSince.set(g.index, new Set());
	}

	/** Guest `g` gets the CPU: check its memory, note that it runs while the others are away. */
	enter(g: Guest): void {
		if (!this.enabled || this.vm.guests.length < 2) return;
		this.check(g);
		for (const [i, set] of this.ranSince) if (i !== g.index) set.add(g.index);
	}

	/** Every guest not holding the CPU: is its memory as it left it? */
	checkAll(current: Guest | undefined): void {
		for (const g of this.vm.guests) if (g !== current) this.check(g);
	}

	private check(g: Guest): void {
		const copy = this.shadows.get(g.index);
		if (!copy) return;
		const p = g.partition;
		const mem = this.vm.machine.mem.subarray(p.base, p.base + p.size);
		if (Buffer.compare(Buffer.from(copy.buffer, copy.byteOffset, copy.length), Buffer.from(mem.buffer, mem.byteOffset, mem.length)) === 0) return;
		let at = 0;
		while (copy[at] === mem[at]) at++;
		this.touches.push({guest: g.index, by: [...(this.ranSince.get(g.index) ?? [])], at});
		copy.set(mem);
	}
}
