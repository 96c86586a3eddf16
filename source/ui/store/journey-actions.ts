/**
 * Journey mode's actions (`J`, `→`/space, `n`, `N`/`b`, the journey filter).
 * Going forward past the newest journey caught runs the machine to the next
 * one (the driver's `runUntil`, live or replay); going back walks journeys still in the
 * history, newest first.
 */
import type {DashboardStore} from './dashboard-store.js';
import {journeyMatches, kindsOf, parseJourneyFilter} from './journey-catch.js';
import {flash} from './store-actions.js';

function done(store: DashboardStore): void {
	store.invalidate(true);
}

/** `J`: journey mode on (stop at the next journey) or off (the run stays paused). */
export function toggleJourneyMode(store: DashboardStore, on = !store.ui.journeyMode): void {
	store.ui.journeyMode = on;
	store.ui.walkStep = 0;
	if (on) {
		store.ui.legend = false;
		runToNextJourney(store);
	} else {
		store.catcher.disarm();
		if (store.source.state.mode === 'seeking') store.source.pause();
	}
	done(store);
}

/** Run until the next journey that passes the filter has ended, then pause on it. */
export function runToNextJourney(store: DashboardStore): void {
	const {source, catcher} = store;
	if (!source.runUntil) {
		flash(store, 'journey mode runs the machine to each journey: it needs a live run (not a replay)');
		return;
	}
	if (source.stopped) {
		flash(store, `no more journeys: ${source.stopped.message}`);
		return;
	}
	catcher.arm();
	store.ui.walkStep = 0;
	source.runUntil(catcher.done);
	done(store);
}

/** `→`/space: the next level step; past the last one, the next journey. */
export function walkForward(store: DashboardStore): void {
	const seq = store.catcher.caught;
	const steps = store.getSnapshot().journeyWalk?.steps.length ?? 0;
	if (seq === null || store.ui.walkStep >= steps - 1) return nextJourney(store);
	store.ui.walkStep++;
	done(store);
}

/** `←`: the previous level step. */
export function walkBack(store: DashboardStore): void {
	store.ui.walkStep = Math.max(0, store.ui.walkStep - 1);
	done(store);
}

/** `n`: the next journey — one still in the history after the shown one (after `N`), else the machine runs to it. */
export function nextJourney(store: DashboardStore): void {
	// Already running to one (a replay that found none, or a stopped run, lets `n` say so again).
	const mode = store.source.state.mode;
	if (store.catcher.armed && (mode === 'seeking' || mode === 'waiting')) return;
	const from = store.catcher.caught;
	const later = from === null ? -1 : findJourney(store, from, 1);
	if (later >= 0) return show(store, later);
	runToNextJourney(store);
}

/** `N`/`b`: the previous journey still in the history. */
export function previousJourney(store: DashboardStore): void {
	const from = store.catcher.caught;
	const earlier = from === null ? -1 : findJourney(store, from, -1);
	if (earlier < 0) return flash(store, 'no earlier journey in the history');
	show(store, earlier);
}

function show(store: DashboardStore, seq: number): void {
	store.catcher.caught = seq;
	store.ui.walkStep = 0;
	done(store);
}

/** The next (dir 1) or previous (-1) finished top-level journey passing the filter, from ring sequence `from`; -1. */
export function findJourney(store: DashboardStore, from: number, dir: 1 | -1): number {
	const {ring, journeys, catcher} = store;
	for (let s = from + dir; s >= ring.first && s < ring.end; s += dir) {
		const e = ring.get(s);
		if (e?.kind !== 'exception.raised' || e.journey === undefined || e.parent !== undefined) continue;
		const j = journeys.get(e.journey);
		if (!j?.end) continue;
		const ids = j.end.next === undefined ? [j.id] : [j.id, j.end.next];
		if (ids.some((id) => journeys.get(id)?.end === undefined)) continue;
		if (journeyMatches(catcher.filter, e.vector, kindsOf(ids, ring, journeys))) return s;
	}
	return -1;
}

/** The filter prompt's Enter in journey mode: which journeys stop. An error keeps the prompt open. */
export function applyJourneyFilter(store: DashboardStore): void {
	const {filter, error} = parseJourneyFilter(store.ui.filterDraft);
	if (error !== undefined) {
		store.ui.filterError = error;
		return done(store);
	}
	store.catcher.filter = filter;
	store.ui.filterEditing = false;
	store.ui.filterError = undefined;
	flash(store, filter ? `journey mode stops at: ${filter.text}` : 'journey mode stops at every journey');
}
