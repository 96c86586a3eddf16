/**
 * Which panels fit, and how big: a pure function of the terminal size, the
 * focus and what the panels have to show. Designed for 120×35 and larger
 * ("full"), usable at 80×24 ("compact": the bottom slot shows the cooperation
 * panel or the focused table), and below the minimum it says so. Panels that
 * do not apply are not drawn (no exit reasons nor guests without a VMM), and
 * the panels under the history take the lines their content needs (up to a
 * share of the screen): the history, which always has more to show, gets the
 * rest — no blank lines at the bottom.
 */
import {exitTableHeight} from './components/ExitReasonTable.js';
import {statusHeight} from './components/StatusLine.js';
import type {FocusPanel, StatusView} from './store/snapshot.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 16;

/** What the panels under the history have to show (their content sizes them). */
export interface BottomContent {
	reasons: number;
	guests: number;
	/** Console lines of the selected guest (as wrapped to the panel). */
	consoleLines: number;
	/** Lines of the Popek–Goldberg panel (as wrapped). */
	propertyLines: number;
	/** Lines of the cooperation panel, title included, as wrapped to the full width (its steps wrap, never cut). */
	cooperationLines?: number;
}

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
			/** The cooperation panel's lines, title included (at the top of `bottom`). */
			cooperation: number;
			/** Widths of the two columns under the cooperation panel (full). */
			left: number;
			right: number;
			/** History rows the store should materialize. */
			historyRows: number;
			/** The panels that apply to this run: without a VMM there are no exits and no guests to show. */
			panels: {exits: boolean; guests: boolean};
	  };

/** The cooperation panel at its shortest: a title, the five steps and the total line (longer texts wrap: more). */
export const COOPERATION = 7;

/** Sparkline: title and one line. */
const SPARK = 2;

export function layoutFor(columns: number, terminalRows: number, focus: FocusPanel, status: StatusView, content?: BottomContent): Layout {
	if (columns < MIN_COLUMNS || terminalRows < MIN_ROWS) return {kind: 'too-small', columns, rows: terminalRows};
	const rows = terminalRows - 1;
	const statusRows = statusHeight(status, columns);
	const footer = 1;
	const body = rows - statusRows - footer;
	const full = columns >= 110 && terminalRows >= 32;
	const vmm = status.description.vmm !== 'none';
	const panels = {exits: vmm, guests: vmm};
	let bottom: number;
	// As tall as its wrapped steps, leaving the history (title, heading and a few rows) its room.
	const cooperation = Math.max(COOPERATION, Math.min(content?.cooperationLines ?? COOPERATION, full ? Math.floor(body / 2) : body - 6));
	if (full) {
		const most = Math.max(11, Math.floor((body - cooperation) * 0.42));
		const need = content ? Math.max(leftNeed(content, panels, focus), rightNeed(content, panels)) : most;
		bottom = cooperation + Math.max(6, Math.min(most, need));
	} else bottom = focus === 'history' ? cooperation : Math.max(COOPERATION, Math.floor(body / 2));
	const history = body - bottom;
	const left = full ? Math.floor(columns * 0.52) : columns;
	return {
		kind: full ? 'full' : 'compact',
		columns,
		rows,
		status: statusRows,
		history,
		bottom,
		cooperation,
		left,
		right: full ? columns - left - 1 : 0,
		historyRows: Math.max(1, history - 2),
		panels,
	};
}

/** Exit reasons and the console: each as tall as its content (the focused console more). */
function leftNeed(c: BottomContent, panels: {exits: boolean}, focus: FocusPanel): number {
	const console = Math.max(focus === 'console' ? 8 : 3, 1 + c.consoleLines);
	return (panels.exits ? exitTableHeight(c.reasons) : 0) + console;
}

/** Guests, the sparkline and the Popek–Goldberg panel. */
function rightNeed(c: BottomContent, panels: {guests: boolean}): number {
	return (panels.guests ? guestsHeight(c.guests) : 0) + SPARK + 1 + Math.max(1, c.propertyLines);
}

function guestsHeight(guests: number): number {
	return 2 + Math.min(4, Math.max(1, guests));
}

/** The left column under the cooperation panel: exit reasons (when they apply) above the console. */
export function exitsAndConsole(height: number, reasons: number, consoleFocused: boolean, exitsShown = true): {exits: number; console: number} {
	if (!exitsShown) return {exits: 0, console: height};
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
	const split = exitsAndConsole(layout.bottom - layout.cooperation, reasons, focus === 'console', layout.panels.exits);
	return {exits: split.exits, console: split.console, guests: layout.panels.guests ? guestsHeight(guests) : 0};
}
