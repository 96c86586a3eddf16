/**
 * Partitioning in space (the lecture's consolidation slide): each guest owns
 * one contiguous slice of real memory. Guest-physical address `a` is real
 * address `base + a`, valid iff `a < size` — so the guest kernel, which believes
 * it uses physical addresses in supervisor mode, really runs in user mode with
 * the real base/limit MMU set to its partition.
 *
 * When the guest kernel enters one of its processes, the guest's own
 * `ubase`/`ulimit` are composed with the partition: the process can reach at
 * most what the guest granted *and* what the partition holds, exactly the
 * addresses that would be valid on a native machine of `size` bytes.
 */
import type {Machine} from '../cpu/machine.js';

/** The real MMU setting (user mode) that confines the running guest. */
export interface Segment {
	ubase: number;
	ulimit: number;
}

export class Partition {
	constructor(
		readonly index: number,
		/** Real address of guest-physical 0. */
		readonly base: number,
		/** Bytes of guest-physical memory (the native machine's memory size). */
		readonly size: number,
	) {}

	/** The guest kernel's view: all of its guest-physical memory. */
	kernelSegment(): Segment {
		return {ubase: this.base, ulimit: this.size};
	}

	/**
	 * A guest process's view: the guest's `ubase`/`ulimit` clipped to the
	 * partition. On the native machine a user address `a` is valid iff
	 * `a < ulimit` and `ubase + a` lies in memory; here that is `a < ulimit` and
	 * `ubase + a < size`, i.e. `a < min(ulimit, size - ubase)`.
	 */
	userSegment(vubase: number, vulimit: number): Segment {
		const ub = vubase >>> 0;
		if (ub >= this.size) return {ubase: this.base, ulimit: 0};
		return {ubase: this.base + ub, ulimit: Math.min(vulimit >>> 0, this.size - ub)};
	}

	/** Does [a, a+length) lie inside the guest's memory? */
	contains(a: number, length: number): boolean {
		const at = a >>> 0;
		return at + length <= this.size;
	}

	/** Real address of guest-physical `a` (caller checked `contains`). */
	real(a: number): number {
		return this.base + (a >>> 0);
	}

	/** Read a guest-physical word, or undefined when unaligned or outside the partition. */
	readWord(machine: Machine, a: number): number | undefined {
		const at = a >>> 0;
		if ((at & 3) !== 0 || !this.contains(at, 4)) return undefined;
		return machine.mem32[(this.base + at) >>> 2]!;
	}

	/** Write a guest-physical word (aligned, inside), invalidating decoded code there. */
	writeWord(machine: Machine, a: number, value: number): void {
		const p = this.base + (a >>> 0);
		machine.mem32[p >>> 2] = value | 0;
		machine.code.invalidate(p);
	}

	/** The guest's memory as a view into real memory (equivalence compares it). */
	view(machine: Machine): Uint8Array {
		return machine.mem.subarray(this.base, this.base + this.size);
	}
}
