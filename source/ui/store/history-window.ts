/**
 * The rows a frame shows: walk the ring back from the bottom row, keep those
 * the filter accepts, format only those (cached in the ring).
 */
import type {EventKind} from '../../bus/events.js';
import {type Filter, matchesEvent, matchesText} from './filter.js';
import {type Namer, type RowCells, formatRow, rowText} from './format-row.js';
import type {EventRing} from './ring.js';

export interface ViewRow {
	seq: number;
	kind: EventKind;
	instret: number;
	cycle: number;
	guest: number;
	/** The exception journey the event belongs to, as the core numbered it (trace v2). */
	journey?: number;
	cells: RowCells;
	/** Instructions the CPU ran since the previous event without a row of their own. */
	gap: number;
	/** The row matches the search in force (`/`): highlighted in place. */
	match?: true;
}

/** Console bytes go to the console panel, not the history. */
const hidden = (kind: EventKind): boolean => kind === 'console';

/**
 * An instruction that raised an exception shows once, on the exception's row
 * ("trapped"): not as if it had executed and then trapped.
 */
function trapped(ring: EventRing, seq: number): boolean {
	const e = ring.get(seq);
	if (e?.kind !== 'instruction') return false;
	const next = ring.get(seq + 1);
	return next?.kind === 'exception.raised' && next.type !== 'interrupt' && next.pc === e.pc && next.guest === e.guest;
}

export function matches(ring: EventRing, seq: number, filter: Filter | null, namer: Namer): boolean {
	const e = ring.get(seq);
	if (e === undefined || hidden(e.kind) || trapped(ring, seq)) return false;
	if (filter === null) return true;
	if (!matchesEvent(filter, e.kind, e.guest, e.journey)) return false;
	if (filter.patterns === undefined) return true;
	const cells = ring.cellsOf(seq, (ev, phys) => formatRow(ev, phys, namer))!;
	return matchesText(filter, rowText(cells));
}

/** The next matching row after (`delta` > 0) or before `seq`, `steps` rows away, clamped. */
export function moveBy(ring: EventRing, seq: number, steps: number, filter: Filter | null, namer: Namer): number {
	const dir = steps > 0 ? 1 : -1;
	let left = Math.abs(steps);
	let at = seq;
	for (let s = seq + dir; left > 0 && s >= ring.first && s < ring.end; s += dir) {
		if (matches(ring, s, filter, namer)) {
			at = s;
			left--;
		}
	}
	return at;
}

/** The newest matching row, or -1. */
export function newestMatch(ring: EventRing, filter: Filter | null, namer: Namer): number {
	for (let s = ring.end - 1; s >= ring.first; s--) if (matches(ring, s, filter, namer)) return s;
	return -1;
}

/**
 * Up to `height` matching rows ending at `bottom` (inclusive), oldest first.
 * Near the oldest row kept (Home, PgUp) the window fills with the rows after
 * `bottom` instead of blank lines.
 */
export function windowRows(ring: EventRing, bottom: number, height: number, filter: Filter | null, namer: Namer, search: Filter | null = null): ViewRow[] {
	const rows: ViewRow[] = windowOf(ring, bottom, height, filter, namer);
	if (search === null) return rows;
	return rows.map((r) => (matches(ring, r.seq, search, namer) ? {...r, match: true} : r));
}

/**
 * The next row after (`dir` 1) or before (-1) `seq` that the filter shows and
 * the search matches, or -1.
 */
export function nextSearchMatch(ring: EventRing, seq: number, dir: 1 | -1, filter: Filter | null, search: Filter, namer: Namer): number {
	for (let s = seq + dir; s >= ring.first && s < ring.end; s += dir) {
		if (matches(ring, s, filter, namer) && matches(ring, s, search, namer)) return s;
	}
	return -1;
}

function windowOf(ring: EventRing, bottom: number, height: number, filter: Filter | null, namer: Namer): ViewRow[] {
	const rows: ViewRow[] = [];
	const last = Math.min(bottom, ring.end - 1);
	for (let s = last; s >= ring.first && rows.length < height; s--) {
		if (matches(ring, s, filter, namer)) rows.push(viewRow(ring, s, namer));
	}
	rows.reverse();
	for (let s = Math.max(last + 1, ring.first); s < ring.end && rows.length < height; s++) {
		if (matches(ring, s, filter, namer)) rows.push(viewRow(ring, s, namer));
	}
	return rows;
}

function viewRow(ring: EventRing, s: number, namer: Namer): ViewRow {
	const e = ring.get(s)!;
	const prev = ring.get(s - 1);
	return {
		seq: s,
		kind: e.kind,
		instret: e.instret,
		cycle: e.cycle,
		guest: e.guest,
		...(e.journey === undefined ? {} : {journey: e.journey}),
		cells: ring.cellsOf(s, (ev, phys) => formatRow(ev, phys, namer))!,
		gap: prev === undefined ? 0 : Math.max(0, e.instret - prev.instret - (prev.kind === 'instruction' ? 1 : 0)),
	};
}
