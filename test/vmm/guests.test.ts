/** Several guests: partitioning in space and in time (world switches on the real timer). */
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {VMM_MEMORY} from '../../source/vmm/build.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {sampleScenario} from './helpers.js';

test('two guests each finish with their own output; the VMM switched worlds between them', () => {
	const bus = new EventBus();
	let switches = 0;
	const consoleGuests = new Set<number>();
	bus.on('vmm.worldswitch', () => switches++);
	bus.on('console', (e) => consoleGuests.add(e.guest));
	const sim = buildVmmScenario(
		sampleScenario('default', {
			vmm: 'trap',
			vms: [
				{name: 'left', programs: sampleScenario('default').programs.filter((p) => /hello|counter/.test(p)), input: ''},
				{name: 'right', programs: sampleScenario('hanoi').programs, input: '3\n'},
			],
		}),
		{bus},
	);
	let output = '';
	runHeadless(sim, {onOutput: (t) => (output += t)});
	expect(sim.stopped!.reason).toBe('poweroff');
	expect(switches).toBeGreaterThan(2);
	expect(sim.monitor.scheduler.switches).toBe(switches);
	expect([...consoleGuests].sort()).toEqual([0, 1]);
	const [left, right] = sim.guestList;
	expect(left!.vcpu.outputText()).toMatch(/hello from pid 1/);
	expect(left!.vcpu.outputText()).not.toMatch(/step/);
	expect(right!.vcpu.outputText()).toMatch(/7\. step: move disk 1 from rod 1 to rod 3/);
	expect(right!.vcpu.outputText()).not.toMatch(/hello/);
	// Lines stay whole, tagged with their guest, in the order they were completed.
	expect(output).toMatch(/^\[vm0\] hello from pid 1$/m);
	expect(output).toMatch(/^\[vm1\] +1\. step: move disk 1 from rod 1 to rod 3$/m);
	const report = measureProperties(sim);
	expect(report.equivalence.verdict).toBe('equivalent');
	expect(report.perGuest.map((g) => g.entries).every((n) => n > 0)).toBe(true);
	// Each in its own partition of the real memory.
	// Two partitions, then the VMM's own memory (its IDT).
	expect(sim.machine.memorySize).toBe(2 * sim.guestList[0]!.partition.size + VMM_MEMORY);
	expect(right!.partition.base).toBe(left!.partition.size);
});

test('vms: 3 copies of the default scenario, under bt: per-guest exit tables, all equivalent', () => {
	const run = statsRun(sampleScenario('default', {vmm: 'bt', vms: 3}));
	expect(run.guests).toBe(3);
	expect(run.exitsByGuest.map((g) => g.guest)).toEqual([0, 1, 2]);
	expect(run.properties.equivalence.guests.map((g) => g.verdict)).toEqual(['equivalent', 'equivalent', 'equivalent']);
	expect(run.output.match(/^\[vm2\] \[kernel\] all processes have exited: power off$/m)).not.toBeNull();
});
