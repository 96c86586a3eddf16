/**
 * What the views see: an immutable snapshot of the dashboard, rebuilt at most
 * once per frame. Plain data only, so components are pure functions of it.
 */
import type {ScreenState} from '../screens/report.js';
import type {Engine, RunDescription} from '../../sim/simulation.js';
import type {DriverMode, PropertyLine, RecordingInfo, Speed} from '../../driver/source.js';
import type {CooperationView} from './cooperation.js';
import type {ViewRow} from './history-window.js';
import type {WalkStep} from './journey-walk.js';

/** Panels that can have the focus (tab moves it). */
export type FocusPanel = 'history' | 'exits' | 'guests' | 'console';
export const focusOrder: readonly FocusPanel[] = ['history', 'exits', 'guests', 'console'];

/** Table sort keys (`o` cycles them). */
export type SortKey = 'count' | 'rate' | 'cycles' | 'name';
export const sortOrder: readonly SortKey[] = ['count', 'rate', 'cycles', 'name'];

/** The main dashboard or a full-screen report. */
export type ScreenId = 'dashboard' | string;

export interface StatusView {
	description: RunDescription;
	/** How the CPU executes (live runs): `jit` or `interp`. */
	engine?: Engine;
	mode: DriverMode;
	speed: Speed;
	/** Replay: the pace that counts as 1×. */
	speedBase?: number;
	/** Instructions shown one by one (else rows are sampled at exceptions). */
	detail: boolean;
	/** Instructions the real CPU retired. */
	instret: number;
	/** An imported KVM trace: host time (ns, in `cycle`) instead of instruction counts. */
	hostTime?: boolean;
	/**
	 * Under a VMM: the guests' instructions, run directly or emulated by the VMM
	 * (the Guests table's INSTR summed) — more than `instret` by what the VMM emulated.
	 */
	guestInstructions?: number;
	cycle: number;
	/** Millions of instructions per wall-clock second, over the last second. */
	mips: number;
	/** The current event number (events received, or the trace position). */
	event: number;
	/** Events in the trace (replay). */
	length?: number;
	/** The source's notice (replay: a rewind's window …). */
	notice?: string;
	/** The dashboard's short message (the snapshot's `flash`), here too so the status line's height counts it. */
	flash?: string;
	stopped?: string;
	/** Restart available (`v`, `i`). */
	canRestart: boolean;
	/** Recording available (`R`): a live run. */
	canRecord: boolean;
	/** The trace file being recorded (`● REC`), while `R` records. */
	recording?: RecordingInfo;
	/** After a recording: `saved FILE (N events)`, or what went wrong; for a few seconds. */
	recordNotice?: {text: string; ok: boolean};
}

export interface HistoryView {
	/** Oldest first, at most the viewport height. */
	rows: ViewRow[];
	/** The selected row (bottom of the window while scrolled), or null when following. */
	cursor: number | null;
	/** Events kept in the ring. */
	kept: number;
	/** Columns to show (Host only under a Type II VMM). */
	showHost: boolean;
	showVmm: boolean;
	/** Rows are numbered by host time (an imported KVM trace has no instruction counts). */
	hostTime?: boolean;
}

export interface ExitView {
	reason: string;
	category: string;
	count: number;
	/** 0–1 of all entries. */
	share: number;
	/** Per wall-clock second, over the last second. */
	perSecond: number;
	meanCycles: number;
}

export interface GuestView {
	index: number;
	name: string;
	state: string;
	/** 0–1 of instructions over the last second (of all when paused). */
	cpuShare: number;
	instructions: number;
	/** VMM entries per wall-clock second. */
	entriesPerSecond: number;
	topExit: string;
	/** An imported KVM trace: the guest's exits and the host time spent on them (ns), instead of CPU% and INSTR. */
	exits?: {count: number; ns: number};
}

export interface ConsoleView {
	guest: number;
	name: string;
	text: string;
}

export interface FilterView {
	/** The bar is open and typing goes to it. */
	editing: boolean;
	draft: string;
	/** Where typing goes in the draft (its end when not said). */
	caret?: number;
	/** The filter in force ('' = none). */
	active: string;
	/** What the open prompt sets: the filter (`f`) or the search (`/`). */
	kind?: 'filter' | 'search';
	/** The search in force ('' = none): its rows highlighted, `n`/`N` move between them. */
	search?: string;
	error?: string;
}

/** The restart chooser (`x`). */
export interface ChooserView {
	rows: Array<{label: string; options: readonly string[]; selected: number}>;
	row: number;
	error?: string;
}

export interface Snapshot {
	/** Bumped per snapshot. */
	frame: number;
	status: StatusView;
	history: HistoryView;
	cooperation: CooperationView | null;
	exits: ExitView[];
	exitTotal: number;
	guests: GuestView[];
	spark: {label: string; values: number[]};
	properties: PropertyLine[];
	consoles: ConsoleView[];
	/** Index into `consoles` shown (and typed into). */
	consoleGuest: number;
	focus: FocusPanel;
	/** `r` was pressed: the tables count from then on, the status line from the start. */
	sinceReset: boolean;
	/** First row shown of each scrollable table. */
	tableOffset: {exits: number; guests: number};
	sort: SortKey;
	help: boolean;
	screen: ScreenId;
	/** The report of the screen shown, when it is not the dashboard. */
	screenState?: ScreenState;
	/** Its first line shown (a report taller than the screen scrolls). */
	screenOffset: number;
	/** The help's or the legend's first line shown (they scroll when taller than the screen). */
	overlayOffset: number;
	filter: FilterView;
	/** The restart chooser (`x`), while it is open. */
	chooser?: ChooserView;
	/** The `g` prompt (replay), while it is open. */
	goto?: {draft: string; caret?: number; error?: string};
	/** A short message (e.g. `restarting with bt`), cleared after a few seconds. */
	flash?: string;
	/** Journey mode (`J`): the journey caught and the step shown. */
	journeyWalk?: JourneyWalkView;
	/** The legend (`l`) is open. */
	legend?: boolean;
	/** `--lecture`: high contrast, wide columns, keys in the footer. */
	lecture?: boolean;
}

export interface JourneyWalkView {
	/** The journey filter in force (`kind:`, `vector:`, `level:`), '' for every journey. */
	filter: string;
	/** Running to the next journey that passes the filter. */
	running: boolean;
	/** The journey caught (the real one, for a guest's exception), null before the first. */
	journey: number | null;
	/** Its virtual continuation (interpretation ii), if any. */
	continuation: number | null;
	/** `int 0x80 (trap)`. */
	title: string;
	steps: WalkStep[];
	/** The step shown (highlighted); the ones before it stay visible. */
	step: number;
	/** Levels of this run (VMM only under a VMM, Host OS only under Type II). */
	showVmm: boolean;
	showHost: boolean;
}
