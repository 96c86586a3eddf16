/**
 * The hybrid VMM (`--vmm hvm`, Popek & Goldberg's Theorem 3): the guest's
 * virtual supervisor mode interpreted, its user mode direct. Its interpreter
 * against the CPU, exact guest time, its exit row, its verdicts per profile.
 */
import {formatProperties} from '../../source/cli/stats-format.js';
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {describe, expect, test, vi} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {classic, pentium} from '../../source/isa/profiles.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {ExitStats, INTERPRET_ROW} from '../../source/stats/exit-stats.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {statsCommand} from '../../source/cli/stats.js';
import {formatCompare} from '../../source/cli/stats-format.js';
import {buildVmmSimulation, type GuestSpec} from '../../source/vmm/build.js';
import {bootStateOf} from '../../source/vmm/guest.js';
import {guestLockstep} from '../../source/vmm/lockstep.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {MEMORY, miniSpec, runNative, sampleScenario} from './helpers.js';

/** A program loaded as a boot loader would: it runs in supervisor mode, so under hvm all of it is interpreted. */
function bareSpec(source: string, file = 'gen.s'): GuestSpec {
	const p = assembleOrThrow(source, {file});
	const m = new Machine({memorySize: MEMORY});
	m.load(p.bytes);
	m.pc = p.entry;
	return {name: file, boot: bootStateOf(m)};
}

function runHvm(spec: GuestSpec, profile = classic) {
	const bus = new EventBus();
	const stats = new ExitStats(bus);
	const sim = buildVmmSimulation({technique: 'hvm', profile, memorySize: MEMORY, guests: [spec], bus});
	let output = '';
	runHeadless(sim, {maxInstructions: 5_000_000, onOutput: (t) => (output += t)});
	return {sim, output, stats, report: measureProperties(sim)};
}

/** A deterministic pseudo-random program of ALU, memory, stack and jump instructions (supervisor mode). */
function randomProgram(seed: number, length = 400): string {
	let s = seed >>> 0 || 1;
	const rand = (n: number) => {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		return (s >>> 0) % n;
	};
	const reg = () => `r${rand(12)}`;
	const imm = () => [0, 1, 31, 32, -1, 0x7fffffff, -0x80000000, 0xffff, rand(1 << 30) - (1 << 29)][rand(9)]!;
	const src = () => (rand(2) ? reg() : String(imm()));
	const alu = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr', 'sar'];
	const jumps = ['jz', 'jnz', 'jl', 'jle', 'jg', 'jge', 'jb', 'jbe', 'ja', 'jae'];
	const lines = ['_start: mov sp, 0x80000', '        mov r13, data'];
	for (let i = 0; i < 12; i++) lines.push(`        mov r${i}, ${imm()}`);
	for (let i = 0; i < length; i++) {
		const k = rand(10);
		if (k < 4) lines.push(`        ${alu[rand(alu.length)]} ${reg()}, ${reg()}, ${src()}`);
		else if (k === 4) lines.push(`        ${rand(2) ? 'div' : 'rem'} ${reg()}, ${reg()}, ${[3, -7, 1, -1, 0x10001][rand(5)]}`);
		else if (k === 5) lines.push(`        cmp ${reg()}, ${src()}`);
		else if (k === 6) lines.push(`        ${['ld', 'st', 'ldb', 'stb'][rand(4)]} ${reg()}, [r13+${rand(2) ? 4 * rand(16) : rand(64)}]`.replace(/(ld|st) (r\d+), \[r13\+(\d+)\]/, (all, op, r, off) => (Number(off) % 4 === 0 ? all : `${op}b ${r}, [r13+${off}]`)));
		else if (k === 7) lines.push(rand(2) ? `        push ${src()}` : `        pop ${reg()}`);
		else lines.push(`        ${jumps[rand(jumps.length)]} skip${i}`, `        add r${rand(12)}, r${rand(12)}, 1`, `skip${i}:`);
	}
	lines.push('        out 0xF0, 0', 'data:   .space 128');
	return lines.join('\n');
}

describe('the interpreter does what the CPU does (a whole program in supervisor mode, interpreted)', () => {
	for (const name of ['hello', 'primes', 'traps']) {
		test(`samples/bare/${name}.s`, () => {
			const file = `samples/bare/${name}.s`;
			const spec = bareSpec(readFileSync(file, 'utf8'), file);
			const native = runNative(spec.boot);
			const {sim, output, report} = runHvm(spec);
			expect(output).toBe(native.output);
			expect(report.equivalence.verdict, JSON.stringify(report.equivalence.guests)).toBe('equivalent');
			const g = sim.guestList[0]!;
			// Nothing ran directly: the program never left (virtual) supervisor mode.
			expect(g.vcpu.instret).toBe(native.machine.instret);
			expect(g.interpreted).toBe(native.machine.instret);
			expect(report.efficiency.direct).toBe(0);
		});
	}

	for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
		test(`random program ${seed}: registers, flags and memory as natively`, () => {
			const spec = bareSpec(randomProgram(seed));
			const native = runNative(spec.boot);
			expect(native.machine.stopped?.reason).toBe('poweroff');
			const {report, sim} = runHvm(spec);
			expect(report.equivalence.verdict, JSON.stringify(report.equivalence.guests)).toBe('equivalent');
			expect(sim.guestList[0]!.vcpu.instret).toBe(native.machine.instret);
		});
	}

	test('a fault in the interpreted kernel is delivered as natively: no IDT, a triple fault', () => {
		const spec = bareSpec('_start: mov r1, 0\n        div r2, r1, r1\n        out 0xF0, 0');
		const native = runNative(spec.boot);
		const {sim, report} = runHvm(spec);
		expect(native.machine.stopped?.reason).toBe('triple-fault');
		expect(sim.guestList[0]!.vcpu.stopped?.reason).toBe('triple-fault');
		expect(report.equivalence.verdict).toBe('equivalent');
	});
});

describe('guest time is exact: the kernel interpreted, its processes direct', () => {
	test('the mini kernel: output interleaved as natively, same instruction count, every instruction in lockstep', () => {
		const spec = miniSpec('mini', ['user-a.s', 'user-b.s']);
		const native = runNative(spec.boot);
		const {sim, output, report} = runHvm(spec);
		expect(output).toBe(native.output);
		expect(sim.guestList[0]!.vcpu.instret).toBe(native.machine.instret);
		expect(report.equivalence.verdict).toBe('equivalent');
		// Both parts ran: the kernel interpreted, the processes directly.
		expect(report.interpretation!.instructions).toBeGreaterThan(0);
		expect(report.efficiency.direct).toBeGreaterThan(0);
		const lock = guestLockstep(sim, 0);
		expect(lock.first).toBeUndefined();
		expect(lock.ended).toMatch(/^both stopped/);
		expect(lock.compared).toBe(native.machine.instret);
	});

	test('the sample kernel on pentium: timer ticks at the native points (lockstep over the whole run)', () => {
		const sim = buildVmmScenario(sampleScenario('hazard-popf', {vmm: 'hvm', isa: 'pentium'}));
		const lock = guestLockstep(sim, 0);
		expect(lock.first).toBeUndefined();
		expect(lock.ended).toBe('both stopped: powered off with code 0');
		expect(lock.compared).toBeGreaterThan(1000);
	});
});

describe('exit reasons add up', () => {
	test('one interpret row: its count is the instructions interpreted, its cycles theirs; entries are the rest', () => {
		const bus = new EventBus();
		const stats = new ExitStats(bus);
		const events: number[] = [];
		bus.on('vmm.interpret', (e) => events.push(e.count));
		const sim = buildVmmScenario(sampleScenario('default', {vmm: 'hvm'}), {bus});
		runHeadless(sim, {maxInstructions: 5_000_000});
		const g = sim.guestList[0]!;
		const interpreter = sim.monitor.interpreter!;
		const rows = stats.rows();
		const interpret = rows.filter((r) => r.reason === INTERPRET_ROW);
		expect(interpret).toHaveLength(1);
		expect(interpret[0]!.category).toBe('interpret');
		expect(interpret[0]!.count).toBe(g.interpreted);
		expect(events.reduce((a, b) => a + b, 0)).toBe(g.interpreted);
		expect(interpret[0]!.totalCycles).toBe(interpreter.cycles);
		// An interpreted instruction costs instruction + interpret, a sensitive one emulate more (docs/v32.md §8.1).
		const c = sim.machine.costs;
		expect(interpreter.cycles).toBeGreaterThanOrEqual(g.interpreted * (c.instruction + c.interpret));
		expect(interpreter.cycles % 1).toBe(0);
		// Entries: every other row, and they are what the monitor counted; none is a privileged-instruction trap.
		const entries = rows.filter((r) => r.category !== 'interpret');
		expect(entries.reduce((s, r) => s + r.count, 0)).toBe(sim.monitor.entries);
		expect(stats.total()).toBe(sim.monitor.entries);
		expect(entries.some((r) => r.category === 'privileged')).toBe(false);
		expect(entries.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 9);
		// The guest's clock: direct + interpreted + trapping instructions reflected = every instruction.
		const report = measureProperties(sim);
		expect(report.efficiency.direct + report.efficiency.emulated).toBe(g.vcpu.instret);
		expect(report.interpretation).toEqual({instructions: g.interpreted, cycles: interpreter.cycles, userSensitive: []});
		// `vmtop stats` says which of the others were interpreted and which entered the VMM (they did not all "enter the VMM").
		const line = formatProperties(report).find((l) => l.trimStart().startsWith('efficiency'))!;
		const [, notDirect, interpreted, entered] = /; (\d+) did not: (\d+) interpreted in virtual supervisor mode, (\d+) entered the VMM\)$/.exec(line)!.map(Number);
		expect(notDirect).toBe(report.efficiency.emulated);
		expect(interpreted).toBe(g.interpreted);
		expect(interpreted! + entered!).toBe(notDirect);
	});
});

test('journeys: a guest handler interpreted by the VMM costs at the VMM level, and vmm.interpret events belong to it', () => {
	const bus = new EventBus();
	const ends: Array<{journey: number; virtual: boolean; cost: Record<string, number | undefined>}> = [];
	const interpretIn = new Set<number>();
	bus.on('journey.end', (e) => ends.push(e));
	bus.on('vmm.interpret', (e) => e.journey !== undefined && interpretIn.add(e.journey));
	const sim = buildVmmScenario(sampleScenario('default', {vmm: 'hvm'}), {bus});
	runHeadless(sim, {maxInstructions: 60_000});
	const handlers = ends.filter((e) => e.virtual && (e.cost['cpu'] ?? 0) > 0);
	expect(handlers.length).toBeGreaterThan(10);
	const c = sim.machine.costs;
	// Every instruction of a handler was interpreted: its VMM part is at least `interpret` per instruction.
	for (const h of handlers) expect(h.cost['vmm']).toBeGreaterThanOrEqual(h.cost['cpu']! * c.interpret);
	expect(handlers.filter((h) => interpretIn.has(h.journey)).length).toBeGreaterThan(10);
});

describe('verdicts per profile per technique', () => {
	const verdict = (isa: string, vmm: 'trap' | 'bt' | 'pv' | 'hvm', scenario = 'default') =>
		statsRun(sampleScenario(scenario, {vmm, isa})).properties.equivalence.verdict;

	test('hybrid (smsw, popf unprivileged): trap not equivalent, hvm equivalent', () => {
		expect(verdict('samples/isa/hybrid.json', 'trap')).toBe('not equivalent');
		expect(verdict('samples/isa/hybrid.json', 'hvm')).toBe('equivalent');
	});

	test('pentium: hvm is not equivalent once a process runs a user-sensitive instruction, and the report names it', () => {
		const run = statsRun(sampleScenario('hazard-sidt', {vmm: 'hvm', isa: 'pentium'}));
		const g = run.properties.equivalence.guests[0]!;
		expect(g.verdict).toBe('not equivalent');
		expect(g.first).toMatchObject({mnemonic: 'sidt', by: 'user', where: 'redpill.s: _start (pid 1)'});
		expect(g.cause).toMatch(/Theorem 3 condition fails/);
		expect(g.cause).toMatch(/the hybrid VMM interprets only the guest kernel/);
	});

	test('the red pill on hybrid: sidt is privileged there, so hvm stays equivalent (the process is killed as natively)', () => {
		expect(verdict('samples/isa/hybrid.json', 'hvm', 'hazard-sidt')).toBe('equivalent');
	});

	test('the mini kernel on pentium and classic: hvm equivalent', () => {
		for (const profile of [classic, pentium]) {
			const {report} = runHvm(miniSpec('mini', ['user-a.s', 'user-b.s']), profile);
			expect(report.equivalence.verdict).toBe('equivalent');
			expect(report.resourceControl.verdict).toBe('contained');
		}
	});
});

test('vmtop stats --compare --isa samples/isa/hybrid.json: trap not equivalent, hvm equivalent, BT ≈ HVM', async () => {
	let out = '';
	vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		out += String(chunk);
		return true;
	});
	await statsCommand(['--compare', '--isa', 'samples/isa/hybrid.json']);
	vi.restoreAllMocks();
	const lines = out.split('\n');
	const row = (label: string) => lines.find((l) => l.startsWith(label))!.slice(20).trim().split(/\s{2,}/);
	expect(lines[2]!.trim().split(/\s+/)).toEqual(['none', 'trap', 'bt', 'pv', 'hvm']);
	expect(row('equivalence')).toEqual(['reference', 'not equivalent', 'equivalent', 'equivalent', 'equivalent']);
	expect(out).toMatch(/^BT ≈ HVM \(the lecture\): same equivalence \(equivalent\), different cost — bt \d+ cycles/m);
	expect(out).toMatch(/^trap: not equivalent — /m);
	expect(out).not.toMatch(/^hvm: not equivalent/m);
	// Theorem 3 holds on hybrid: no warning that hvm is equivalent only by the workload's luck.
	expect(out).not.toMatch(/Theorem 3's condition fails/);
});

test('pentium, default programs: hvm equivalent, and the compare says Theorem 3 still fails (pushf, sidt)', () => {
	const hvm = statsRun(sampleScenario('pentium', {vmm: 'hvm'}));
	expect(hvm.properties.equivalence.verdict).toBe('equivalent');
	expect(hvm.properties.interpretation!.userSensitive).toEqual(['pushf', 'sidt']);
	const bt = statsRun(sampleScenario('pentium', {vmm: 'bt'}));
	const text = formatCompare([bt, hvm]);
	expect(text).toMatch(/^hvm: equivalent on this run, yet Theorem 3's condition fails on pentium: pushf, sidt are sensitive in user mode and unprivileged\./m);
	const classicHvm = statsRun(sampleScenario('default', {vmm: 'hvm'}));
	expect(classicHvm.properties.interpretation!.userSensitive).toEqual([]);
	expect(formatCompare([bt, classicHvm])).not.toMatch(/Theorem 3's condition fails/);
});
