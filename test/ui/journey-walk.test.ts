/**
 * Journey mode's walk (issue 16 §1) on real runs of the default scenario: the
 * level steps of an `int 0x80` natively and under trap-and-emulate, a patched
 * instruction under binary translation, and the catcher that stops the run
 * at the first journey its filter accepts.
 */
import {describe, expect, test} from 'vitest';
import {buildSimulation} from '../../source/scenario/build.js';
import type {Scenario} from '../../source/scenario/scenario.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {journeyMatches, parseJourneyFilter} from '../../source/ui/store/journey-catch.js';
import {journeyWalk} from '../../source/ui/store/journey-walk.js';
import {stepsAt} from '../../source/ui/store/journey-view.js';
import {buildRun} from '../../source/driver/run-factory.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

function attach(scenario: Scenario) {
	const sim = buildSimulation(scenario);
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched, historySize: 1 << 20});
	const dispose = () => {
		store.dispose();
		driver.dispose();
	};
	return {sim, store, dispose};
}

/** The walk of the first journey opened by `vector` (top level) in the whole run. */
function firstWalk(scenario: Scenario, vector: number) {
	const {sim, store, dispose} = attach(scenario);
	while (!sim.stopped) sim.run(100_000);
	let seq = -1;
	for (let s = store.ring.first; s < store.ring.end; s++) {
		const e = store.ring.get(s);
		if (e?.kind === 'exception.raised' && e.vector === vector && e.parent === undefined) {
			seq = s;
			break;
		}
	}
	expect(seq).toBeGreaterThanOrEqual(0);
	const d = sim.description;
	const steps = journeyWalk(store.ring, store.journeys, seq, store.namer, {vmm: d.vmm, isa: d.isa})!;
	dispose();
	return steps;
}

describe('the walk of a journey', () => {
	test('natively: CPU, exception through the IDT, the OS handling the system call, iret', () => {
		const steps = firstWalk(sampleScenario('default', {vmm: 'none'}), 0x80);
		expect(steps.map((s) => [s.title, s.level])).toEqual([
			['CPU fetch-execute', 'cpu'],
			['exception raised', 'exception'],
			['OS handler', 'os'],
			['return', 'exception'],
		]);
		expect(steps[0]!.cell).toMatch(/^U \S+ {2}int 0x80$/);
		expect(steps[1]!.cell).toBe('int 0x80 raised (trap) → syscall_entry');
		expect(steps[1]!.explain).toContain('jumps through the IDT to the OS’s handler `syscall_entry`');
		expect(steps[2]!.explain).toMatch(/system call `\w+` for pid 1 in supervisor mode/);
		expect(steps[3]!.cell).toMatch(/^iret → U /);
		expect(steps[3]!.explain).toContain('the program goes on after it');
	});

	test('under trap-and-emulate: the VMM intercepts and reflects, the guest OS handles it, its iret is emulated', () => {
		const steps = firstWalk(sampleScenario('default', {vmm: 'trap'}), 0x80);
		expect(steps.map((s) => [s.title, s.level])).toEqual([
			['CPU fetch-execute', 'cpu'],
			['exception raised', 'exception'],
			['VMM intercept', 'vmm'],
			['VMM reflect', 'vmm'],
			['virtual exception', 'exception'],
			['guest OS handler', 'os'],
			['return', 'vmm'],
		]);
		expect(steps[0]!.cell).toMatch(/^U\/vU \S+ {2}int 0x80$/);
		expect(steps[1]!.explain).toContain('interpretation i, real exception → VMM');
		expect(steps[4]!.explain).toContain('interpretation ii, virtual exception → guest OS');
		// The guest kernel's own privileged instructions trapped while it handled the call: it says how many.
		expect(steps[5]!.explain).toMatch(/Meanwhile \d+ of its privileged instructions trapped to the VMM/);
		expect(steps[6]!.cell).toMatch(/^iret → U \S+ \(emulated\)$/);
	});

	test('under binary translation on pentium: the patched instruction, intercepted and emulated, then resumed', () => {
		const steps = firstWalk(sampleScenario('default', {vmm: 'bt', isa: 'pentium'}), 99);
		expect(steps.map((s) => s.title)).toEqual(['CPU fetch-execute', 'exception raised', 'VMM intercept', 'VMM emulate', 'return']);
		expect(steps[0]!.cell).toMatch(/ {2}(pushf|popf|sidt|smsw)\b.* ⇒ int 0x63 \(patched\)$/);
		expect(steps[0]!.explain).toContain('sensitive but not privileged on pentium');
		expect(steps[3]!.explain).toContain('virtual supervisor mode');
		expect(steps[4]!.cell).toMatch(/^resume @ 0x[0-9a-f]+ \([\d,]+ cycles\)$/);
		// The explanation writes the cost as the cell does (`1,100`, not `1100`).
		const cost = /\(([\d,]+) cycles\)$/.exec(steps[4]!.cell)![1]!;
		expect(steps[4]!.explain).toContain(`— ${cost} cycles instead`);
	});
});

describe('which journeys stop', () => {
	test('the filter: vector, kind, level; a word it does not know is an error', () => {
		const f = parseJourneyFilter('vector:0x80').filter;
		expect(journeyMatches(f, 0x80, ['exception.raised'])).toBe(true);
		expect(journeyMatches(f, 13, ['exception.raised'])).toBe(false);
		expect(journeyMatches(parseJourneyFilter('vector:gp').filter, 13, [])).toBe(true);
		const reflect = parseJourneyFilter('kind:vmm.reflect').filter;
		expect(journeyMatches(reflect, 0x80, ['vmm.intercept', 'vmm.reflect'])).toBe(true);
		expect(journeyMatches(reflect, 13, ['vmm.intercept', 'vmm.emulate'])).toBe(false);
		expect(journeyMatches(parseJourneyFilter('level:os').filter, 13, ['vmm.emulate'])).toBe(false);
		expect(journeyMatches(parseJourneyFilter('level:os').filter, 0x80, ['os.syscall'])).toBe(true);
		expect(parseJourneyFilter('write').error).toMatch(/kind:PREFIX, vector:N or level:L/);
		expect(parseJourneyFilter('level:disk').error).toMatch(/level 'disk'/);
	});

	test('armed with vector:0x80, the catcher skips the boot’s #GP journeys and stops when the first system call has returned', () => {
		const {sim, store, dispose} = attach(sampleScenario('default', {vmm: 'trap'}));
		store.catcher.filter = parseJourneyFilter('vector:0x80').filter;
		store.catcher.arm();
		let ran = 0;
		while (!store.catcher.done() && !sim.stopped && ran < 1_000_000) ran += sim.run(1);
		expect(store.catcher.done()).toBe(true);
		const raised = store.ring.get(store.catcher.caught!)!;
		expect(raised.kind === 'exception.raised' && raised.vector).toBe(0x80);
		// Stopped right after the virtual journey ended: nothing of the next exception yet.
		const j = store.journeys.get(raised.journey!)!;
		const ii = store.journeys.get(j.end!.next!)!;
		expect(ii.end).toBeDefined();
		// (within the one instruction `run(1)` executes after the VMM resumed the guest)
		expect(sim.instret - ii.end!.instret).toBeLessThanOrEqual(1);
		expect(store.journeys.get(raised.journey! + 100)).toBeUndefined();
		// Many #GP journeys came first (the boot's privileged instructions): they did not stop it.
		expect(raised.journey!).toBeGreaterThan(5);
		dispose();
	});
});

describe('a sensitive instruction that does not trap', () => {
	test('under trap on pentium journey mode stops at `smsw` run directly, and says what the guest saw', () => {
		const {sim, store, dispose} = attach(sampleScenario('default', {vmm: 'trap', isa: 'pentium'}));
		// The store listens to `instruction` only at human speeds, as journey mode runs by default.
		expect(store.source.state.detail).toBe(true);
		store.catcher.arm();
		let ran = 0;
		while (!store.catcher.done() && !sim.stopped && ran < 100_000) ran += sim.run(1);
		const e = store.ring.get(store.catcher.caught!)!;
		expect(e.kind).toBe('instruction');
		const steps = journeyWalk(store.ring, store.journeys, store.catcher.caught!, store.namer, {vmm: 'trap', isa: 'pentium'})!;
		expect(steps).toHaveLength(1);
		expect(steps[0]!.cell).toMatch(/^U\/vS boot\+0x8 {2}smsw r0 {2}⚠ sensitive, not privileged on pentium: ran directly — the guest saw the real mode \(U\)$/);
		expect(steps[0]!.explain).toContain('`smsw` is sensitive but not privileged on pentium: it ran directly and the guest saw the real mode (U)');
		// On classic the same instruction is privileged: it traps, and the stop is its #GP journey instead.
		dispose();
		const classic = attach(sampleScenario('default', {vmm: 'trap', isa: 'classic'}));
		classic.store.catcher.arm();
		while (!classic.store.catcher.done() && !classic.sim.stopped) classic.sim.run(1);
		expect(classic.store.ring.get(classic.store.catcher.caught!)!.kind).toBe('exception.raised');
		classic.dispose();
	});
});

/** Every top-level journey's walk in a whole run (its raised event's vector and the walk). */
function allWalks(scenario: Scenario) {
	const {sim, store, dispose} = attach(scenario);
	while (!sim.stopped) sim.run(100_000);
	const d = sim.description;
	const out: Array<{vector: number; steps: ReturnType<typeof journeyWalk>}> = [];
	for (let s = store.ring.first; s < store.ring.end; s++) {
		const e = store.ring.get(s);
		if (e?.kind === 'exception.raised' && e.parent === undefined && e.journey !== undefined) {
			out.push({vector: e.vector, steps: journeyWalk(store.ring, store.journeys, s, store.namer, {vmm: d.vmm, isa: d.isa, type: d.type})});
		}
	}
	dispose();
	return out.filter((w): w is {vector: number; steps: NonNullable<typeof w.steps>} => w.steps !== null);
}

describe('what each technique really did, in the walk’s words (an audit against the lecture and the papers)', () => {
	test('pv: the guest OS returns by a hypercall, and a hypercall is a request, not a trapped instruction', () => {
		const walks = allWalks(sampleScenario('default', {vmm: 'pv'}));
		const syscall = walks.find((w) => w.vector === 0x80)!;
		const back = syscall.steps.at(-1)!;
		expect(back.cell).toMatch(/\(hypercall\)$/);
		expect(back.explain).toContain('returns with a hypercall');
		expect(back.explain).not.toContain('is privileged: it trapped');
		const hypercall = walks.find((w) => w.steps.some((s) => s.title === 'VMM hypercall'))!;
		const asked = hypercall.steps.find((s) => s.title === 'VMM hypercall')!;
		expect(asked.explain).toContain('asks the VMM directly');
		expect(asked.explain).not.toContain('virtual supervisor mode, so');
		expect(hypercall.steps.at(-1)!.explain).toContain('equivalence at the OS level');
		expect(walks.flatMap((w) => w.steps).some((s) => s.title === 'VMM emulate' && /virtual supervisor mode, so `out`/.test(s.explain))).toBe(false);
	});

	test('hvm: the guest kernel’s iret is interpreted, not “the run stopped”', () => {
		const walks = allWalks(sampleScenario('default', {vmm: 'hvm'}));
		const syscall = walks.find((w) => w.vector === 0x80)!;
		expect(syscall.steps.at(-1)!.cell).toMatch(/\(interpreted\)$/);
		expect(syscall.steps.at(-1)!.explain).toContain('hybrid VMM interprets');
		// Only the last system call (exit: the kernel powers off) does not return.
		const calls = walks.filter((w) => w.vector === 0x80);
		expect(calls.slice(0, -1).filter((w) => w.steps.some((s) => s.cell.includes('the run stopped')))).toEqual([]);
		expect(syscall.steps.find((s) => s.title === 'guest OS handler')!.explain).toContain('interpreted by the VMM (hvm)');
	});

	test('Type II: the host OS owns real supervisor mode and the real IDT, not the VMM', () => {
		const walks = allWalks(sampleScenario('default', {vmm: 'trap', type: 2}));
		const steps = walks.find((w) => w.vector === 0x80)!.steps;
		expect(steps.find((s) => s.title === 'VMM intercept')!.explain).toContain('the host OS, which owns real supervisor mode and the real IDT');
		expect(steps.find((s) => s.title === 'exception raised')!.explain).toContain('the host OS’s');
	});

	test('a privileged trap does not claim Theorem 1 holds; an emulated iret that lets a pending interrupt in shows both', () => {
		const walks = allWalks(sampleScenario('default', {vmm: 'trap', isa: 'pentium'}));
		const privileged = walks.map((w) => w.steps[0]!).find((s) => s.cell.endsWith('(trapped)') && s.explain.includes('is privileged on pentium'))!;
		expect(privileged.explain).toContain('only when all of them are privileged');
		expect(privileged.explain).not.toContain('with every sensitive instruction privileged, each one traps');
		const pending = walks.find((w) => {
			const titles = w.steps.map((s) => s.title);
			return titles.includes('VMM emulate') && titles.indexOf('VMM emulate') + 1 === titles.indexOf('VMM reflect');
		});
		expect(pending).toBeDefined();
		expect(pending!.steps.find((s) => s.title === 'VMM reflect')!.explain).toMatch(/^A virtual interrupt \(\w+\) was pending/);
	});
});

test('hvm, live as the dashboard runs it: a system call whose handler writes a line (over 200 rows) still ends in its interpreted iret', () => {
	const {sim} = buildRun({flags: {vmm: 'hvm'}, live: true});
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched});
	store.catcher.filter = parseJourneyFilter('vector:0x80').filter;
	const lasts: string[] = [];
	for (let k = 0; k < 3; k++) {
		store.catcher.arm();
		let ran = 0;
		while (!store.catcher.done() && !sim.stopped && ran < 1_000_000) ran += sim.run(1);
		lasts.push(stepsAt(store, store.catcher.caught!).at(-1)!.cell);
	}
	expect(lasts).toHaveLength(3);
	for (const cell of lasts) expect(cell).toMatch(/^iret → U \S+ \(interpreted\)$/);
	store.dispose();
	driver.dispose();
});
