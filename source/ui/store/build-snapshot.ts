/**
 * Store internals → one immutable Snapshot. Runs once per frame at most, so
 * this is where the formatting, sorting and rate arithmetic live.
 */
import type {DashboardSource, PropertyLine} from '../../driver/source.js';
import {JUDGE_AFTER_INSTRUCTIONS, tooEarly} from '../../vmm/live-properties.js';
import type {ConsoleBuffers} from './consoles.js';
import {type CooperationView, cooperation} from './cooperation.js';
import type {JourneyIndex} from './journeys.js';
import type {Counters} from './counters.js';
import type {Namer} from './format-row.js';
import {windowRows} from './history-window.js';
import {micros} from '../../driver/speed.js';
import {exitAtOrBefore, kvmJourney} from './kvm-journey.js';
import type {EventRing} from './ring.js';
import type {ConsoleView, ExitView, GuestView, Snapshot, SortKey} from './snapshot.js';
import type {UiState} from './ui-state.js';

export interface StoreParts {
	source: DashboardSource;
	ring: EventRing;
	counters: Counters;
	consoles: ConsoleBuffers;
	ui: UiState;
	namer: Namer;
	/** Events received since the run began. */
	received: number;
	/** Sequence number of the newest `exception.raised`, or -1. */
	lastException: number;
	journeys: JourneyIndex;
	now: number;
	frame: number;
}

export function buildSnapshot(p: StoreParts, previousCooperation: CooperationView | null): Snapshot {
	const {source, ring, counters, ui} = p;
	const guests = source.guests();
	counters.sample(p.now, source.instret, new Map(guests.map((g) => [g.index, g.instructions])));
	const d = source.description;
	const state = source.state;
	const bottom = ui.cursor ?? ring.end - 1;
	const hostTime = source.clock === 'host-ns';
	return {
		frame: p.frame,
		status: {
			description: d,
			...(source.engine === undefined ? {} : {engine: source.engine}),
			mode: state.mode,
			speed: state.speed,
			speedBase: source.speedBase,
			detail: state.detail,
			instret: source.instret,
			...(hostTime ? {hostTime} : {}),
			guestInstructions: d.vmm === 'none' || hostTime ? undefined : guests.reduce((s, g) => s + g.instructions, 0),
			cycle: source.cycle,
			mips: counters.rates.rate('instret') / 1e6,
			event: source.events ?? p.received,
			length: source.length,
			notice: source.notice,
			flash: ui.flash && ui.flash.until > p.now ? ui.flash.text : undefined,
			stopped: source.stopped?.message,
			canRestart: source.restart !== undefined,
			canRecord: source.recorder !== undefined,
			recording: source.recorder?.active ?? undefined,
			recordNotice: ui.recordNotice && ui.recordNotice.until > p.now ? {text: ui.recordNotice.text, ok: ui.recordNotice.ok} : undefined,
		},
		history: {
			rows: windowRows(ring, bottom, ui.viewport, ui.filter, p.namer, ui.search),
			cursor: ui.cursor,
			kept: ring.size,
			showHost: d.type === 2,
			showVmm: d.vmm !== 'none',
			...(hostTime ? {hostTime} : {}),
		},
		cooperation: selectedCooperation(p, previousCooperation),
		exits: exitViews(counters, ui.sort),
		exitTotal: counters.exits.total(),
		guests: guestViews(p, guests, ui.sort, hostTime),
		spark: {label: d.vmm === 'none' ? 'exceptions/s' : 'VMM entries/s', values: counters.series.values()},
		properties: hostTime ? hostTimeProperties(p) : (sinceReset(p, source.properties?.()) ?? defaultProperties(p)),
		consoles: consoleViews(p, guests),
		consoleGuest: ui.consoleGuest,
		focus: ui.focus,
		tableOffset: {...ui.tableOffset},
		sinceReset: counters.sinceReset,
		sort: ui.sort,
		help: ui.help,
		screen: ui.screen,
		screenState: ui.screenStates[ui.screen],
		screenOffset: Math.min(ui.screenScroll.offset, ui.screenScroll.max),
		overlayOffset: Math.min(ui.overlayScroll.offset, ui.overlayScroll.max),
		filter: {
			editing: ui.filterEditing,
			draft: ui.filterDraft,
			caret: ui.promptCaret,
			active: ui.filter?.text ?? '',
			error: ui.filterError,
			kind: ui.promptKind,
			search: ui.search?.text ?? '',
		},
		...(ui.chooser ? {chooser: {rows: ui.chooser.rows, row: ui.chooser.row, ...(ui.chooser.error ? {error: ui.chooser.error} : {})}} : {}),
		goto: ui.gotoDraft === null ? undefined : {draft: ui.gotoDraft, caret: ui.promptCaret, error: ui.gotoError},
		flash: ui.flash && ui.flash.until > p.now ? ui.flash.text : undefined,
	};
}

/** The exception at or above the cursor, or the newest one when following. */
function selectedCooperation(p: StoreParts, previous: CooperationView | null): CooperationView | null {
	if (p.source.clock === 'host-ns') {
		// An imported KVM trace: the journey is a kvm_exit → kvm_entry.
		const exit = exitAtOrBefore(p.ring, p.ui.cursor ?? p.ring.end - 1);
		if (exit < 0) return null;
		return previous?.seq === exit && previous.complete ? previous : kvmJourney(p.ring, exit);
	}
	let seq = p.lastException;
	if (p.ui.cursor !== null) {
		seq = -1;
		for (let s = p.ui.cursor; s >= p.ring.first && s > p.ui.cursor - 10_000; s--) {
			if (p.ring.get(s)?.kind === 'exception.raised') {
				seq = s;
				break;
			}
		}
	}
	if (seq < 0 || !p.ring.has(seq)) return null;
	// A finished exception never changes: reuse it instead of scanning again.
	if (previous?.seq === seq && previous.complete) return previous;
	return cooperation(p.ring, p.journeys, seq, p.namer, p.source.description.costs.instruction);
}

function exitViews(counters: Counters, sort: SortKey): ExitView[] {
	const rows = counters.exits.rows().map((r) => ({
		reason: r.reason,
		category: r.category,
		count: r.count,
		share: r.share,
		perSecond: counters.rates.rate(`x:${r.reason}`),
		meanCycles: r.meanCycles,
	}));
	const by: Record<SortKey, (a: ExitView, b: ExitView) => number> = {
		count: (a, b) => b.count - a.count,
		rate: (a, b) => b.perSecond - a.perSecond,
		cycles: (a, b) => b.meanCycles - a.meanCycles,
		name: (a, b) => a.reason.localeCompare(b.reason),
	};
	return rows.sort((a, b) => by[sort](a, b) || a.reason.localeCompare(b.reason));
}

function guestViews(p: StoreParts, guests: ReturnType<DashboardSource['guests']>, sort: SortKey, hostTime = false): GuestView[] {
	const rates = p.counters.rates;
	const rateSum = guests.reduce((s, g) => s + rates.rate(`gi:${g.index}`), 0);
	// After `r`, instructions since then, like every other counter of the table.
	const base = p.counters.guestBase;
	const instructions = (g: (typeof guests)[number]) => Math.max(0, g.instructions - (base.get(g.index) ?? 0));
	const total = guests.reduce((s, g) => s + instructions(g), 0);
	const views = guests.map((g) => ({
		index: g.index,
		name: g.name,
		state: g.exitCode === undefined ? g.state : `${g.state} (${g.exitCode})`,
		cpuShare: rateSum > 0 ? rates.rate(`gi:${g.index}`) / rateSum : total > 0 ? instructions(g) / total : 0,
		instructions: instructions(g),
		entriesPerSecond: rates.rate(`g:${g.index}`),
		topExit: p.counters.exits.rows(g.index).find((r) => r.category !== 'interpret')?.reason ?? '—',
		...(hostTime ? {exits: exitTime(p, g.index)} : {}),
	}));
	const by: Record<SortKey, (a: GuestView, b: GuestView) => number> = {
		count: (a, b) => b.instructions - a.instructions,
		rate: (a, b) => b.entriesPerSecond - a.entriesPerSecond,
		cycles: (a, b) => b.cpuShare - a.cpuShare,
		name: (a, b) => a.index - b.index,
	};
	return views.sort((a, b) => by[sort](a, b) || a.index - b.index);
}

function consoleViews(p: StoreParts, guests: ReturnType<DashboardSource['guests']>): ConsoleView[] {
	if (p.source.description.vmm === 'none') {
		// One machine, one console, whatever guest number its events carry.
		const text = p.consoles.guests().map((g) => p.consoles.text(g)).join('');
		return [{guest: guests[0]?.index ?? 0, name: guests[0]?.name ?? p.source.description.name, text}];
	}
	const seen = new Set([...guests.map((g) => g.index), ...p.consoles.guests().filter((g) => g >= 0)]);
	return [...seen]
		.sort((a, b) => a - b)
		.map((g) => ({guest: g, name: guests.find((x) => x.index === g)?.name ?? `guest ${g}`, text: p.consoles.text(g)}));
}

/**
 * After `r`, the VMM's entry count restarts with the exit table's (the other
 * properties are about the whole run and stay so).
 */
function sinceReset(p: StoreParts, lines: PropertyLine[] | undefined): PropertyLine[] | undefined {
	if (!lines || !p.counters.sinceReset) return lines;
	return lines.map((l) =>
		l.label === 'VMM entries' ? {label: l.label, value: `${p.counters.exits.total().toLocaleString('en-US')} since r (counters reset)`} : l,
	);
}

/** A guest's exits and the host time they took (ns). */
function exitTime(p: StoreParts, guest?: number): {count: number; ns: number} {
	const rows = p.counters.exits.rows(guest);
	return {count: rows.reduce((s, r) => s + r.count, 0), ns: rows.reduce((s, r) => s + r.count * r.meanCycles, 0)};
}

/**
 * An imported KVM trace: what host time says. Equivalence, resource control
 * and efficiency need the guest's instructions, which the trace does not have.
 */
function hostTimeProperties(p: StoreParts): PropertyLine[] {
	const all = exitTime(p);
	const span = Math.max(0, p.source.cycle);
	const share = span > 0 ? ` (${((all.ns / span) * 100).toFixed(1)}% of ${micros(span)} host time)` : '';
	return [
		{label: 'VMM entries', value: `${all.count.toLocaleString('en-US')} kvm_exit`},
		{label: 'outside guests', value: `${micros(all.ns)}${share}`},
		{label: 'properties', value: 'equivalence, resource control and efficiency need instruction counts: a host trace has none'},
	];
}

/** Without a VMM report: what can be said from the counters. */
function defaultProperties(p: StoreParts): PropertyLine[] {
	const d = p.source.description;
	if (d.vmm === 'none') {
		return [
			{label: 'VMM', value: 'none: the OS runs on the real machine'},
			{label: 'exceptions', value: p.counters.exceptions.toLocaleString('en-US')},
		];
	}
	const executed = Math.max(0, p.source.instret - p.counters.instretBase);
	const direct = Math.max(0, 1 - p.counters.emulated / Math.max(1, executed));
	return [
		executed < JUDGE_AFTER_INSTRUCTIONS
			? {label: 'efficiency', value: tooEarly(executed)}
			: {label: 'efficiency', value: `${(direct * 100).toFixed(2)}% of instructions ran directly`},
		{label: 'VMM entries', value: p.counters.exits.total().toLocaleString('en-US')},
	];
}
