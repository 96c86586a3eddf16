/**
 * The cooperation panel reads journeys (issue 12): the lecture's five steps for
 * a native exception, the two interpretations for a guest exception, and costs
 * that add up to the total line, which is the cycle counter's change.
 */
import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {buildSimulation} from '../../source/scenario/build.js';
import type {Scenario} from '../../source/scenario/scenario.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {type CooperationView, cooperation} from '../../source/ui/store/cooperation.js';
import {cooperationLines} from '../../source/ui/components/VerticalCooperation.js';
import {cells} from '../../source/ui/components/text.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {type Namer, formatRow} from '../../source/ui/store/format-row.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

function dashboardRun(scenario: Scenario, instructions = 400_000) {
	const sim = buildSimulation(scenario);
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched, historySize: 1 << 20});
	while (!sim.stopped && sim.instret < instructions) sim.run(50_000);
	const views: CooperationView[] = [];
	for (let seq = store.ring.first; seq < store.ring.end; seq++) {
		if (store.ring.get(seq)?.kind !== 'exception.raised') continue;
		views.push(cooperation(store.ring, store.journeys, seq, store.namer, sim.description.costs.instruction)!);
	}
	const dispose = () => {
		store.dispose();
		driver.dispose();
	};
	return {store, views, dispose};
}

const cycles = (text: string): number => Number(/([\d,]+) cyc/.exec(text)?.[1]?.replaceAll(',', '') ?? 0);

/** The steps' costs add up to the total, and the total is the cycle counter's change. */
function expectAddsUp(view: CooperationView): void {
	const m = /total ([\d,]+) cyc.*= cycle ([\d,]+) → ([\d,]+)/.exec(view.total);
	expect(m, view.total).not.toBeNull();
	const [total, from, to] = [m![1]!, m![2]!, m![3]!].map((x) => Number(x.replaceAll(',', '')));
	expect(total).toBe(to! - from!);
	const steps = view.steps.reduce((s, step) => s + (step.cost.includes('in step') ? 0 : cycles(step.cost)), 0);
	expect(steps, JSON.stringify(view.steps)).toBe(total);
}

describe('vertical cooperation from journeys', () => {
	test('native: every exception shows the five steps, costs adding up to the cycle counter change', () => {
		const {views, dispose} = dashboardRun(sampleScenario('default'));
		const complete = views.filter((v) => v.complete);
		expect(complete.length).toBeGreaterThan(50);
		for (const v of complete) expectAddsUp(v);
		const call = complete.find((v) => v.vector === 'int 0x80' && v.steps[3]!.what.includes('write('))!;
		expect(call.steps.map((s) => s.title)).toEqual(['fetch-execute (CPU)', 'exception', 'fetch-execute (CPU)', 'fetch-execute (OS)', 'return from exception']);
		expect(call.steps[0]!.cost).toBe('1 instr, 1 cyc'); // int retires: a trap
		expect(call.steps[1]!.cost).toBe('50 cyc');
		expect(call.steps[4]!.what).toMatch(/^iret → U /);
		expect(call.steps[4]!.cost).toBe('50 cyc');
		dispose();
	});

	test('trap: a trapped privileged instruction costs what the VMM entry cost, once', () => {
		const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'trap'}), 200_000);
		const trapped = views.filter((v) => v.complete && v.continuation === null && v.steps[1]!.what.includes('(privileged: '));
		expect(trapped.length).toBeGreaterThan(20);
		for (const v of trapped) {
			expectAddsUp(v);
			expect(cycles(v.total)).toBe(1100); // vmmRoundTrip + emulate, as the exit table says
		}
		const iret = trapped.find((v) => v.steps[3]!.what.includes('emulate iret'));
		expect(iret, 'the trapped iret shows the VMM emulating it').toBeDefined();
		dispose();
	});

	test.each([1, 2] as const)('trap, type %i: a guest system call reads as i. real exception → VMM and ii. virtual exception → guest OS', (type) => {
		const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'trap', type}), 200_000);
		const guest = views.filter((v) => v.complete && v.continuation !== null && v.vector === 'int 0x80');
		expect(guest.length).toBeGreaterThan(5);
		for (const v of guest) {
			expectAddsUp(v);
			expect(v.steps.map((s) => s.interpretation)).toEqual(['i.', 'i.', 'ii.', 'ii.', 'ii.']);
			expect(v.total).toContain('i. real exception → VMM: ');
			expect(v.total).toContain('ii. virtual exception → guest OS: ');
			expect(v.steps[1]!.what).toContain('reflects int 0x80');
			expect(v.steps[4]!.what).toMatch(/^the guest OS’s iret traps \(journey \d+\); the VMM emulates it: resume @ 0x[0-9a-f]+$/);
			expect(v.steps[3]!.what).toMatch(/handler \S+ \(int 0x80\); pid \d: /);
			// Interpretation i is the VMM entry: its round trip, reflection and (Type II) host pass.
			expect(cycles(v.steps[1]!.cost)).toBe(1000 + 200 + (type === 2 ? 2000 : 0));
		}
		dispose();
	});

	// Issue 16 §2: every technique's numbers add up, and each sentence is true of what happened.
	test.each([
		['bt', sampleScenario('default', {vmm: 'bt'})],
		['pv', sampleScenario('default', {vmm: 'pv'})],
		['hvm', sampleScenario('default', {vmm: 'hvm'})],
		['pv, type 2, 2 guests', sampleScenario('default', {vmm: 'pv', type: 2, vms: 2})],
		['trap on pentium', sampleScenario('pentium', {vmm: 'trap'})],
		['nested-1', sampleScenario('nested-1')],
		['nested-2', sampleScenario('nested-2')],
	] as const)('%s: each view’s costs add up to its total; the trapping instruction reads “trapped”, once', (_name, scenario) => {
		const {views, dispose} = dashboardRun(scenario, 100_000);
		const complete = views.filter((v) => v.complete);
		expect(complete.length).toBeGreaterThan(20);
		for (const v of complete) {
			expectAddsUp(v);
			expect(v.steps[0]!.what).not.toMatch(/\((fault|trap)\)$/);
			for (const step of v.steps) expect(step.what, step.what).not.toMatch(/\d{4} cycles|never returned \(stopped\)/);
		}
		// At 80, 140 and 200 columns the panel wraps every step: each line fits, no word is lost or cut.
		for (const v of complete.slice(0, 300)) {
			for (const width of [80, 140, 200]) {
				const {lines} = cooperationLines(v, width);
				const line = (l: (typeof lines)[number]) => `${l.label} ${l.what} ${l.cost}`;
				for (const l of lines) expect(cells(line(l).trimEnd()), line(l)).toBeLessThanOrEqual(width);
				for (const step of v.steps) {
					const shown = lines.filter((l) => l.step === step);
					expect(shown.map((l) => l.what).join(' ').split(/ +/)).toEqual(step.what.split(/ +/));
					expect(shown.map((l) => l.label.trim()).join(' ')).toContain(step.title);
					expect(shown[0]!.cost).toBe(step.cost);
				}
				expect(lines.filter((l) => l.step === null).map((l) => l.what).join(' ')).toBe(v.total);
			}
		}
		dispose();
	});

	test('trap: the VMM’s own entry reads as the lecture says — the real CPU runs the VMM, the guest makes no progress', () => {
		const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'trap'}), 20_000);
		const smsw = views.find((v) => v.complete && v.steps[0]!.what.includes('smsw'))!;
		expect(smsw.steps[0]!.what).toMatch(/smsw r0 \(trapped\)$/);
		expect(smsw.steps[1]!.what).toBe('#GP (fault) → VMM intercepts (privileged: smsw)');
		expect(smsw.steps[2]!.what).toBe('the real CPU runs the VMM’s code (its cycles: step 4); the guest makes no progress');
		expect(smsw.steps[2]!.cost).toBe('0 cyc');
		expect(smsw.steps[3]!.cost).toBe('1,100 cyc');
		expect(smsw.steps[4]!.what).toMatch(/^resume @ 0x[0-9a-f]+: the guest continues$/);
		dispose();
	});

	test('hvm: the guest kernel’s iret is interpreted by the VMM, not “never returned”', () => {
		const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'hvm'}), 100_000);
		const call = views.filter((v) => v.complete && v.continuation !== null && v.vector === 'int 0x80');
		expect(call.length).toBeGreaterThan(3);
		for (const v of call) {
			expect(v.steps[4]!.what).toMatch(/^iret → U \S+: the VMM interprets the guest kernel’s iret$/);
			expect(v.steps[4]!.cost).toBe('in step 4');
		}
		dispose();
	});

	test('a version 1 trace (no journeys) says so instead of guessing', () => {
		const {store, dispose} = dashboardRun(sampleScenario('default'), 5_000);
		const seq = [...Array(store.ring.end - store.ring.first).keys()].map((k) => k + store.ring.first).find((s) => store.ring.get(s)?.kind === 'exception.raised')!;
		const v1 = {...store.ring.get(seq)!} as VmEvent;
		delete v1.journey;
		store.ring.push(v1, store.ring.physOf(seq));
		const view = cooperation(store.ring, store.journeys, store.ring.end - 1, store.namer)!;
		expect(view.journey).toBeNull();
		expect(view.total).toContain('version 1 trace');
		dispose();
	});
});

describe('row text', () => {
	const namer: Namer = {
		symbolize: (_g, s, pc) => `${s ? 'kernel' : 'main'}+0x${pc.toString(16)}`,
		symbolizeInstruction: (_g, s, pc) => `${s ? 'kernel' : 'main'}+0x${pc.toString(16)}`,
		symbolizeProcess: (_g, _pid, pc) => `now+0x${pc.toString(16)}`,
		disassemble: (phys) => (Number.isFinite(phys) ? 'int 0x80' : undefined),
	};

	test('the core says an exception is an interrupt: it is shown as happening before the instruction at pc', () => {
		const raised: VmEvent = {kind: 'exception.raised', vector: 32, pc: 0x20, badaddr: 0, supervisor: false, type: 'interrupt', irq: 0, journey: 3, cycle: 9, instret: 9, guest: -1};
		expect(formatRow(raised, 0x1020, namer).cpu).toBe('before U main+0x20  int 0x80');
		expect(formatRow(raised, 0x1020, namer).exception).toBe('timer raised (interrupt) · journey 3');
		const {journey: _j, ...v1} = raised;
		expect(formatRow(v1 as VmEvent, 0x1020, namer).exception).toBe('timer raised (interrupt)');
		// A trap's instruction shows once, on its exception's row (issue 16 §2).
		expect(formatRow({...raised, type: 'trap', vector: 0x80}, 0x1020, namer).cpu).toBe('U main+0x20  int 0x80 (trapped)');
	});

	test('os.return is named as it happened (v2), by the pid’s program now only in a version 1 trace', () => {
		const ret: VmEvent = {kind: 'os.return', pid: 2, pc: 0x24, symbol: 'loop+0x4', cycle: 1, instret: 1, guest: -1};
		expect(formatRow(ret, Number.NaN, namer).os).toBe('return to pid 2 @ loop+0x4');
		const {symbol: _, ...v1} = ret;
		expect(formatRow(v1 as VmEvent, Number.NaN, namer).os).toBe('return to pid 2 @ now+0x24');
	});
});

test('an exception whose journey still runs says so in words: no `…` a reader could take for a cut text', () => {
	const sim = buildSimulation(sampleScenario('default'));
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched, historySize: 1 << 20});
	// One instruction at a time until an int 0x80 has been delivered: its handler has not returned yet.
	let view: CooperationView | null = null;
	for (let k = 0, from = store.ring.end; k < 100_000 && !view; k++, from = store.ring.end) {
		sim.run(1);
		for (let seq = from; seq < store.ring.end; seq++) {
			const e = store.ring.get(seq);
			if (e?.kind !== 'exception.delivered' || e.vector !== 0x80) continue;
			let raised = seq;
			while (store.ring.get(raised)?.kind !== 'exception.raised') raised--;
			view = cooperation(store.ring, store.journeys, raised, store.namer, sim.description.costs.instruction);
		}
	}
	expect(view?.complete).toBe(false);
	for (const step of view!.steps) {
		expect(step.what).not.toContain('…');
		expect(step.cost).not.toContain('…');
	}
	expect(view!.steps[2]!.what).toMatch(/^the handler runs from \S+$/);
	expect(view!.steps[4]).toMatchObject({what: 'still in the handler', cost: 'running'});
	store.dispose();
	driver.dispose();
});

test('the OS step names the process switch too (it said "+1 more" after two events and hid it)', () => {
	const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'none'}));
	const os = views.flatMap((v) => v.steps.filter((s) => s.n === 4).map((s) => s.what));
	// A timer interrupt that preempts a process: the handler, then the switch to another one.
	const switched = os.filter((w) => /switch pid \d+ → \d+/.test(w));
	expect(switched.length).toBeGreaterThan(0);
	expect(os.filter((w) => /\+\d+ more/.test(w))).toEqual([]);
	dispose();
});

test('an emulated iret that lets a pending virtual interrupt in: step 2 says it emulated it, then delivered the interrupt (not "reflects console" for a #GP)', () => {
	const {views, dispose} = dashboardRun(sampleScenario('default', {vmm: 'trap', isa: 'pentium'}), 2_000_000);
	const step2 = views.map((v) => v.steps.find((s) => s.n === 2)!.what);
	const emulated = step2.filter((w) => /^#GP \(fault\) → VMM intercepts \(privileged: iret\)/.test(w) && w.includes('→ console_interrupt'));
	expect(emulated.length).toBeGreaterThan(0);
	for (const w of emulated) expect(w).toMatch(/, emulates it, then delivers the pending console → console_interrupt$/);
	// A system call is the guest's to handle: reflected as it is.
	expect(step2.some((w) => /^int 0x80 \(trap\) → VMM intercepts \(exception: int 0x80\), reflects int 0x80 → syscall_entry$/.test(w))).toBe(true);
	dispose();
});
