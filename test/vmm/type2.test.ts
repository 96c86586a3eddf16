/** Type II: every intercept passes through the host OS first — its own level in the events, and its cost. */
import {expect, test} from 'vitest';
import {statsRun} from '../../source/cli/stats-run.js';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {sampleScenario} from './helpers.js';

test('Type II shows host-OS passes for every VMM entry and costs hostOs more per entry than Type I', () => {
	const one = statsRun(sampleScenario('default', {vmm: 'trap', type: 1}));
	const two = statsRun(sampleScenario('default', {vmm: 'trap', type: 2}));
	expect(one.hostOs).toBeUndefined();
	expect(two.hostOs!.passes).toBe(two.properties.entries);
	expect(two.properties.entries).toBe(one.properties.entries);
	expect(two.cycles - one.cycles).toBe(2000 * two.properties.entries);
	expect(two.properties.effectiveness.ratio).toBeLessThan(one.properties.effectiveness.ratio);
	// The host's share shows in every reason's mean cost.
	const mean = (run: typeof one, reason: string) => run.exits.find((r) => r.reason === reason)!.meanCycles;
	expect(mean(two, 'privileged: cli') - mean(one, 'privileged: cli')).toBe(2000);
	expect(two.properties.equivalence.verdict).toBe('equivalent');
});

test('host.enter / host.exit bracket the host OS pass, stamped with the guest', () => {
	const bus = new EventBus();
	const seen: string[] = [];
	bus.onMany(['vmm.intercept', 'host.enter', 'host.exit', 'vmm.resume'], (e) => {
		if (seen.length < 8) seen.push(`${e.kind}:${e.guest}`);
	});
	const sim = buildVmmScenario(sampleScenario('default', {vmm: 'pv', type: 2}), {bus});
	runHeadless(sim, {maxInstructions: 100_000});
	expect(seen.slice(0, 4)).toEqual(['vmm.intercept:0', 'host.enter:0', 'host.exit:0', 'vmm.resume:0']);
});
