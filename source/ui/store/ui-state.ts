/**
 * The dashboard's own state (not the machine's): what has the focus, how the
 * tables sort, the filter, the scroll position. Changed only through the
 * store's actions; copied into each snapshot.
 */
import type {ScreenState} from '../screens/report.js';
import type {Chooser} from './chooser.js';
import type {Filter} from './filter.js';
import type {FocusPanel, ScreenId, SortKey} from './snapshot.js';

export interface UiState {
	focus: FocusPanel;
	sort: SortKey;
	help: boolean;
	screen: ScreenId;
	/** Reports of the screens opened so far, by id. */
	screenStates: Record<string, ScreenState>;
	/** The report screen's first line shown (↑ ↓ PgUp PgDn Home End) and the most it can be (the dashboard says). */
	screenScroll: {offset: number; max: number};
	filterEditing: boolean;
	/** What the open prompt sets: the filter (`f`) or the search (`/`). */
	promptKind: 'filter' | 'search';
	/** The search in force (`/`): matching rows are highlighted in place, `n`/`N` go from one to the next. */
	search: Filter | null;
	filterDraft: string;
	filter: Filter | null;
	filterError?: string;
	/** Where typing goes in the open prompt (filter or go to). */
	promptCaret: number;
	/** The `g` prompt of a replay (go to an event or cycle), open while not null. */
	gotoDraft: string | null;
	gotoError?: string;
	/** The selected history row; null = follow the newest. */
	cursor: number | null;
	/** First row shown of the exit-reason and guests tables (the focused one scrolls). */
	tableOffset: {exits: number; guests: number};
	/** Lines for rows each of those tables has in the layout (the dashboard says). */
	tableLines: {exits: number; guests: number};
	/** The restart chooser (`x`), open while not null; `error`: why the last restart could not build. */
	chooser: (Chooser & {error?: string}) | null;
	/** Index into the console list. */
	consoleGuest: number;
	/** History rows the layout has room for. */
	viewport: number;
	flash?: {text: string; until: number};
	/** Journey mode (`J`, `--journey`): the run stops at each journey and walks it level by level. */
	journeyMode: boolean;
	/** The level step shown of the journey caught (0: the CPU's). */
	walkStep: number;
	/** `--lecture`: journey mode for a lecture hall (wide columns, high contrast, keys in the footer). */
	lecture: boolean;
	/** The legend (`l`): every glyph and column explained. */
	legend: boolean;
	/** The help's or the legend's first line shown and the most it can be (the dashboard says: they scroll at 80×24). */
	overlayScroll: {offset: number; max: number};
	/** Where a recording went (`saved FILE`), or why it could not start: shown where `● REC` was. */
	recordNotice?: {text: string; ok: boolean; until: number};
}

export function initialUiState(): UiState {
	return {
		focus: 'history',
		sort: 'count',
		help: false,
		screen: 'dashboard',
		screenStates: {},
		screenScroll: {offset: 0, max: 0},
		filterEditing: false,
		promptKind: 'filter',
		search: null,
		filterDraft: '',
		promptCaret: 0,
		filter: null,
		gotoDraft: null,
		cursor: null,
		consoleGuest: 0,
		chooser: null,
		tableOffset: {exits: 0, guests: 0},
		tableLines: {exits: 20, guests: 20},
		viewport: 20,
		journeyMode: false,
		walkStep: 0,
		lecture: false,
		legend: false,
		overlayScroll: {offset: 0, max: 0},
	};
}

/** The next item of a cyclic list. */
export function cycle<T>(list: readonly T[], current: T, delta: number): T {
	const i = list.indexOf(current);
	return list[(((i + delta) % list.length) + list.length) % list.length]!;
}
