/**
 * Which panels fit, and how big: a pure function of the terminal size and
 * the focus. Designed for 120×35 and larger ("full"), usable at 80×24
 * ("compact": the bottom slot shows the cooperation panel or the focused
 * table), and below the minimum it says so.
 */
import {exitTableHeight} from './components/ExitReasonTable.js';
import {statusHeight} from './components/StatusLine.js';
import type {FocusPanel, StatusView} from './store/snapshot.js';

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
			/** Widths of the two columns under the cooperation panel (full). */
			left: number;
			right: number;
			/** History rows the store should materialize. */
			historyRows: number;
	  };

/** The cooperation panel: a title, the five steps and the total line. */
export const COOPERATION = 7;

export function layoutFor(columns: number, terminalRows: number, focus: FocusPanel, status: StatusView): Layout {
	if (columns < MIN_COLUMNS || terminalRows < MIN_ROWS) return {kind: 'too-small', columns, rows: terminalRows};
	const rows = terminalRows - 1;
	const statusRows = statusHeight(status, columns);
	const footer = 1;
	const body = rows - statusRows - footer;
	const full = columns >= 110 && terminalRows >= 32;
	let bottom: number;
	if (full) bottom = COOPERATION + Math.max(11, Math.floor((body - COOPERATION) * 0.42));
	else bottom = focus === 'history' ? COOPERATION : Math.max(COOPERATION, Math.floor(body / 2));
	const history = body - bottom;
	const left = full ? Math.floor(columns * 0.52) : columns;
	return {
		kind: full ? 'full' : 'compact',
		columns,
		rows,
		status: statusRows,
		history,
		bottom,
		left,
		right: full ? columns - left - 1 : 0,
		historyRows: Math.max(1, history - 2),
	};
}

/** The left column under the cooperation panel: exit reasons above the console. */
export function exitsAndConsole(height: number, reasons: number, consoleFocused: boolean): {exits: number; console: number} {
	const console = consoleFocused ? Math.max(3, height - 2) : Math.max(3, Math.floor(height * 0.3));
	const exits = Math.min(height - console, exitTableHeight(reasons));
	return {exits, console: height - exits};
}

/** Heights (title and heading included) of the exit-reason and guests tables in a layout. */
export function tableHeights(
	layout: Extract<Layout, {kind: 'full' | 'compact'}>,
	focus: FocusPanel,
	reasons: number,
	guests: number,
): {exits: number; guests: number; console: number} {
	if (layout.kind === 'compact') return {exits: layout.bottom, guests: layout.bottom, console: layout.bottom};
	const split = exitsAndConsole(layout.bottom - COOPERATION, reasons, focus === 'console');
	return {exits: split.exits, console: split.console, guests: 2 + Math.min(4, Math.max(1, guests))};
}
