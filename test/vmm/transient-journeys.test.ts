/**
 * Journeys stay whole across a transient VMM's attach and detach: every part of
 * every journey is ≥ 0 and the parts add up to its span — also for a journey open
 * across the detach (the kernel in a handler when its clock is re-based).
 */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {type EventOf, type VmEvent, eventKinds} from '../../source/bus/events.js';
import type {TransientStep, TransientTechnique} from '../../source/sim/simulation.js';
import {journeyProblems} from '../journeys/helpers.js';
import {runTransient} from './transient-helpers.js';

function journeysOf(steps: TransientStep[]): string | null {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	bus.onMany(eventKinds, (e) => void events.push(e));
	const t = runTransient(steps, {bus});
	const ends = events.filter((e): e is EventOf<'journey.end'> => e.kind === 'journey.end');
	return journeyProblems({events, ends, cycles: t.sim.machine.cycles});
}

const schedule = (technique: TransientTechnique) =>
	fc.uniqueArray(fc.integer({min: 0, max: 32_000}), {minLength: 2, maxLength: 4}).map((points): TransientStep[] =>
		[...points].sort((a, b) => a - b).map((at, i) => (i % 2 === 0 ? {at, attach: technique} : {at, detach: true})),
	);

for (const technique of ['trap', 'bt', 'hvm'] as const) {
	test(`${technique}: 40 random schedules, every journey's parts ≥ 0 and adding up to its span`, () => {
		fc.assert(
			fc.property(schedule(technique), (steps) => {
				expect(journeysOf(steps)).toBeNull();
			}),
			{numRuns: 40, seed: {trap: 7, bt: 77, hvm: 777}[technique]},
		);
	}, 120_000);
}
