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

export class Journal {
	private chunks: VmEvent[][] = [];
	private physChunks: number[][] = [];
	private tail: VmEvent[] | null = null;
	private tailPhys: number[] = [];
	private total = 0;
	/** Rows dropped unfiled since the last drain (journey ends are not rows), and the last exception's place among them (-1: none). */
	droppedRows = 0;
	droppedRaised = -1;

	constructor(readonly capacity: number) {}

	get count(): number {
		return this.total;
	}

	push(e: VmEvent, phys: number): void {
		let tail = this.tail;
		if (tail === null || tail.length === CHUNK) {
			tail = this.tail = [];
			this.tailPhys = [];
			this.chunks.push(tail);
			this.physChunks.push(this.tailPhys);
			// The oldest array goes once the rest hold `capacity` without it.
			if (this.chunks.length > 1 && this.total - this.chunks[0]!.length >= this.capacity) this.dropOldest();
		}
		tail.push(e);
		this.tailPhys.push(phys);
		this.total++;
	}

	/** Hand every event kept to `file`, oldest first, and start empty (the dropped counts stay for the caller). */
	drain(file: (e: VmEvent, phys: number) => void): void {
		const chunks = this.chunks;
		const physChunks = this.physChunks;
		this.chunks = [];
		this.physChunks = [];
		this.tail = null;
		this.total = 0;
		for (let c = 0; c < chunks.length; c++) {
			const events = chunks[c]!;
			const phys = physChunks[c]!;
			for (let i = 0; i < events.length; i++) file(events[i]!, phys[i]!);
		}
	}

	/** Forget everything (a new run). */
	clear(): void {
		this.chunks = [];
		this.physChunks = [];
		this.tail = null;
		this.total = 0;
		this.droppedRows = 0;
		this.droppedRaised = -1;
	}

	private dropOldest(): void {
		const events = this.chunks.shift()!;
		this.physChunks.shift();
		this.total -= events.length;
		for (const old of events) {
			if (old.kind === 'journey.end') continue;
			if (old.kind === 'exception.raised') this.droppedRaised = this.droppedRows;
			this.droppedRows++;
		}
	}
}
