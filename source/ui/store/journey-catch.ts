/**
 * Journey mode's stops: which exception journeys the run pauses at. While
 * armed, the first top-level `exception.raised` opens a candidate; when it
 * and the virtual journey it continues as (interpretation ii) have ended,
 * the candidate is caught if the journey filter accepts it, else forgotten.
 *
 *   kind:PREFIX    some event of the journey has a kind starting so (`kind:os.syscall`, `kind:vmm.reflect`)
 *   vector:V       the exception's vector: 128, 0x80, 13, `int 0x80` written `int0x80`, or a name (`gp`)
 *   level:L        the journey reaches that level (cpu, exception, os, vmm, host)
 */
import {type EventKind, type EventOf, type Level, type VmEvent, levelOf} from '../../bus/events.js';
import {vectorName} from '../../isa/opcodes.js';
import type {JourneyIndex} from './journeys.js';
import type {EventRing} from './ring.js';

export interface JourneyFilter {
	text: string;
	kinds?: string[];
	vectors?: Set<number>;
	vectorNames?: string[];
	levels?: Set<Level>;
}

const levels: readonly string[] = ['cpu', 'exception', 'os', 'vmm', 'host'];

export function parseJourneyFilter(text: string): {filter: JourneyFilter | null; error?: string} {
	const trimmed = text.trim();
	if (trimmed === '') return {filter: null};
	const f: JourneyFilter = {text: trimmed};
	for (const word of trimmed.split(/\s+/)) {
		const m = /^(kind|vector|level):(.+)$/.exec(word);
		if (!m) return {filter: null, error: `'${word}': journey mode stops by kind:PREFIX, vector:N or level:L`};
		const values = m[2]!.split(',').filter((v) => v !== '');
		if (m[1] === 'kind') f.kinds = [...(f.kinds ?? []), ...values];
		else if (m[1] === 'level') {
			const bad = values.find((v) => !levels.includes(v));
			if (bad !== undefined) return {filter: null, error: `level '${bad}': one of ${levels.join(', ')}`};
			f.levels = new Set([...(f.levels ?? []), ...(values as Level[])]);
		} else {
			for (const v of values) {
				const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : Number.NaN;
				if (Number.isInteger(n)) (f.vectors ??= new Set()).add(n);
				else (f.vectorNames ??= []).push(v.toLowerCase());
			}
		}
	}
	return {filter: f};
}

/** Does the journey (its raise and every event of its journeys) pass? */
export function journeyMatches(filter: JourneyFilter | null, vector: number, kinds: readonly EventKind[]): boolean {
	if (!filter) return true;
	if (filter.vectors || filter.vectorNames) {
		const name = vectorName(vector).toLowerCase().replace(/\s+/g, '');
		const ok = (filter.vectors?.has(vector) ?? false) || (filter.vectorNames?.some((v) => name.includes(v.replace(/\s+/g, ''))) ?? false);
		if (!ok) return false;
	}
	if (filter.kinds && !filter.kinds.some((k) => kinds.some((kind) => kind.startsWith(k)))) return false;
	if (filter.levels) {
		// The raise puts the instruction under CPU: every journey reaches the CPU and Exceptions columns.
		const reached = new Set<Level>(['cpu', 'exception', ...kinds.map(levelOf)]);
		if (![...filter.levels].some((l) => reached.has(l))) return false;
	}
	return true;
}

export class JourneyCatcher {
	/** Waiting for a journey to stop at. */
	armed = false;
	filter: JourneyFilter | null = null;
	/** Ring sequence number of the `exception.raised` of the journey caught last (null: none yet). */
	caught: number | null = null;
	private candidate: {seq: number; vector: number; ids: number[]; open: Set<number>} | null = null;

	/**
	 * `sensitive(e)`: the instruction is sensitive, unprivileged on this profile, and runs directly under
	 * the VMM — no exception, no journey, yet the lecture's point: journey mode stops there too.
	 */
	constructor(private readonly sensitive: (e: EventOf<'instruction'>) => boolean = () => false) {}

	/** Stop at the next journey that passes the filter. */
	arm(): void {
		this.armed = true;
		this.candidate = null;
	}

	disarm(): void {
		this.armed = false;
		this.candidate = null;
	}

	/** A new run: nothing caught, nothing open. */
	reset(): void {
		this.candidate = null;
		this.caught = null;
	}

	/** For the driver's `runUntil`: a journey was caught since `arm`. */
	readonly done = (): boolean => !this.armed;

	/** Called by the store for each event (after the journey index noted it). */
	note(e: VmEvent, seq: number, ring: EventRing, journeys: JourneyIndex): void {
		if (!this.armed) return;
		if (e.kind === 'instruction') {
			if (this.candidate === null && this.sensitive(e) && sensitiveMatches(this.filter)) {
				this.caught = seq;
				this.armed = false;
			}
			return;
		}
		if (e.kind === 'exception.raised') {
			if (this.candidate === null && e.journey !== undefined && e.parent === undefined) {
				this.candidate = {seq, vector: e.vector, ids: [e.journey], open: new Set([e.journey])};
			}
			return;
		}
		const c = this.candidate;
		if (e.kind !== 'journey.end' || c === null || !c.open.has(e.journey)) return;
		c.open.delete(e.journey);
		if (e.next !== undefined) {
			c.open.add(e.next);
			c.ids.push(e.next);
		}
		if (c.open.size > 0) return;
		this.candidate = null;
		if (!journeyMatches(this.filter, c.vector, kindsOf(c.ids, ring, journeys))) return;
		this.caught = c.seq;
		this.armed = false;
	}
}

/** A sensitive instruction run directly: no vector; it is the CPU's (kind `instruction`, level cpu). */
export function sensitiveMatches(filter: JourneyFilter | null): boolean {
	if (!filter) return true;
	if (filter.vectors || filter.vectorNames) return false;
	if (filter.kinds && !filter.kinds.some((k) => 'instruction'.startsWith(k))) return false;
	if (filter.levels && !filter.levels.has('cpu')) return false;
	return true;
}

/** The kinds of every event of these journeys and the ones nested in them. */
export function kindsOf(ids: number[], ring: EventRing, journeys: JourneyIndex): EventKind[] {
	const kinds = new Set<EventKind>();
	const seen = new Set<number>();
	const visit = (id: number): void => {
		if (seen.has(id) || seen.size > 500) return;
		seen.add(id);
		const j = journeys.get(id);
		if (!j) return;
		for (const s of j.rows) {
			const e = ring.get(s);
			if (e) kinds.add(e.kind);
		}
		j.children.forEach(visit);
	};
	ids.forEach(visit);
	return [...kinds];
}
