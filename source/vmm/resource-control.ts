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

export class ResourceLog {
	private readonly byKey = new Map<string, Attempt>();

	record(attempt: Omit<Attempt, 'count'>): void {
		const key = `${attempt.kind}/${attempt.by}`;
		const seen = this.byKey.get(key);
		if (seen) seen.count++;
		else this.byKey.set(key, {...attempt, count: 1});
	}

	attempts(): Attempt[] {
		return [...this.byKey.values()];
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
