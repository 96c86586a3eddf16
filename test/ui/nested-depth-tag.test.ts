/**
 * Issue 17 §2: the dashboard tags a nested run's VMM rows with their level —
 * `L1/2`: the level-1 VMM (on the real machine) of a stack of two.
 */
import {describe, expect, test} from 'vitest';
import type {EventOf, VmEvent} from '../../source/bus/events.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {loadScenario} from '../../source/scenario/scenario.js';
import type {Simulation} from '../../source/sim/simulation.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {formatRow, nestedDepthTag} from '../../source/ui/store/format-row.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

function firstEvents(sim: Simulation, kind: 'vmm.intercept' | 'exception.raised', n = 3): VmEvent[] {
	const got: VmEvent[] = [];
	const off = sim.bus.on(kind, (e) => void (got.length < n && got.push(e as VmEvent)));
	while (got.length < n && !sim.stopped) sim.run(1000);
	off();
	return got;
}

function storeOf(sim: Simulation): DashboardStore {
	const sched = new ManualScheduler();
	return new DashboardStore(new LiveDriver(sim, {paused: true, scheduler: sched}), {scheduler: sched});
}

describe('depth tags on VMM rows', () => {
	test('depth 2 (--vmm trap): vmtop\'s VMM rows are level 1 of 2', () => {
		const sim = buildSimulation({...loadScenario('samples/scenarios/nested-1.json'), vmm: 'trap'});
		expect(sim.description.nesting).toEqual(['vmtop trap', 'mini-vmm.s']);
		const store = storeOf(sim);
		const [e] = firstEvents(sim, 'vmm.intercept');
		expect(formatRow(e!, Number.NaN, store.namer).vmm).toMatch(/^\[L1\/2\] intercept /);
	});

	test('depth 2′ on the bare machine: each real exception is an exit of the level-1 mini-vmm', () => {
		const sim = buildSimulation(loadScenario('samples/scenarios/nested-2.json'));
		expect(sim.description.nesting).toEqual(['mini-vmm.s', 'mini-vmm.s']);
		const store = storeOf(sim);
		const [e] = firstEvents(sim, 'exception.raised');
		expect(formatRow(e!, Number.NaN, store.namer).exception).toMatch(/raised.* \[L1\/2\]$/);
	});

	test('a run without a nested stack has no tag', () => {
		const sim = buildSimulation({...loadScenario('samples/scenarios/default.json'), vmm: 'trap'});
		const [e] = firstEvents(sim, 'vmm.intercept');
		expect(nestedDepthTag(sim.description, e!)).toBeUndefined();
		expect(formatRow(e!, Number.NaN, storeOf(sim).namer).vmm).toMatch(/^intercept /);
		const bare = buildSimulation(loadScenario('samples/scenarios/default.json'));
		const [raised] = firstEvents(bare, 'exception.raised') as Array<EventOf<'exception.raised'>>;
		expect(raised!.kind).toBe('exception.raised');
		expect(formatRow(raised!, Number.NaN, storeOf(bare).namer).exception).not.toContain('[L');
	});
});
