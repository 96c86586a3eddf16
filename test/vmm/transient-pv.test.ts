/**
 * The intransparent transient VMM (issue 18; docs/vmm.md "Transient VMM"): a pv
 * VMM attached under the kernel built with PV_SWITCH asks it, on the VMM status
 * port (docs/v32.md §5.5), for hypercalls; the kernel switches at its timer's
 * safe point and acknowledges; the detach is two-phase. A kernel without the
 * switch never acknowledges and runs the interval as trap-and-emulate.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import * as path from 'node:path';
import {expect, test, vi} from 'vitest';
import {scratchDir} from '../helpers/scratch.js';
import {runCommand} from '../../source/cli/run.js';
import {captureOutput} from '../helpers/capture.js';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {builtinProfiles} from '../../source/isa/profiles.js';
import {kernelSimulation} from '../../source/sim/kernel.js';
import type {TransientStep} from '../../source/sim/simulation.js';
import {VMM_MEMORY} from '../../source/vmm/build.js';
import {TransientSimulation} from '../../source/vmm/transient.js';
import {transientRunSummary, formatTransientRunSummary} from '../../source/cli/run-summary.js';
import {MEMORY, runTransient, workload} from './transient-helpers.js';

const SWITCH = 'samples/os/kernel-pv-switch.s';
const SCHEDULE: TransientStep[] = [{at: 8000, attach: 'pv'}, {at: 20000, detach: true}];

/** Every hypercall entry (reason `hypercall: …`) with the kernel's clock, and every write to the status port. */
function recorded() {
	const bus = new EventBus();
	const hypercalls: Array<{instret: number; reason: string}> = [];
	const acks: Array<{instret: number; value: number}> = [];
	bus.on('vmm.intercept', (e) => {
		if (e.reason.startsWith('hypercall: ')) hypercalls.push({instret: e.instret, reason: e.reason});
	});
	bus.on('io', (e) => {
		if (e.port === 0x30 && e.direction === 'out') acks.push({instret: e.instret, value: e.value});
	});
	return {bus, hypercalls, acks};
}

test('the PV_SWITCH kernel under a pv attach prints exactly what it prints natively, and made hypercalls meanwhile', () => {
	const native = runTransient([], {kernel: SWITCH});
	const {bus, hypercalls} = recorded();
	const pv = runTransient(SCHEDULE, {kernel: SWITCH, bus});
	expect(pv.output).toBe(native.output);
	expect(pv.output).toMatch(/all processes have exited/);
	expect(pv.stop).toBe(native.stop);
	// Both paths of every switch site are equally long: the kernel's clock is the native one.
	expect(pv.instret).toBe(native.instret);
	expect(hypercalls.length).toBeGreaterThan(0);
	const [a] = pv.sim.attachments;
	expect(a!.hypercalls).toBe(hypercalls.length);
	expect(new Set(hypercalls.map((h) => h.reason))).toContain('hypercall: out');
});

test('hypercalls come only between the acknowledged switches, and none after the detach', () => {
	const {bus, hypercalls, acks} = recorded();
	const pv = runTransient(SCHEDULE, {kernel: SWITCH, bus});
	const a = pv.sim.attachments[0]!;
	const [on, off] = a.consent!.switches;
	expect(on).toMatchObject({mode: 1});
	expect(off).toMatchObject({mode: 0});
	// The kernel consents at its first timer tick after the attach, within a time slice (2,000 instructions).
	expect(on!.instret).toBeGreaterThan(a.attachAt);
	expect(on!.instret).toBeLessThanOrEqual(a.attachAt + 2000 + 200);
	// Two-phase detach: the VMM announced the leave at 20000, the kernel switched back at its next tick,
	// then the VMM went once the kernel was back in a process (within the handler's few hundred instructions).
	expect(off!.instret).toBeGreaterThanOrEqual(20000);
	expect(off!.instret).toBeLessThanOrEqual(20000 + 2000 + 200);
	expect(a.detachAt).toBeGreaterThan(off!.instret);
	expect(a.detachAt).toBeLessThan(off!.instret + 1000);
	for (const h of hypercalls) {
		expect(h.instret).toBeGreaterThan(on!.instret);
		expect(h.instret).toBeLessThanOrEqual(off!.instret);
	}
	// The kernel acknowledges its mode at every tick; 1 only while attached (natively the write goes to an open bus).
	const inside = (k: {instret: number}) => k.instret > a.attachAt && k.instret <= a.detachAt!;
	expect(acks.filter((k) => k.value === 1).length).toBeGreaterThan(1);
	expect(acks.filter((k) => k.value === 1).every(inside)).toBe(true);
	expect(acks.filter((k) => !inside(k)).length).toBeGreaterThan(0);
	// Natively after the detach the kernel ran on: a hypercall then would be an `int 0x82` it does not serve (a panic).
	expect(pv.instret).toBeGreaterThan(a.detachAt! + 10000);
	expect(pv.output).not.toMatch(/panic|killed: #GP|int 130/i);
});

test("the kernel's flag pv_on flips at the acknowledged safe points, inside pv_switch_check", () => {
	const [kernel, ...users] = workload(undefined, SWITCH);
	const pvOn = kernel!.labels.get('pv_on')!;
	const bus = new EventBus();
	const native = kernelSimulation({kernel: kernel!, programs: users, memory: MEMORY, reserve: VMM_MEMORY, profile: builtinProfiles.classic!, bus});
	const sim = new TransientSimulation(native, MEMORY, SCHEDULE);
	const atDetach: Array<{supervisor: boolean; flag: number}> = [];
	bus.on('vmm.detach', () => atDetach.push({supervisor: sim.machine.supervisor, flag: flag()}));
	const flag = () => new DataView(sim.machine.mem.buffer, sim.machine.mem.byteOffset).getUint32(pvOn, true);
	sim.run(8000);
	sim.run(1);
	expect(sim.attached).toBeDefined();
	const consent = sim.attachments[0]!.consent!;
	// Attached: the kernel is asked, but it has not reached its safe point yet.
	expect(consent.switches).toEqual([]);
	expect(flag()).toBe(0);
	// One instruction at a time: the flag flips once, with the store just before the acknowledging `out`.
	let flippedAt = -1;
	while (consent.switches.length === 0 && sim.instret < 12000) {
		const was = flag();
		sim.run(1);
		if (was === 0 && flag() === 1) flippedAt = sim.instret;
	}
	const [on] = consent.switches;
	expect(on!.mode).toBe(1);
	expect(flippedAt).toBe(on!.instret - 1);
	expect(sim.symbolize(-1, true, on!.pc)).toMatch(/^pv_switch_set\+/);
	sim.run(19000 - sim.instret);
	expect(flag()).toBe(1);
	runHeadless(sim, {maxInstructions: 5_000_000, onOutput: () => {}});
	expect(sim.attached).toBeUndefined();
	expect(flag()).toBe(0);
	expect(consent.switches.map((k) => k.mode)).toEqual([1, 0]);
	// The VMM left with the kernel switched back and returned to a process.
	expect(atDetach).toEqual([{supervisor: false, flag: 0}]);
	expect(sim.symbolize(-1, true, consent.switches[1]!.pc)).toMatch(/^pv_switch_set\+/);
});

test('natively the PV_SWITCH kernel never switches: the status port is an open bus', () => {
	const [kernel] = workload(undefined, SWITCH);
	const {bus, acks, hypercalls} = recorded();
	const native = runTransient([], {kernel: SWITCH, bus});
	expect(new DataView(native.memory.buffer).getUint32(kernel!.labels.get('pv_on')!, true)).toBe(0);
	// It reads -1 at every tick, so it keeps acknowledging native mode, to a port with no device.
	expect(acks.length).toBeGreaterThan(10);
	expect(acks.every((k) => k.value === 0)).toBe(true);
	expect(hypercalls).toEqual([]);
});

test('a pv attach on the kernel without the switch degrades to trap-and-emulate, on schedule, and the summary says so', () => {
	const native = runTransient([]);
	const {bus, hypercalls} = recorded();
	const pv = runTransient(SCHEDULE, {bus});
	expect(pv.output).toBe(native.output);
	expect(pv.instret).toBe(native.instret);
	expect(hypercalls).toEqual([]);
	const a = pv.sim.attachments[0]!;
	expect(a.consent!.switches).toEqual([]);
	expect(a.entries).toBeGreaterThan(0);
	// No consent to wait for: the detach lands on its point.
	expect(a.detachAt).toBe(20000);
	const text = formatTransientRunSummary(transientRunSummary(pv.sim));
	expect(text).toMatch(/pv: the kernel never acknowledged on the VMM status port .*trap-and-emulate, 0 hypercalls/);
});

async function run(args: string[]): Promise<string> {
	let out = '';
	captureOutput({stdout: (text) => (out += text), stderr: () => {}});
	const code = await runCommand(args);
	vi.restoreAllMocks();
	expect(code).toBe(0);
	return out;
}

test('samples/scenarios/transient-pv.json: `vmtop run --headless` prints what the same kernel prints natively, and --json shows the hypercalls', async () => {
	const scenario = 'samples/scenarios/transient-pv.json';
	// Its native twin: the same scenario without the schedule (paths made absolute, in a scratch folder).
	const spec = JSON.parse(readFileSync(scenario, 'utf8'));
	const here = path.dirname(path.resolve(scenario));
	const twin = path.join(scratchDir('transient-pv'), 'native.json');
	delete spec.transient;
	spec.kernel = path.resolve(here, spec.kernel);
	spec.programs = spec.programs.map((p: string) => path.resolve(here, p));
	writeFileSync(twin, JSON.stringify(spec));
	const native = JSON.parse(await run([twin, '--headless', '--json']));
	const pv = JSON.parse(await run([scenario, '--headless', '--json']));
	expect(native.vmm).toBeUndefined();
	expect(pv.output).toBe(native.output);
	expect(pv.output).toMatch(/all processes have exited/);
	expect(pv.instructions).toBe(native.instructions);
	const [i] = pv.vmm.intervals;
	expect(i).toMatchObject({technique: 'pv', attachAt: 20000});
	expect(i.hypercalls).toBeGreaterThan(0);
	expect(i.switches.map((k: {mode: number}) => k.mode)).toEqual([1, 0]);
	expect(i.detachAt).toBeGreaterThan(i.switches[1].instret);
	const text = await run([scenario, '--headless']);
	expect(text).toMatch(/^ +pv: intransparent — the kernel switched to hypercalls at \d+, switched back to native instructions at \d+; \d+ hypercalls$/m);
});

test('a pv interval is recorded and replayed: the rerun agrees, hypercalls included, none after the detach', async () => {
	const {recordCommand} = await import('../../source/cli/record.js');
	const {replayCommand} = await import('../../source/cli/replay.js');
	const trace = path.join(scratchDir('transient-pv'), 't.vmtrace');
	captureOutput({stdout: () => {}, stderr: () => {}});
	expect(await recordCommand(['samples/scenarios/transient-pv.json', '-o', trace])).toBe(0);
	vi.restoreAllMocks();
	const events = readFileSync(trace, 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('{'))
		.map((l) => JSON.parse(l) as {kind: string; instret?: number; technique?: string});
	const detach = events.find((e) => e.kind === 'vmm.detach');
	expect(detach).toMatchObject({technique: 'pv'});
	const hypercalls = events.filter((e) => e.kind === 'vmm.hypercall');
	expect(hypercalls.length).toBeGreaterThan(0);
	expect(hypercalls.every((e) => e.instret! < detach!.instret!)).toBe(true);
	let out = '';
	captureOutput({stdout: (t) => (out += t), stderr: (t) => (out += t)});
	const code = await replayCommand([trace, '--verify']);
	vi.restoreAllMocks();
	expect(out).toMatch(/the rerun agrees with the trace: [\d,]+ events compared, no difference/);
	expect(code).toBe(0);
});
