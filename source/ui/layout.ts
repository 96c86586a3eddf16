/**
 * Which panels fit, and how big: a pure function of the terminal size and
 * the focus. Designed for 120×35 and larger ("full"), usable at 80×24
 * ("compact": the bottom slot shows the cooperation panel or the focused
 * table), and below the minimum it says so.
 */
import {exitRowsThatFit} from './components/ExitReasonTable.js';
import {statusHeight} from './components/StatusLine.js';
import type {FocusPanel} from './store/snapshot.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

export type Layout =
	| {kind: 'too-small'; columns: number; rows: number}
	| {
			kind: 'full' | 'compact';
			columns: number;
			/** Rows the dashboard draws: one less than the terminal, so Ink updates in place. */
			rows: number;
			status: number;
			/** History panel height, title and header included. */
			history: number;
			/** The area under the history. */
			bottom: number;
			/** Left and right widths of the bottom area (full). */
			left: number;
			right: number;
			/** History rows the store should materialize. */
			historyRows: number;
	  };

export function layoutFor(columns: number, terminalRows: number, focus: FocusPanel): Layout {
	if (columns < MIN_COLUMNS || terminalRows < MIN_ROWS) return {kind: 'too-small', columns, rows: terminalRows};
	const rows = terminalRows - 1;
	const status = statusHeight(columns);
	const footer = 1;
	const body = rows - status - footer;
	const full = columns >= 110 && terminalRows >= 32;
	let bottom: number;
	if (full) bottom = Math.max(14, Math.floor(body * 0.45));
	else bottom = focus === 'history' ? 6 : Math.max(6, Math.floor(body / 2));
	const history = body - bottom;
	const left = full ? Math.floor(columns / 2) : columns;
	return {
		kind: full ? 'full' : 'compact',
		columns,
		rows,
		status,
		history,
		bottom,
		left,
		right: full ? columns - left - 1 : 0,
		historyRows: Math.max(1, history - 2),
	};
}

/** Heights of the right-hand column (full layout): exit table above, console below. */
export function rightColumn(bottom: number): {exits: number; console: number} {
	const console = Math.max(4, Math.floor(bottom * 0.4));
	let exits = bottom - console;
	// Whole rows only: the table draws two lines per reason.
	exits = Math.max(4, 4 + 2 * exitRowsThatFit(exits));
	return {exits, console: bottom - exits};
}
