/** The VMM level's events, and the guest OS level seen through them. */
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {sampleScenario} from './helpers.js';

function record(vmm: 'trap' | 'bt' | 'pv', vms = 1) {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	bus.onMany(['vmm.intercept', 'vmm.emulate', 'vmm.reflect', 'vmm.hypercall', 'vmm.resume', 'vmm.worldswitch', 'os.syscall', 'exception.delivered', 'iret'], (e) => events.push(e));
	const sim = buildVmmScenario(sampleScenario('default', {vmm, vms}), {bus});
	runHeadless(sim);
	return {sim, events};
}

test('each entry: intercept (reason), its action, resume (cost) — stamped with the guest', () => {
	const {events} = record('trap');
	const first = events.findIndex((e) => e.kind === 'vmm.intercept' && e.reason === 'privileged: lidt');
	expect(events.slice(first, first + 3).map((e) => e.kind)).toEqual(['vmm.intercept', 'vmm.emulate', 'vmm.resume']);
	const emulate = events[first + 1] as Extract<VmEvent, {kind: 'vmm.emulate'}>;
	expect(emulate.mnemonic).toBe('lidt');
	expect(emulate.effect).toMatch(/^idt ← 0x/);
	const resume = events[first + 2] as Extract<VmEvent, {kind: 'vmm.resume'}>;
	expect(resume.cost).toBe(1100); // round trip + one emulated instruction
	const cli = events.find((e) => e.kind === 'vmm.emulate' && e.mnemonic === 'cli');
	expect(cli).toMatchObject({effect: expect.stringMatching(/^IF [01]→0$/)});
	expect(events.every((e) => e.guest === 0)).toBe(true);
});

test('a system call is reflected into the guest kernel: a virtual delivery the OS observer sees', () => {
	const {events} = record('bt');
	const i = events.findIndex((e) => e.kind === 'vmm.intercept' && e.reason === 'exception: int 0x80');
	expect(events[i + 1]).toMatchObject({kind: 'vmm.reflect', vector: 0x80, symbol: 'syscall_entry'});
	expect(events[i + 2]).toMatchObject({kind: 'exception.delivered', vector: 0x80, fromSupervisor: false, guest: 0});
	expect(events[i + 3]).toMatchObject({kind: 'os.syscall', guest: 0});
	expect(events.some((e) => e.kind === 'os.syscall' && e.name === 'write' && e.guest === 0)).toBe(true);
	expect(events.some((e) => e.kind === 'iret' && !e.toSupervisor && e.guest === 0)).toBe(true);
});

test('pv: hypercall events; with two guests, world switches and each guest its own OS level', () => {
	const {events} = record('pv', 2);
	expect(events.some((e) => e.kind === 'vmm.hypercall')).toBe(true);
	const switches = events.filter((e) => e.kind === 'vmm.worldswitch');
	expect(switches.length).toBeGreaterThan(0);
	expect(switches.some((e) => e.kind === 'vmm.worldswitch' && e.from === 0 && e.to === 1)).toBe(true);
	const syscallGuests = new Set(events.filter((e) => e.kind === 'os.syscall').map((e) => e.guest));
	expect([...syscallGuests].sort()).toEqual([0, 1]);
});

test('traced (an instruction subscriber) and in odd batches, the run is the same: guest time does not depend on slicing', () => {
	const bus = new EventBus();
	let instructions = 0;
	bus.on('instruction', () => instructions++);
	const sim = buildVmmScenario(sampleScenario('pentium', {vmm: 'bt'}), {bus});
	runHeadless(sim, {batch: 777});
	const report = measureProperties(sim);
	expect(instructions).toBeGreaterThan(300_000);
	expect(report.equivalence.verdict).toBe('equivalent');
	expect(report.entries).toBe(statsRun(sampleScenario('pentium', {vmm: 'bt'})).properties.entries);
});
