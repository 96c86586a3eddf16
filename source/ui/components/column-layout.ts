/**
 * How wide each level's column is: a pure function of the width and of the
 * rows on screen, so it is tested without rendering. Columns are sized by
 * their content — a level with nothing to show collapses, a short one takes
 * what it needs, the long ones share the rest — and a cell wider than its
 * column wraps onto more lines (never cut).
 */
import type {Level} from '../../bus/events.js';
import {cells} from './text.js';

export interface Column {
	level: Level;
	title: string;
	width: number;
}

export const levelTitles: Record<Level, string> = {
	cpu: 'CPU (fetch-execute)',
	exception: 'Exceptions',
	os: 'OS',
	vmm: 'VMM',
	host: 'Host OS',
};

/** Below this many columns the history is a stacked list: one level per line. */
export const STACKED_BELOW = 100;

/** What every column keeps while the narrower ones take all they want (a wider text wraps inside). */
const FLOOR = 20;

/** The gutter: instret (and the guest when there are several). */
export function gutterWidth(multiGuest: boolean): number {
	return 12 + (multiGuest ? 3 : 0);
}

export interface ColumnOptions {
	vmm: boolean;
	host: boolean;
	multiGuest: boolean;
}

/** The levels this run has, in the order the columns show them. */
export function runLevels(options: {vmm: boolean; host: boolean}): Level[] {
	const levels: Level[] = ['cpu', 'exception', 'os'];
	if (options.vmm) levels.push('vmm');
	if (options.host) levels.push('host');
	return levels;
}

/**
 * `texts`: the text of each visible row by level. A level of the run whose
 * cells are all empty collapses (unless no level has any text: then all
 * show, titled, for an empty history). Each column is one cell wider than
 * its text (the gap).
 */
export function columnLayout(width: number, options: ColumnOptions, texts: ReadonlyArray<Partial<Record<Level, string>>> = []): Column[] {
	const all = runLevels(options);
	const need = new Map<Level, number>();
	for (const row of texts) {
		for (const level of all) {
			const t = row[level];
			if (t) need.set(level, Math.max(need.get(level) ?? 0, cells(t)));
		}
	}
	const levels = need.size === 0 ? all : all.filter((l) => need.has(l));
	const room = Math.max(levels.length * 6, width - gutterWidth(options.multiGuest));
	// What each column wants: its longest text or its title, plus the gap.
	const want = levels.map((l) => Math.max(need.get(l) ?? 0, cells(levelTitles[l])) + 1);
	const widths = share(want, room);
	return levels.map((level, i) => ({level, title: levelTitles[level], width: widths[i]!}));
}

/**
 * Shares of `room`: the columns that want least get all they want, in that
 * order, while every column left still gets at least `FLOOR` — so the usual
 * rows (short texts) never wrap, and only the widest texts do; the columns
 * that cannot all have what they want split what is left evenly (max–min
 * fair). Room to spare goes to the last column (nothing to its right).
 */
function share(want: number[], room: number): number[] {
	const widths = want.map(() => 0);
	const order = want.map((_, i) => i).sort((a, b) => want[a]! - want[b]! || a - b);
	let left = room;
	let k = 0;
	for (; k < order.length; k++) {
		const i = order[k]!;
		const rest = order.length - k - 1;
		if (want[i]! + rest * Math.min(FLOOR, Math.floor(room / want.length)) > left) break;
		widths[i] = want[i]!;
		left -= want[i]!;
	}
	// The rest: equal shares, a column wanting less than its share taking only that.
	let open = order.slice(k);
	while (open.length > 0) {
		const each = Math.floor(left / open.length);
		const small = open.filter((i) => want[i]! <= each);
		if (small.length === 0) {
			open.forEach((i, n) => (widths[i] = each + (n < left - each * open.length ? 1 : 0)));
			left = 0;
			break;
		}
		for (const i of small) {
			widths[i] = want[i]!;
			left -= want[i]!;
		}
		open = open.filter((i) => !small.includes(i));
	}
	widths[widths.length - 1]! += left;
	return widths;
}
