/**
 * The history: the last `capacity` events, numbered by a sequence number
 * that keeps counting (so a row keeps its identity while the ring turns).
 *
 * Pushing is the only work done per event, so it stores the event object the
 * bus already built and a number beside it — nothing is formatted here. Rows
 * are formatted when a frame shows them, and the text is cached in the slot.
 */
import type {VmEvent} from '../../bus/events.js';
import type {RowCells} from './format-row.js';

export class EventRing {
	private readonly events: Array<VmEvent | undefined>;
	/** Physical address of the instruction an event is about (NaN when none). */
	private readonly phys: Float64Array;
	private readonly cells: Array<RowCells | undefined>;
	/** Sequence number of the oldest event kept. */
	first = 0;
	/** Sequence number the next event gets. */
	end = 0;

	constructor(readonly capacity = 10_000) {
		this.events = new Array<VmEvent | undefined>(capacity);
		this.phys = new Float64Array(capacity);
		this.cells = new Array<RowCells | undefined>(capacity);
	}

	push(event: VmEvent, phys: number): number {
		const seq = this.end++;
		const slot = seq % this.capacity;
		this.events[slot] = event;
		this.phys[slot] = phys;
		this.cells[slot] = undefined;
		if (this.end - this.first > this.capacity) this.first++;
		return seq;
	}

	/**
	 * `n` events went by unkept (the store's journal dropped them flat out): they keep their
	 * numbers, and the rows before them are no longer the ones just before, so they go too.
	 */
	skip(n: number): void {
		this.end += n;
		this.first = this.end;
		this.events.fill(undefined);
		this.cells.fill(undefined);
	}

	has(seq: number): boolean {
		return seq >= this.first && seq < this.end;
	}

	get(seq: number): VmEvent | undefined {
		return this.has(seq) ? this.events[seq % this.capacity] : undefined;
	}

	physOf(seq: number): number {
		return this.has(seq) ? this.phys[seq % this.capacity]! : Number.NaN;
	}

	/** Formatted cells of a row, computed once by `make`. */
	cellsOf(seq: number, make: (event: VmEvent, phys: number, prev: VmEvent | undefined) => RowCells): RowCells | undefined {
		if (!this.has(seq)) return undefined;
		const slot = seq % this.capacity;
		let cells = this.cells[slot];
		if (cells === undefined) {
			cells = make(this.events[slot]!, this.phys[slot]!, this.get(seq - 1));
			this.cells[slot] = cells;
		}
		return cells;
	}

	get size(): number {
		return this.end - this.first;
	}

	clear(): void {
		this.first = this.end;
		this.events.fill(undefined);
		this.cells.fill(undefined);
	}
}
