/**
 * Resource control: a hostile guest kernel and attack.s try to escape. Every
 * attempt is reported with its outcome, and none reaches the VMM, the other
 * guest or a real device.
 */
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {classic} from '../../source/isa/profiles.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {bootStateOf} from '../../source/vmm/guest.js';
import {buildVmmSimulation} from '../../source/vmm/build.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {formatStats} from '../../source/cli/stats-format.js';
import {Partition} from '../../source/vmm/partition.js';
import {MEMORY, miniSpec, sampleScenario} from './helpers.js';

test('the hostile kernel escapes nowhere: each attempt reported, the other guest runs on as natively', () => {
	const hostile = sampleScenario('hostile');
	const normal = sampleScenario('default');
	const bus = new EventBus();
	const stops: number[] = [];
	bus.on('stop', (e) => stops.push(e.guest));
	const sim = buildVmmScenario(
		{
			...normal,
			vmm: 'trap',
			vms: [
				{name: 'hostile', kernel: hostile.kernel, programs: hostile.programs, input: ''},
				{name: 'normal', programs: normal.programs, input: normal.input},
			],
		},
		{bus, watchMemory: true},
	);
	const slice = sim.monitor.scheduler.slice;
	runHeadless(sim);
	const [bad, good] = sim.guestList;
	expect(bad!.vcpu.stopped).toMatchObject({reason: 'poweroff', code: 99});
	expect(good!.vcpu.stopped).toMatchObject({reason: 'poweroff', code: 0});
	// The real machine stopped only after the last guest: guest 0 stopped first, guest 1 ran on.
	expect(stops).toEqual([0, 1, -1]);
	expect(sim.machine.timerPeriod).toBe(slice);
	expect(sim.machine.trapHook).not.toBeNull();
	const report = measureProperties(sim);
	const kinds = report.resourceControl.attempts.filter((a) => a.guest === 0).map((a) => a.kind);
	expect(kinds).toEqual(
		expect.arrayContaining(['access outside the partition', 'stop the timer', 'replace the IDT', 'disable interrupts', 'power off the machine']),
	);
	expect(report.resourceControl.attempts.every((a) => a.outcome.length > 0)).toBe(true);
	expect(report.resourceControl.verdict).toBe('contained');
	expect(report.resourceControl.checks.find((c) => c.name === "other guests' memory")).toMatchObject({ok: true});
	// A faithful duplicate: even the hostile kernel sees what it would see natively.
	expect(report.equivalence.guests.map((g) => g.verdict)).toEqual(['equivalent', 'equivalent']);
	expect(good!.vcpu.outputText()).toMatch(/all processes have exited/);
	expect(bad!.vcpu.outputText()).toMatch(/\[hostile\] 1: blocked \(#GP\)/);
});

test('interrupts off forever: the real timer still brings the VMM back, and the other guest finishes', () => {
	const sim = buildVmmSimulation({
		technique: 'trap',
		profile: classic,
		memorySize: MEMORY,
		guests: [miniSpec('forever', ['user-a.s'], {defines: {HOSTILE: 1, FOREVER: 1}}), miniSpec('normal', ['user-a.s', 'user-b.s'])],
	});
	runHeadless(sim, {maxInstructions: 3_000_000});
	const [bad, good] = sim.guestList;
	expect(sim.stopped!.reason).toBe('instruction-limit');
	expect(bad!.vcpu.state).toBe('running');
	expect(bad!.vcpu.intEnabled).toBe(false);
	expect(bad!.timerEntriesWhileMasked).toBeGreaterThan(10);
	expect(good!.vcpu.stopped).toMatchObject({reason: 'poweroff', code: 0});
	expect(good!.vcpu.outputText()).toMatch(/A4\n/);
	expect(sim.monitor.scheduler.switches).toBeGreaterThan(10);
});

test('attack.s from user mode: every attempt ends in #GP reflected into the guest kernel', () => {
	const run = statsRun(sampleScenario('attack', {vmm: 'bt'}));
	const attempts = run.properties.resourceControl.attempts;
	const privileged = attempts.find((a) => a.kind === 'privileged instruction in user mode')!;
	expect(privileged.by).toBe('user');
	expect(privileged.count).toBe(4);
	expect(privileged.outcome).toMatch(/#GP reflected/);
	expect(attempts.find((a) => a.kind === 'access outside its segment')).toMatchObject({by: 'user', count: 1});
	expect(run.output).not.toMatch(/ESCAPED/);
	expect(run.output.match(/killed: #GP/g)).toHaveLength(5);
	expect(run.properties.resourceControl.verdict).toBe('contained');
	expect(run.properties.equivalence.verdict).toBe('equivalent');
});

test('a guest caught in an exception loop stops alone; the other guest runs on', () => {
	// Every IDT entry is 2: misaligned, so each handler fetch faults again (a loop on any machine).
	const loop = assembleOrThrow(
		`_start: mov r1, table
		lidt r1
		mov r2, 0
		div r0, r0, r2
		.align 4
table:	.word 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2`,
		{file: 'loop.s'},
	);
	const m = new Machine({memorySize: MEMORY});
	m.load(loop.bytes);
	const sim = buildVmmSimulation({
		technique: 'trap',
		profile: classic,
		memorySize: MEMORY,
		guests: [{name: 'loop', boot: bootStateOf(m)}, miniSpec('normal', ['user-a.s'])],
	});
	runHeadless(sim, {maxInstructions: 5_000_000});
	const [stuck, normal] = sim.guestList;
	expect(stuck!.vcpu.stopped).toMatchObject({reason: 'exception-loop'});
	expect(normal!.vcpu.stopped).toMatchObject({reason: 'poweroff', code: 0});
	expect(normal!.vcpu.outputText()).toMatch(/A4\n/);
});

test('resource control is judged by what a guest touched: a hostile guest given too much by a broken VMM violates it, the others do not', () => {
	const hostile = sampleScenario('hostile');
	const normal = sampleScenario('default');
	const sim = buildVmmScenario({
		...normal,
		vmm: 'trap',
		vms: [
			{name: 'hostile', kernel: hostile.kernel, programs: hostile.programs, input: ''},
			{name: 'normal', programs: normal.programs, input: normal.input},
		],
	}, {watchMemory: true});
	// Break the VMM on purpose: guest 0's partition now also covers guest 1's memory.
	const g0 = sim.guestList[0]!;
	Object.defineProperty(g0, 'partition', {value: new Partition(0, 0, 2 * g0.partition.size)});
	runHeadless(sim, {maxInstructions: 1_000_000});
	// (The lockstep explanation would rerun the guests on an unbroken VMM: not what this test is about.)
	const report = measureProperties(sim, {explain: false});
	const memory = report.resourceControl.checks.find((c) => c.name === "other guests' memory")!;
	expect(report.resourceControl.verdict).toBe('violated');
	expect(memory.ok).toBe(false);
	// The hostile kernel's write "beyond its memory" (at 1 MiB) landed on guest 1's byte 0, while guest 0 ran.
	expect(memory.detail).toBe("guest 1's memory changed at 0x0 while guest 0 ran");
});

test('two well-behaved pentium guests under trap: not equivalent, yet resource control holds (nobody touched another)', () => {
	const run = statsRun(sampleScenario('pentium', {vmm: 'trap', vms: 2}));
	expect(run.properties.equivalence.verdict).toBe('not equivalent');
	expect(run.properties.resourceControl.verdict).toBe('contained');
	expect(run.properties.resourceControl.checks.map((c) => [c.name, c.ok])).toEqual([
		['real timer', true],
		['real IDT', true],
		['real interrupts', true],
		['power', true],
		['partitions', true],
		['VMM memory', true],
		["other guests' memory", true],
	]);
});

test('vmm none: the report says an operating system has two of the three properties', () => {
	const run = statsRun(sampleScenario('default'));
	expect(run.properties.os).toMatch(/two of the three properties: efficiency .* and resource control .*, not equivalence/);
	const text = formatStats(run);
	expect(text).toContain(`  ${run.properties.os}`);
	expect(text).toMatch(/^Popek & Goldberg's three properties$/m);
	expect(text).toMatch(/^Beside them, the lecture's contemporary figure$/m);
	expect(text).not.toMatch(/four/i);
});

test("guests' memory is watched only where the properties are measured: a headless run copies no partition and claims nothing about it", () => {
	const two = sampleScenario('default', {vmm: 'trap', vms: 2});
	const plain = buildVmmScenario(two);
	runHeadless(plain, {maxInstructions: 200_000});
	expect(plain.monitor.scheduler.switches).toBeGreaterThan(0);
	expect(plain.monitor.scheduler.watch.enabled).toBe(false);
	expect(measureProperties(plain, {explain: false}).resourceControl.checks.map((c) => c.name)).not.toContain("other guests' memory");
	const run = statsRun({...two, maxInstructions: 200_000});
	expect(run.properties.resourceControl.checks.find((c) => c.name === "other guests' memory")).toMatchObject({ok: true});
});

test('the VMM reads a trapped instruction from the decoded cache exactly as decoding its memory would', async () => {
	const {decodeInto, emptyInstruction} = await import('../../source/isa/encoding.js');
	const sim = buildVmmScenario(sampleScenario('default', {vmm: 'trap'}));
	runHeadless(sim, {maxInstructions: 300_000});
	const m = sim.machine;
	const words = m.memorySize >>> 2;
	let compared = 0;
	for (let w = 0; w < words; w++) {
		const op = m.code.op[w]!;
		if (op === 0 || op >= 253) continue; // not decoded, patched, undefined, fetch fault
		const fresh = decodeInto(m.mem32[w]!, (k) => (w + k < words ? m.mem32[w + k]! : undefined), emptyInstruction());
		expect({...sim.monitor.instructionAt(w * 4)}).toEqual(fresh);
		compared++;
	}
	expect(compared).toBeGreaterThan(100);
});
