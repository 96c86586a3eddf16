/**
 * The store's journeys (issue 12): which history rows belong to which
 * exception journey, its children, and how it ended — as the core said, never
 * guessed. Walk it level by level: a journey's `children` are the journeys
 * nested in it, `end.cause`/`end.next` link a real exception (interpretation i)
 * to its virtual one in the guest (interpretation ii).
 */
import type {EventOf, VmEvent} from '../../bus/events.js';

export interface JourneyEntry {
	id: number;
	/** Ring sequence number of the `exception.raised` that opened it (-1: a virtual journey, or not seen). */
	raisedSeq: number;
	/**
	 * Ring sequence numbers of its rows other than `instruction`s, in order: all of them up to `MAX_ROWS`; past that
	 * the first ones and the newest `TAIL_ROWS` — how the journey ended (its `iret`, the VMM's resume) always stays.
	 */
	rows: number[];
	/** Its `instruction` rows (the handler's own instructions, when the dashboard shows them). */
	instructions: number;
	/** Journeys nested in it, in the order they ended. */
	children: number[];
	/** How it ended; absent while it runs. */
	end?: EventOf<'journey.end'>;
}

/**
 * The VMM emulated the instruction this exit trapped on (an `iret` turning virtual interrupts on): what it then
 * reflects is a virtual interrupt that was pending for the guest, not the exit itself (journey mode, cooperation).
 */
export function deliversPending(intercept: EventOf<'vmm.intercept'>, events: ReadonlyArray<VmEvent | undefined>): boolean {
	return intercept.category === 'privileged' && events.some((e) => e?.kind === 'vmm.emulate');
}

const MAX_ROWS = 200;
/** Past `MAX_ROWS`, the newest rows kept (a long handler: 17 characters written under hvm took over 200 rows, and its `iret` was lost). */
const TAIL_ROWS = 8;

export class JourneyIndex {
	private readonly map = new Map<number, JourneyEntry>();
	/**
	 * Ids in the order their entries were made, a ring: the oldest goes first. Not `map.keys().next()`:
	 * a Map keeps deleted entries as holes until it rehashes, so finding its first live key
	 * walks over every one deleted before — per new journey, thousands.
	 */
	private readonly order: Float64Array;
	private oldest = 0;

	constructor(readonly capacity = 20_000) {
		this.order = new Float64Array(capacity);
	}

	get(id: number): JourneyEntry | undefined {
		return this.map.get(id);
	}

	get size(): number {
		return this.map.size;
	}

	/** Record an event (and its row, `seq` ≥ 0) under its journey. */
	note(e: VmEvent, seq: number): void {
		const id = e.journey;
		if (id === undefined) return;
		const entry = this.entry(id);
		if (e.kind === 'journey.end') {
			entry.end = e;
			if (e.parent !== null) this.entry(e.parent).children.push(id);
			return;
		}
		if (e.kind === 'exception.raised' && entry.raisedSeq < 0) entry.raisedSeq = seq;
		if (e.kind === 'instruction') entry.instructions++;
		else if (seq >= 0) {
			if (entry.rows.length === MAX_ROWS) entry.rows.splice(MAX_ROWS - TAIL_ROWS, 1);
			entry.rows.push(seq);
		}
	}

	clear(): void {
		this.map.clear();
		this.oldest = 0;
	}

	private entry(id: number): JourneyEntry {
		let entry = this.map.get(id);
		if (!entry) {
			entry = {id, raisedSeq: -1, rows: [], instructions: 0, children: []};
			if (this.map.size === this.capacity) {
				this.map.delete(this.order[this.oldest]!);
				this.oldest = (this.oldest + 1) % this.capacity;
			}
			// The ring's next free slot: the one after the newest.
			this.order[(this.oldest + this.map.size) % this.capacity] = id;
			this.map.set(id, entry);
		}
		return entry;
	}
}
