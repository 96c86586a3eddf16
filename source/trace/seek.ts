/**
 * Random access into an open trace: event by number, by cycle, the next or
 * previous event of some kinds. A few recently read blocks are kept (stepping
 * back across a block boundary must not re-read), nothing more.
 */
import type {TraceEvent, TraceEventKind} from './format.js';
import type {TraceReader} from './reader.js';
import {kindMask} from './scan.js';

export class TraceCursor {
	private readonly cache = new Map<number, TraceEvent[]>();

	constructor(
		readonly reader: TraceReader,
		private readonly cacheBlocks = 4,
	) {}

	/** Events that can be replayed (may shrink when a bad line is found while reading). */
	get length(): number {
		return this.reader.length;
	}

	/** Event number n (0-based), or undefined past the end. */
	event(n: number): TraceEvent | undefined {
		if (n < 0 || n >= this.reader.length) return undefined;
		const size = this.reader.index.blockSize;
		const block = this.blockAt(Math.floor(n / size));
		return block[n - Math.floor(n / size) * size];
	}

	/** Events [from, to), read block by block. */
	*range(from: number, to: number): Generator<TraceEvent> {
		const size = this.reader.index.blockSize;
		let n = Math.max(0, from);
		while (n < Math.min(to, this.reader.length)) {
			const b = Math.floor(n / size);
			const events = this.blockAt(b);
			const end = Math.min(to, b * size + events.length);
			if (end <= n) return;
			for (; n < end; n++) yield events[n - b * size]!;
		}
	}

	/**
	 * The first event whose cycle is ≥ `cycle` (length if none). Cycles never
	 * decrease within a recording (one machine, one clock) and imports are
	 * sorted by time, so a binary search over block starts finds the block.
	 */
	findCycle(cycle: number): number {
		const {cycles, blocks, blockSize} = this.reader.index;
		let lo = 0;
		let hi = blocks - 1;
		let start = 0;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (cycles[mid]! < cycle) {
				start = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		let n = start * blockSize;
		for (const e of this.range(n, this.length)) {
			if (e.cycle >= cycle) return n;
			n++;
		}
		return this.length;
	}

	/**
	 * The first event whose instruction count is ≥ `instret` (length if none).
	 * A recording stamps every event with the machine's count, which never
	 * decreases: a binary search over the blocks' first events finds the block.
	 */
	findInstret(instret: number): number {
		const {blocks, blockSize} = this.reader.index;
		let lo = 0;
		let hi = blocks - 1;
		let start = 0;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			const first = this.blockAt(mid)[0];
			if (first !== undefined && first.instret < instret) {
				start = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		let n = start * blockSize;
		for (const e of this.range(n, this.length)) {
			if (e.instret >= instret) return n;
			n++;
		}
		return this.length;
	}

	/** The first event of one of `kinds` at or after `from`, or -1. */
	findNext(kinds: readonly TraceEventKind[], from: number): number {
		const {masks, blockSize, blocks} = this.reader.index;
		const mask = kindMask(kinds);
		const wanted = new Set(kinds);
		for (let b = Math.max(0, Math.floor(from / blockSize)); b < blocks; b++) {
			if ((masks[b]! & mask) === 0) continue;
			const events = this.blockAt(b);
			for (let i = Math.max(0, from - b * blockSize); i < events.length; i++) {
				if (wanted.has(events[i]!.kind)) return b * blockSize + i;
			}
		}
		return -1;
	}

	/** The last event of one of `kinds` at or before `from`, or -1. */
	findPrev(kinds: readonly TraceEventKind[], from: number): number {
		const {masks, blockSize} = this.reader.index;
		const mask = kindMask(kinds);
		const wanted = new Set(kinds);
		const last = Math.min(from, this.length - 1);
		for (let b = Math.floor(last / blockSize); b >= 0; b--) {
			if ((masks[b]! & mask) === 0) continue;
			const events = this.blockAt(b);
			for (let i = Math.min(events.length - 1, last - b * blockSize); i >= 0; i--) {
				if (wanted.has(events[i]!.kind)) return b * blockSize + i;
			}
		}
		return -1;
	}

	/** Block b, parsed (cached). */
	blockAt(b: number): TraceEvent[] {
		const hit = this.cache.get(b);
		if (hit) {
			// Most recently used last.
			this.cache.delete(b);
			this.cache.set(b, hit);
			return hit;
		}
		const events = this.reader.readBlock(b);
		this.cache.set(b, events);
		if (this.cache.size > this.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
		return events;
	}
}
