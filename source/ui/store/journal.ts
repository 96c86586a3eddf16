/**
 * The store's journal flat out: the newest events not filed yet, with their
 * physical addresses, oldest first. It keeps at least `capacity` of them; the
 * older ones are dropped unfiled and only counted (their rows take their
 * numbers: the history starts after them).
 *
 * Kept in short arrays allocated as it goes, never in one long-lived ring:
 * storing a new event into an array that has lived through a garbage collection
 * costs a write barrier's slow path every time (measured: that was most of the
 * journal's cost flat out); a new array takes its events for free, and a whole
 * one is dropped at once.
 */
import type {VmEvent} from '../../bus/events.js';

/** Events per array: small enough that the newest arrays are young, large enough that starting one is rare. */
const CHUNK = 256;

interface Chunk {
	readonly events: Array<VmEvent | undefined>;
	readonly phys: number[];
	length: number;
	/** Its rows (journey ends are not rows), and the place of the last exception raised among them (-1: none). */
	rows: number;
	lastRaised: number;
}

export class Journal {
	private chunks: Chunk[] = [];
	private tail: Chunk | null = null;
	private total = 0;
	/** Rows dropped unfiled since the last drain (journey ends are not rows), and the last exception's place among them (-1: none). */
	droppedRows = 0;
	droppedRaised = -1;

	constructor(readonly capacity: number) {}

	get count(): number {
		return this.total;
	}

	/** Keep `e` (of kind `kind`: the caller has read it already) fetched from `phys`. */
	push(e: VmEvent, kind: VmEvent['kind'], phys: number): void {
		let tail = this.tail;
		if (tail === null || tail.length === CHUNK) {
			// Allocated whole (growing an array as it fills copies it several times) and filled with values of
			// the kinds it will hold, so no store changes the array's element kind.
			tail = this.tail = {
				events: new Array<VmEvent | undefined>(CHUNK).fill(undefined),
				phys: new Array<number>(CHUNK).fill(Number.NaN),
				length: 0,
				rows: 0,
				lastRaised: -1,
			};
			this.chunks.push(tail);
			// The oldest array goes once the rest hold `capacity` without it.
			if (this.chunks.length > 1 && this.total - this.chunks[0]!.length >= this.capacity) this.dropOldest();
		}
		const at = tail.length++;
		tail.events[at] = e;
		tail.phys[at] = phys;
		this.total++;
		// Counted now, while the event is at hand: reading 256 old events when their array is dropped missed the cache.
		if (kind !== 'journey.end') {
			if (kind === 'exception.raised') tail.lastRaised = tail.rows;
			tail.rows++;
		}
	}

	/** Hand every event kept to `file`, oldest first, and start empty (the dropped counts stay for the caller). */
	drain(file: (e: VmEvent, phys: number) => void): void {
		const chunks = this.chunks;
		this.chunks = [];
		this.tail = null;
		this.total = 0;
		for (const {events, phys, length} of chunks) {
			for (let i = 0; i < length; i++) file(events[i]!, phys[i]!);
		}
	}

	/** Forget everything (a new run). */
	clear(): void {
		this.chunks = [];
		this.tail = null;
		this.total = 0;
		this.droppedRows = 0;
		this.droppedRaised = -1;
	}

	private dropOldest(): void {
		const {length, rows, lastRaised} = this.chunks.shift()!;
		this.total -= length;
		if (lastRaised >= 0) this.droppedRaised = this.droppedRows + lastRaised;
		this.droppedRows += rows;
	}
}
