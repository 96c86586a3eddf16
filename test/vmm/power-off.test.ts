/**
 * The end of a trap-and-emulate run: the guest's power-off is said once, the
 * VMM does not resume the guest it stopped, and the real machine's stop says
 * what it is (issue 16 §5.10).
 */
import {describe, expect, test} from 'vitest';
import {eventKinds, type VmEvent} from '../../source/bus/events.js';
import {buildRun} from '../../source/driver/run-factory.js';
import {measureProperties} from '../../source/vmm/properties.js';
import type {VmmSimulation} from '../../source/vmm/vmm-simulation.js';

function tail(vmm: 'trap' | 'bt' | 'pv' | 'hvm', vms = 1): VmEvent[] {
	const {sim} = buildRun({flags: {vmm, vms}, live: false});
	const seen: VmEvent[] = [];
	sim.bus.onMany(
		eventKinds.filter((k) => k !== 'instruction'),
		(e) => {
			seen.push(e);
			if (seen.length > 40) seen.shift();
		},
	);
	for (let i = 0; i < 10_000 && !sim.stopped; i++) sim.run(1_000_000);
	expect(sim.stopped?.reason).toBe('poweroff');
	return seen;
}

describe('the end of a run under a VMM', () => {
	test.each(['trap', 'pv', 'hvm'] as const)('--vmm %s: one power-off per guest, no resume after it, the machine’s stop distinct', (vmm) => {
		const events = tail(vmm);
		const guestStop = events.findIndex((e) => e.kind === 'stop' && e.guest === 0);
		expect(guestStop).toBeGreaterThanOrEqual(0);
		const after = events.slice(guestStop + 1);
		expect(after.filter((e) => e.kind === 'vmm.resume' && e.guest === 0)).toEqual([]);
		const stops = events.filter((e): e is Extract<VmEvent, {kind: 'stop'}> => e.kind === 'stop');
		expect(stops.map((s) => s.guest)).toEqual([0, -1]);
		expect(stops[0]!.message).toBe('powered off with code 0');
		expect(stops[1]!.message).toBe('the only guest powered off with code 0');
	});
});

describe('the power check counts in words that agree with the number', () => {
	test.each([
		[1, '1 guest powered off its virtual machine; the real machine stopped only when no guest was left'],
		[2, '2 guests powered off their virtual machines; the real machine stopped only when no guest was left'],
	] as const)('%i guest(s)', (vms, detail) => {
		const {sim} = buildRun({flags: {vmm: 'trap', vms}, live: false});
		for (let i = 0; i < 10_000 && !sim.stopped; i++) sim.run(1_000_000);
		const power = measureProperties(sim as VmmSimulation).resourceControl.checks.find((c) => c.name === 'power');
		expect(power?.detail).toBe(detail);
	});
});
