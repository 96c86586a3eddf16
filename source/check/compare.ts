/**
 * Comparing what one instruction did from the two states of a pair.
 *
 * The two states differ in one input (the mode, IF, idt …), so comparing the
 * after-states field by field would report that input itself. A field counts
 * as different only if the instruction touched it in at least one of the two
 * runs and the results disagree: `cli` from IF=1 and from IF=0 ends with IF=0
 * both times (same); `nop` under two relocations leaves both `ubase`s alone
 * (same); `sidt` under two IDT bases returns two values (different). Clock
 * fields are compared as increments, so time passing is never a difference.
 */
import type {Change, Outcome, Value} from './probe.js';

export interface Difference {
	field: string;
	/** The field in the first and second run: `0x1234→0x1`, or `unchanged 0`. */
	a: string;
	b: string;
}

/** Small numbers in decimal, others in hex with at least 4 digits (FLAGS read best as 0x0200). */
const fmt = (v: Value): string =>
	typeof v === 'string' ? v : v >= 0 && v < 10 ? String(v) : '0x' + (v >>> 0).toString(16).padStart(4, '0');

/** A memory word's old contents are filler: only what was written matters. */
const isMemory = (c: Change): boolean => c.field.startsWith('[') || c.field.startsWith('phys[');

/** `IF 0→1`, `r1 0x1234→0xc000`. */
export function describeChange(c: Change): string {
	if (c.kind === 'clock' && typeof c.before === 'number' && typeof c.after === 'number') {
		return `${c.field} +${c.after - c.before}`;
	}
	if (isMemory(c)) return `${c.field} ←${fmt(c.after)}`;
	return `${c.field} ${fmt(c.before)}→${fmt(c.after)}`;
}

function side(change: Change | undefined, before: Value | undefined): string {
	if (change === undefined) return `unchanged ${before === undefined ? '' : fmt(before)}`.trim();
	if (change.kind === 'clock' && typeof change.before === 'number' && typeof change.after === 'number') {
		return `+${change.after - change.before}`;
	}
	if (isMemory(change)) return `←${fmt(change.after)}`;
	return `${fmt(change.before)}→${fmt(change.after)}`;
}

function delta(c: Change): Value {
	return typeof c.after === 'number' && typeof c.before === 'number' ? c.after - c.before : c.after;
}

/** The fields on which two non-trapping runs disagree (empty: the same behaviour). */
export function compareOutcomes(a: Outcome, b: Outcome): Difference[] {
	const ca = new Map(a.changes.map((c) => [c.field, c]));
	const cb = new Map(b.changes.map((c) => [c.field, c]));
	const differences: Difference[] = [];
	for (const field of new Set([...ca.keys(), ...cb.keys()])) {
		const x = ca.get(field);
		const y = cb.get(field);
		const kind = (x ?? y)!.kind;
		let same: boolean;
		if (kind === 'clock') {
			same = x !== undefined && y !== undefined && delta(x) === delta(y);
		} else {
			// A field one run left alone keeps its value from before (memory words: equal in both states of a pair).
			const afterA = x ? x.after : (a.before.get(field) ?? y!.before);
			const afterB = y ? y.after : (b.before.get(field) ?? x!.before);
			same = afterA === afterB;
		}
		if (!same) differences.push({field, a: side(x, a.before.get(field)), b: side(y, b.before.get(field))});
	}
	return differences;
}

/** `IF 0→1 vs unchanged 0; r1 …` (at most `max` fields). */
export function describeDifferences(differences: readonly Difference[], max = 3): string {
	const shown = differences.slice(0, max).map((d) => `${d.field} ${d.a} vs ${d.b}`);
	if (differences.length > max) shown.push(`… ${differences.length - max} more`);
	return shown.join('; ');
}
