/** Journeys of a run, as the core reports them (cpu/journey.ts), and the checks every run must pass. */
import {EventBus} from '../../source/bus/event-bus.js';
import {type EventOf, type VmEvent, eventKinds} from '../../source/bus/events.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import type {Scenario} from '../../source/scenario/scenario.js';
import {costTotal} from '../../source/stats/journey-log.js';

export interface JourneyRun {
	events: VmEvent[];
	ends: Array<EventOf<'journey.end'>>;
	cycles: number;
}

/** Run a scenario with every event but `instruction` recorded (`slice`: the VMM's time slice, to force world switches). */
export function journeyRun(scenario: Scenario, maxInstructions: number, slice?: number): JourneyRun {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	bus.onMany(
		eventKinds.filter((k) => k !== 'instruction'),
		(e) => events.push(e),
	);
	const sim = scenario.vmm !== 'none' && slice !== undefined ? buildVmmScenario(scenario, {bus, slice}) : buildSimulation(scenario, {bus});
	runHeadless(sim, {maxInstructions});
	const ends = events.filter((e): e is EventOf<'journey.end'> => e.kind === 'journey.end');
	return {events, ends, cycles: sim.machine.cycles};
}

/** Everything that must hold of the journeys of any run; returns the first problem, or null. */
export function journeyProblems(run: JourneyRun): string | null {
	const byId = new Map(run.ends.map((e) => [e.journey, e]));
	const opened = run.events.filter((e) => e.kind === 'exception.raised' && e.journey !== undefined);
	// Ids run from 1 without gaps, and every journey ends (the stop ends those still open).
	for (let id = 1; id <= byId.size; id++) if (!byId.has(id)) return `journey ${id} never ended (${byId.size} ended)`;
	for (const e of opened) if (!byId.has(e.journey!)) return `journey ${e.journey} opened by exception.raised never ended`;
	const nested = new Map<number, number>();
	for (const end of run.ends) {
		const span = end.cycle - end.start.cycle;
		const sum = costTotal(end.cost);
		if (sum !== span) return `journey ${end.journey}: parts ${JSON.stringify(end.cost)} add up to ${sum}, not ${span}`;
		for (const v of Object.values(end.cost)) if (v! < 0) return `journey ${end.journey}: a negative part ${JSON.stringify(end.cost)}`;
		if (end.parent !== null) {
			const parent = byId.get(end.parent);
			if (!parent) return `journey ${end.journey}: parent ${end.parent} unknown`;
			if (end.start.cycle < parent.start.cycle || end.cycle > parent.cycle) return `journey ${end.journey} is not inside its parent ${end.parent}`;
			nested.set(end.parent, (nested.get(end.parent) ?? 0) + span);
		}
		if (end.virtual && (end.cause === null || byId.get(end.cause)?.cycle !== end.start.cycle)) {
			return `virtual journey ${end.journey} does not start where its real exception ${end.cause} ended`;
		}
	}
	for (const end of run.ends) {
		if ((end.cost.nested ?? 0) !== (nested.get(end.journey) ?? 0)) {
			return `journey ${end.journey}: nested part ${end.cost.nested ?? 0}, its children took ${nested.get(end.journey) ?? 0}`;
		}
	}
	// Every event stamped with a journey falls inside it.
	for (const e of run.events) {
		if (e.journey === undefined || e.kind === 'journey.end') continue;
		const j = byId.get(e.journey);
		if (!j) return `${e.kind} names journey ${e.journey}, which never ended`;
		if (e.cycle < j.start.cycle || e.cycle > j.cycle) return `${e.kind} at cycle ${e.cycle} is outside journey ${e.journey}`;
	}
	return null;
}
