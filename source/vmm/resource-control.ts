/**
 * Resource control (Popek & Goldberg): a guest must not be able to take a real
 * resource away from the VMM. Every guest operation aimed at a real resource —
 * the timer, the IDT, the interrupt flag, the power switch, memory beyond its
 * partition — is logged here with what the VMM did instead, grouped by kind so a
 * benign kernel's one `lidt` at boot and a hostile kernel's hundred show alike.
 */

export type AttemptKind =
	| 'power off the machine'
	| 'program the timer'
	| 'stop the timer'
	| 'replace the IDT'
	| 'disable interrupts'
	| 'halt with interrupts disabled'
	| 'access outside the partition'
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
