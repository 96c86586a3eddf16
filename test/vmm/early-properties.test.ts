import {expect, test} from 'vitest';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {JUDGE_AFTER_INSTRUCTIONS, liveProperties} from '../../source/vmm/live-properties.js';
import {sampleScenario} from './helpers.js';

const value = (lines: {label: string; value: string}[], label: string) => lines.find((l) => l.label === label)!.value;

test('issue 16 bug 7: with one VMM entry (--vmm bt) efficiency and effectiveness say "too early", not 50.00%', () => {
	const sim = buildVmmScenario(sampleScenario('pentium', {vmm: 'bt'}));
	while (sim.monitor.entries < 1) sim.run(1);
	const early = liveProperties(sim)!;
	expect(value(early, 'VMM entries')).toBe('1');
	expect(value(early, 'efficiency')).toMatch(/^— too early: \d+ guest instructions so far \(judged after 1,000\)$/);
	expect(value(early, 'effectiveness')).toMatch(/^— too early/);
	expect(value(early, 'efficiency')).not.toMatch(/%/);
	// Once there is enough to judge, the figures come back.
	while (sim.guestList.reduce((s, g) => s + g.vcpu.instret, 0) < JUDGE_AFTER_INSTRUCTIONS && !sim.stopped) sim.run(100);
	const later = liveProperties(sim)!;
	expect(value(later, 'efficiency')).toMatch(/^\d+\.\d\d% of guest instr\. ran directly$/);
	expect(value(later, 'effectiveness')).toMatch(/^≈ \d\.\d{3} /);
});

test('resource control counts in words that agree with the number, short enough for the panel at 120×35', () => {
	const sim = buildVmmScenario(sampleScenario('default', {vmm: 'trap'}));
	const attempts = () => sim.guestList.reduce((s, g) => s + g.resource.attempts().reduce((n, a) => n + a.count, 0), 0);
	while (attempts() < 1 && !sim.stopped) sim.run(1);
	expect(value(liveProperties(sim)!, 'resource control')).toBe('so far: 1 operation, all virtualized');
	while (attempts() < 2 && !sim.stopped) sim.run(1);
	expect(value(liveProperties(sim)!, 'resource control')).toBe('so far: 2 operations, all virtualized');
});
