/**
 * The journey-mode part of a snapshot: the walk of the journey caught, the
 * step shown, whether the run is on its way to the next one. The walk of a
 * caught journey never changes: it is built once and kept.
 */
import {vectorName} from '../../isa/opcodes.js';
import type {DashboardStore} from './dashboard-store.js';
import {type WalkStep, journeyWalk} from './journey-walk.js';
import type {JourneyWalkView, Snapshot} from './snapshot.js';

const cache = new WeakMap<DashboardStore, {seq: number; generation: number; steps: WalkStep[]}>();

export function walkView(store: DashboardStore): Pick<Snapshot, 'journeyWalk' | 'legend' | 'lecture'> {
	const {ui} = store;
	const out: Pick<Snapshot, 'journeyWalk' | 'legend' | 'lecture'> = {legend: ui.legend, lecture: ui.lecture};
	if (!ui.journeyMode) return out;
	out.journeyWalk = walkOf(store);
	return out;
}

/** The steps of the journey at `seq` (cached: a caught journey has ended, its walk is final). */
export function stepsAt(store: DashboardStore, seq: number): WalkStep[] {
	const hit = cache.get(store);
	if (hit && hit.seq === seq && hit.generation === store.source.generation) return hit.steps;
	const d = store.source.description;
	const steps = journeyWalk(store.ring, store.journeys, seq, store.namer, {vmm: d.vmm, isa: d.isa, type: d.type}) ?? [];
	cache.set(store, {seq, generation: store.source.generation, steps});
	return steps;
}

function walkOf(store: DashboardStore): JourneyWalkView {
	const {ui, catcher, ring} = store;
	const d = store.source.description;
	const seq = catcher.caught;
	const raised = seq === null ? undefined : ring.get(seq);
	const base = {
		filter: catcher.filter?.text ?? '',
		running: catcher.armed,
		showVmm: d.vmm !== 'none',
		showHost: d.type === 2,
	};
	if (raised?.kind === 'instruction') {
		const steps = stepsAt(store, seq!);
		return {...base, journey: null, continuation: null, title: 'a sensitive instruction ran directly (no exception)', steps, step: Math.min(ui.walkStep, Math.max(0, steps.length - 1))};
	}
	if (seq === null || raised?.kind !== 'exception.raised') {
		return {...base, journey: null, continuation: null, title: '', steps: [], step: 0};
	}
	const steps = stepsAt(store, seq);
	const j = raised.journey === undefined ? undefined : store.journeys.get(raised.journey);
	return {
		...base,
		journey: raised.journey ?? null,
		continuation: j?.end?.next ?? null,
		title: `${vectorName(raised.vector)}${raised.type ? ` (${raised.type})` : ''}`,
		steps,
		step: Math.min(ui.walkStep, Math.max(0, steps.length - 1)),
	};
}
