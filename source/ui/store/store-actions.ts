/**
 * The store's actions: every change to the UI state goes through one of
 * these, and each ends by invalidating the snapshot (published within a frame).
 */
import type {DashboardStore} from './dashboard-store.js';
import {parseFilter} from './filter.js';
import {moveBy, newestMatch, nextSearchMatch} from './history-window.js';
import {type FocusPanel, type ScreenId, focusOrder, sortOrder} from './snapshot.js';
import {cycle} from './ui-state.js';
import {scrollWindow} from '../table-window.js';

/** Every action answers a key: show it at once. */
function done(store: DashboardStore): void {
	store.invalidate(true);
}

/**
 * The screen's layout moved (a panel grew): the next frame uses it. Not urgent flat out, where
 * a frame is the costliest thing there is — the history panel clips to its room meanwhile — and
 * where a panel grows often at first (the console's first lines): every frame would be drawn twice.
 */
function relayout(store: DashboardStore): void {
	store.invalidate(!store.flatOut);
}

export function toggleHelp(store: DashboardStore, open?: boolean): void {
	store.ui.help = open ?? !store.ui.help;
	store.ui.overlayScroll = {offset: 0, max: store.ui.overlayScroll.max};
	done(store);
}

/** `l`: the legend of every glyph and column. */
export function toggleLegend(store: DashboardStore, open?: boolean): void {
	store.ui.legend = open ?? !store.ui.legend;
	store.ui.overlayScroll = {offset: 0, max: store.ui.overlayScroll.max};
	store.ui.help = false;
	done(store);
}

export function focusNext(store: DashboardStore, delta: 1 | -1): void {
	// Without a VMM the exit-reason and guests panels are not drawn: the focus skips them.
	const order = store.source.description.vmm === 'none' ? focusOrder.filter((f) => f !== 'exits' && f !== 'guests') : focusOrder;
	store.ui.focus = cycle(order, store.ui.focus, delta);
	done(store);
}

export function setFocus(store: DashboardStore, focus: FocusPanel): void {
	store.ui.focus = focus;
	done(store);
}

export function cycleSort(store: DashboardStore): void {
	store.ui.sort = cycle(sortOrder, store.ui.sort, 1);
	done(store);
}

export function setScreen(store: DashboardStore, screen: ScreenId): void {
	store.ui.screen = screen;
	store.ui.help = false;
	store.ui.screenScroll = {offset: 0, max: store.ui.screenScroll.max};
	done(store);
}

/** What scrolls: a report screen or the map (`screenScroll`), the help or the legend (`overlayScroll`). */
type Scrolling = 'screenScroll' | 'overlayScroll';

/** The first line shown moves by `delta` (±Infinity: to an end), within what the dashboard measured. */
function scrollBy(store: DashboardStore, which: Scrolling, delta: number): void {
	const {offset, max} = store.ui[which];
	const next = Math.max(0, Math.min(max, Math.min(offset, max) + delta));
	if (next === offset) return;
	store.ui[which] = {offset: next, max};
	done(store);
}

/** How far it can scroll (the dashboard measures it at the terminal's size). */
function measured(store: DashboardStore, which: Scrolling, max: number): void {
	if (store.ui[which].max === max) return;
	store.ui[which] = {offset: Math.min(store.ui[which].offset, max), max};
	done(store);
}

/** A report screen or the map taller than the terminal: its first line shown moves by `delta`. */
export const scrollScreen = (store: DashboardStore, delta: number): void => scrollBy(store, 'screenScroll', delta);
/** The open help or legend taller than the terminal: its first line shown moves by `delta`. */
export const scrollOverlay = (store: DashboardStore, delta: number): void => scrollBy(store, 'overlayScroll', delta);
export const setScreenMax = (store: DashboardStore, max: number): void => measured(store, 'screenScroll', max);
export const setOverlayMax = (store: DashboardStore, max: number): void => measured(store, 'overlayScroll', max);

export function resetCounters(store: DashboardStore): void {
	const guests = new Map(store.source.guests().map((g) => [g.index, g.instructions] as const));
	store.counters.reset(store.source.instret, guests);
	flash(store, 'counters reset');
}

export function flash(store: DashboardStore, text: string, ms = 2500): void {
	store.ui.flash = {text, until: store.now() + ms};
	store.invalidateAfter(ms + 1);
	done(store);
}

/** `saved FILE (N events)` (or a recording's error) in the status line's recording slot, for `ms`. */
export function noteRecording(store: DashboardStore, text: string, ok: boolean, ms = 6000): void {
	store.ui.recordNotice = {text, ok, until: store.now() + ms};
	store.invalidateAfter(ms + 1);
	done(store);
}

/** A recording started: `● REC` takes the slot (and is the key's answer, so show it now). */
export function recordingStarted(store: DashboardStore): void {
	store.ui.recordNotice = undefined;
	done(store);
}

/** The number of history rows the layout shows. */
export function setViewport(store: DashboardStore, rows: number): void {
	if (rows === store.ui.viewport) return;
	store.ui.viewport = Math.max(1, rows);
	relayout(store);
}

// ---- the filter bar ---------------------------------------------------------------

export function openFilter(store: DashboardStore, kind: 'filter' | 'search' = 'filter'): void {
	store.ui.filterEditing = true;
	store.ui.promptKind = kind;
	store.ui.filterDraft = (kind === 'filter' ? store.ui.filter : store.ui.search)?.text ?? '';
	store.ui.promptCaret = store.ui.filterDraft.length;
	store.ui.filterError = undefined;
	done(store);
}

export function editFilter(store: DashboardStore, draft: string, caret = draft.length): void {
	store.ui.filterDraft = draft;
	store.ui.promptCaret = caret;
	// Say at once whether it parses; apply only on Enter.
	store.ui.filterError = parseFilter(draft).error;
	done(store);
}

export function applyFilter(store: DashboardStore): void {
	const {filter, error} = parseFilter(store.ui.filterDraft);
	if (error !== undefined) {
		store.ui.filterError = error;
	} else if (store.ui.promptKind === 'search') {
		store.ui.search = filter;
		store.ui.filterEditing = false;
		store.ui.filterError = undefined;
		// The rows stay; the selection goes to the newest match at or above it.
		if (filter !== null) return searchStep(store, -1, true);
	} else {
		store.ui.filter = filter;
		store.ui.filterEditing = false;
		store.ui.filterError = undefined;
		store.ui.cursor = null;
	}
	done(store);
}

/**
 * To the next (`dir` 1, `n`) or previous (-1, `N`) row the search matches,
 * from the selected row (the newest when following); `inclusive`: the
 * selected row itself counts (a new search).
 */
export function searchStep(store: DashboardStore, dir: 1 | -1, inclusive = false): void {
	const {ring, ui, namer} = store;
	if (ui.search === null) return;
	const from = (ui.cursor ?? ring.end - 1) + (inclusive ? -dir : 0);
	const at = nextSearchMatch(ring, from, dir, ui.filter, ui.search, namer);
	if (at < 0) return flash(store, `no ${dir > 0 ? 'newer' : 'older'} match for /${ui.search.text}`);
	ui.cursor = at;
	done(store);
}

/** Esc in the main view: the search highlights no more. */
export function clearSearch(store: DashboardStore): void {
	store.ui.search = null;
	done(store);
}

/** Esc in the main view: no filter any more, every row shows again. */
export function clearFilter(store: DashboardStore): void {
	store.ui.filter = null;
	store.ui.cursor = null;
	done(store);
}

export function cancelFilter(store: DashboardStore): void {
	store.ui.filterEditing = false;
	store.ui.filterError = undefined;
	done(store);
}

// ---- the restart chooser (x) -----------------------------------------------------

export function setChooser(store: DashboardStore, chooser: DashboardStore['ui']['chooser']): void {
	store.ui.chooser = chooser;
	done(store);
}

// ---- the goto prompt (replay) ----------------------------------------------------

export function openGoto(store: DashboardStore): void {
	store.ui.gotoDraft = '';
	store.ui.promptCaret = 0;
	store.ui.gotoError = undefined;
	done(store);
}

export function editGoto(store: DashboardStore, draft: string, caret = draft.length): void {
	store.ui.gotoDraft = draft;
	store.ui.promptCaret = caret;
	store.ui.gotoError = undefined;
	done(store);
}

/** Ask the source to go there; the prompt stays open with the error if it cannot. */
export function applyGoto(store: DashboardStore): void {
	const error = store.source.goto?.(store.ui.gotoDraft ?? '') ?? null;
	if (error === null) {
		store.ui.gotoDraft = null;
		store.ui.cursor = null;
	}
	store.ui.gotoError = error ?? undefined;
	done(store);
}

export function closeGoto(store: DashboardStore): void {
	store.ui.gotoDraft = null;
	store.ui.gotoError = undefined;
	done(store);
}

// ---- scrolling the tables ---------------------------------------------------------

/** The focused table moves `delta` rows (±Infinity: to its top or its end). */
export function scrollTable(store: DashboardStore, table: 'exits' | 'guests', delta: number): void {
	const n = store.getSnapshot()[table].length;
	store.ui.tableOffset[table] = scrollWindow(store.ui.tableLines[table], n, store.ui.tableOffset[table], delta);
	done(store);
}

/** How many lines for rows each table has (the layout decides). */
export function setTableLines(store: DashboardStore, lines: {exits: number; guests: number}): void {
	const old = store.ui.tableLines;
	if (old.exits === lines.exits && old.guests === lines.guests) return;
	store.ui.tableLines = {...lines};
	relayout(store);
}

// ---- scrolling the history --------------------------------------------------------

/** Move the selection `steps` rows (negative: older). From following, the first move selects the newest row. */
export function scroll(store: DashboardStore, steps: number): void {
	const {ring, ui, namer} = store;
	if (ui.cursor === null) {
		if (steps > 0) return;
		const newest = newestMatch(ring, ui.filter, namer);
		if (newest < 0) return;
		ui.cursor = moveBy(ring, newest, steps + 1, ui.filter, namer);
	} else {
		const from = Math.max(ui.cursor, ring.first);
		const to = moveBy(ring, from, steps, ui.filter, namer);
		// Down past the newest row: follow again.
		ui.cursor = steps > 0 && to === from ? null : to;
	}
	done(store);
}

export function scrollToOldest(store: DashboardStore): void {
	const {ring, ui, namer} = store;
	const oldest = moveBy(ring, ring.first - 1, 1, ui.filter, namer);
	ui.cursor = oldest >= ring.first ? oldest : null;
	done(store);
}

export function follow(store: DashboardStore): void {
	store.ui.cursor = null;
	done(store);
}

// ---- consoles -----------------------------------------------------------------------

export function switchConsole(store: DashboardStore, delta: 1 | -1): void {
	const count = Math.max(1, store.getSnapshot().consoles.length);
	store.ui.consoleGuest = (((store.ui.consoleGuest + delta) % count) + count) % count;
	done(store);
}
