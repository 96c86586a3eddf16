/**
 * The dashboard names code by where it really is. Under a VMM the guest kernel
 * runs in real user mode, so the CPU's mode cannot say whose code an
 * instruction is: the rows must still name guest-kernel code by the kernel's
 * labels and a process's code by its program's — for every technique, every
 * guest, as the native run names the same guest-physical address.
 */
import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {type Program, Symbolizer} from '../../source/isa/program.js';
import {buildImage} from '../../source/os/loader.js';
import {assembleAll, buildSimulation} from '../../source/scenario/build.js';
import type {Scenario} from '../../source/scenario/scenario.js';
import type {Simulation, VmmTechnique} from '../../source/sim/simulation.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {cooperation} from '../../source/ui/store/cooperation.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {formatRow} from '../../source/ui/store/format-row.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** The default scenario run to its end on a dashboard store that keeps every row. */
function runOnDashboard(scenario: Scenario) {
	const sim = buildSimulation(scenario);
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched, historySize: 1 << 20});
	while (!sim.stopped) sim.run(100_000);
	const cells = (seq: number) => store.ring.cellsOf(seq, (e, phys) => formatRow(e, phys, store.namer))!;
	const dispose = () => {
		store.dispose();
		driver.dispose();
	};
	return {sim, store, cells, dispose};
}

/** `U/vS schedule+0x8  ld …` (or `before U …`) → the real mode and name (and the virtual mode under a VMM). */
function where(cpu: string): {mode: string; name: string} {
	return whereBoth(cpu).real;
}

function whereBoth(cpu: string): {real: {mode: string; name: string}; virtual?: string} {
	const m = /^(?:before )?([US])(?:\/v([US]))? (\S+)/.exec(cpu);
	if (!m) throw new Error(`not an instruction cell: ${cpu}`);
	return {real: {mode: m[1]!, name: m[3]!}, ...(m[2] === undefined ? {} : {virtual: m[2]})};
}

const label = (name: string): string => name.replace(/\+0x[0-9a-f]+$/, '');

/** What the loader puts where in one guest's memory: the kernel at 0, program i in region i. */
function layout(scenario: Scenario, pv: boolean) {
	const [kernel, ...programs] = assembleAll([scenario.kernel, ...scenario.programs]);
	const run = pv ? assembleAll([scenario.kernel], {PV: 1})[0]! : kernel!;
	const regions = buildImage(run, programs, scenario.memory).regions;
	/** The program whose image holds guest-physical `gp`, and where in it. */
	const locate = (gp: number): {program: Program; offset: number} | undefined => {
		if (gp < run.bytes.length) return {program: run, offset: gp};
		const r = regions.find((r) => gp >= r.base && gp < r.base + r.program.bytes.length);
		return r && {program: r.program, offset: gp - r.base};
	};
	return {kernel: run, programs, locate};
}

/** Native names by physical address, the old way: by mode and the process running at that moment. */
function nativeNames(): Map<number, string> {
	const sim: Simulation = buildSimulation(sampleScenario('default', {vmm: 'none'}));
	const names = new Map<number, string>();
	sim.bus.on('instruction', (e) => {
		if (!names.has(e.phys)) names.set(e.phys, sim.symbolize(e.guest, e.supervisor, e.pc));
	});
	while (!sim.stopped) sim.run(100_000);
	return names;
}

const configs: Array<[VmmTechnique, number]> = [
	['none', 1],
	['trap', 1],
	['trap', 2],
	['bt', 2],
	['pv', 1],
	['pv', 2],
];

describe('instruction rows name the code that really runs', () => {
	const native = nativeNames();

	test.each(configs)('vmm %s, %i guest(s)', (vmm, vms) => {
		const scenario = sampleScenario('default', {vmm, vms});
		const {kernel, locate} = layout(scenario, vmm === 'pv');
		const {sim, store, cells, dispose} = runOnDashboard(scenario);
		const size = scenario.memory;
		const seen = new Set<string>();
		const kernelLabels = new Set<string>();
		let compared = 0;
		for (let seq = store.ring.first; seq < store.ring.end; seq++) {
			const e = store.ring.get(seq)!;
			if (e.kind !== 'instruction' && e.kind !== 'exception.raised') continue;
			const phys = store.ring.physOf(seq);
			if (!Number.isFinite(phys) || seen.has(`${e.kind} ${phys}`)) continue;
			seen.add(`${e.kind} ${phys}`);
			const both = whereBoth(cells(seq).cpu);
			const {mode, name} = both.real;
			// The marker is the real CPU mode: under a VMM everything the guest runs is user mode.
			expect(mode).toBe(e.supervisor ? 'S' : 'U');
			const gp = phys - Math.max(0, e.guest) * size;
			const program = locate(gp)?.program;
			expect(program, `${e.kind} at ${phys.toString(16)}`).toBeDefined();
			// Beside it the guest's virtual mode (issue 16 §2): its kernel believes it runs in supervisor mode.
			expect(both.virtual, cells(seq).cpu).toBe(vmm === 'none' ? undefined : program === kernel ? 'S' : 'U');
			expect(program!.labels.has(label(name)), `${name} at guest-physical ${gp.toString(16)} is not a label of ${program!.file}`).toBe(true);
			if (program === kernel) kernelLabels.add(label(name));
			// The same guest-physical address reads the same as natively (pv: only the processes, its kernel is another build).
			const expected = native.get(gp);
			if (e.kind === 'instruction' && expected !== undefined && (vmm !== 'pv' || program !== kernel)) {
				expect(name, `guest-physical ${gp.toString(16)}`).toBe(expected);
				compared++;
			}
		}
		expect(compared).toBeGreaterThan(300);
		for (const l of ['schedule', 'syscall_entry', 'sys_write', 'power_off']) expect(kernelLabels).toContain(l);
		expect(sim.stopped?.reason).toBe('poweroff');
		dispose();
	});

	test('under trap-and-emulate the guest kernel’s `out 0xf0` is power_off’s, in user mode', () => {
		const {store, cells, dispose} = runOnDashboard(sampleScenario('default', {vmm: 'trap'}));
		const rows: string[] = [];
		for (let seq = store.ring.first; seq < store.ring.end; seq++) {
			const e = store.ring.get(seq)!;
			if (e.kind === 'exception.raised' && cells(seq).cpu.includes('out 0xf0')) rows.push(cells(seq).cpu);
		}
		expect(rows.length).toBeGreaterThan(0);
		// Real mode U, virtual mode S; the instruction appears once, on the exception's row: it trapped.
		for (const row of rows) expect(row).toMatch(/^U\/vS power_off(\+0x[0-9a-f]+)? {2}out 0xf0, r1 \(trapped\)$/);
		dispose();
	});
});

describe('the other columns', () => {
	test('vertical cooperation names a guest-kernel fault and a process’s system call by their own labels', () => {
		const scenario = sampleScenario('default', {vmm: 'trap'});
		const {kernel, locate} = layout(scenario, false);
		const {sim, store, dispose} = runOnDashboard(scenario);
		const found = {kernel: 0, process: 0};
		for (let seq = store.ring.first; seq < store.ring.end && (found.kernel < 5 || found.process < 5); seq++) {
			const e = store.ring.get(seq)!;
			if (e.kind !== 'exception.raised') continue;
			const at = locate(store.ring.physOf(seq))!;
			// A privileged instruction of the guest kernel (#GP to the VMM), a process's system call.
			const kind = e.vector === 13 && at.program === kernel ? 'kernel' : e.vector === 0x80 && at.program !== kernel ? 'process' : undefined;
			if (!kind || found[kind] >= 5) continue;
			const step1 = where(cooperation(store.ring, store.journeys, seq, store.namer, sim.description.costs.instruction)!.steps[0]!.what);
			expect(step1).toEqual({mode: 'U', name: new Symbolizer(at.program.labels).name(at.offset)});
			found[kind]++;
		}
		expect(found).toEqual({kernel: 5, process: 5});
		dispose();
	});

	test.each(['none', 'trap'] as const)('os.return names the process it returns to, whoever runs when the row is drawn (vmm %s)', (vmm) => {
		const scenario = sampleScenario('default', {vmm});
		const {programs} = layout(scenario, false);
		const {store, cells, dispose} = runOnDashboard(scenario);
		// One row per pid and place it returns to (the first is each program's `_start`: a name they share).
		const returns = new Map<string, {seq: number; e: Extract<VmEvent, {kind: 'os.return'}>}>();
		for (let seq = store.ring.first; seq < store.ring.end; seq++) {
			const e = store.ring.get(seq)!;
			if (e.kind === 'os.return' && !returns.has(`${e.pid} ${e.pc}`)) returns.set(`${e.pid} ${e.pc}`, {seq, e});
		}
		expect(new Set([...returns.values()].map((r) => r.e.pid))).toEqual(new Set([1, 2, 3, 4]));
		// Formatted only now, after the run, when another process (or none) is the running one.
		for (const {seq, e} of returns.values()) {
			const name = new Symbolizer(programs[e.pid - 1]!.labels).name(e.pc);
			expect(cells(seq).os).toBe(`return to pid ${e.pid} @ ${name}`);
		}
		dispose();
	});

	test.each(['none', 'trap', 'pv'] as const)('an iret to user mode names the process it returns to, whoever runs when the row is drawn (vmm %s)', (vmm) => {
		const scenario = sampleScenario('default', {vmm});
		const {programs} = layout(scenario, vmm === 'pv');
		const {store, cells, dispose} = runOnDashboard(scenario);
		// Each iret to user mode is followed by the OS observer's os.return naming the pid.
		let checked = 0;
		const pids = new Set<number>();
		for (let seq = store.ring.first; seq < store.ring.end - 1; seq++) {
			const e = store.ring.get(seq)!;
			if (e.kind !== 'iret' || e.toSupervisor) continue;
			const next = store.ring.get(seq + 1)!;
			if (next.kind !== 'os.return') continue;
			const name = new Symbolizer(programs[next.pid - 1]!.labels).name(e.to);
			expect(cells(seq).exception).toBe(`iret → U ${name}`);
			pids.add(next.pid);
			checked++;
		}
		expect(pids).toEqual(new Set([1, 2, 3, 4]));
		expect(checked).toBeGreaterThan(20);
		dispose();
	});
});
