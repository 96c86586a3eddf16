/**
 * Issue 17 §2: exits per level of a nested run, per system call of the kernel
 * at the bottom, and the journey of one int 0x80 through every level.
 */
import {describe, expect, test} from 'vitest';
import {statsRun} from '../../source/cli/stats-run.js';
import {formatStats} from '../../source/cli/stats-format.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {loadScenario} from '../../source/scenario/scenario.js';
import {firstHazard, nestedReport, syscallJourney} from '../../source/stats/nested-stats.js';
import {scenarioLockstep} from '../../source/scenario/lockstep.js';
import {selfLockstep} from '../../source/scenario/nested-lockstep.js';
import {VmmSimulation} from '../../source/vmm/vmm-simulation.js';

const nested1 = () => loadScenario('samples/scenarios/nested-1.json');
const nested2 = () => loadScenario('samples/scenarios/nested-2.json');

describe('nestedReport', () => {
	test('not a nested run: nothing to report', () => {
		expect(nestedReport(buildSimulation(loadScenario('samples/scenarios/default.json')))).toBeUndefined();
	});

	test('depth 1: mini-vmm\'s exits are the real machine\'s exceptions; the kernel\'s 32 system calls', () => {
		const sim = buildSimulation(nested1());
		let exceptions = 0;
		sim.bus.on('exception.raised', () => void exceptions++);
		runHeadless(sim);
		const r = nestedReport(sim)!;
		expect(r.depth).toBe(1);
		expect(r.levels).toEqual([{level: 1, name: 'mini-vmm.s', exits: exceptions}]);
		// The native run of the same kernel makes 32 system calls (its OS observer counts them).
		const native = buildSimulation(loadScenario('samples/scenarios/default.json'));
		let syscalls = 0;
		native.bus.on('exception.raised', (e) => void (e.vector === 0x80 && syscalls++));
		runHeadless(native);
		expect(r.syscalls).toBe(syscalls);
		expect(r.exceptions).toBeGreaterThan(r.syscalls);
	});

	test('depth 2 under --vmm trap: vmtop\'s VMM is level 1, and takes more exits than mini-vmm at level 2', () => {
		const sim = buildSimulation({...nested1(), vmm: 'trap'});
		runHeadless(sim);
		const r = nestedReport(sim)!;
		expect(r.levels.map((l) => l.name)).toEqual(['vmtop trap (TypeScript)', 'mini-vmm.s']);
		expect(sim).toBeInstanceOf(VmmSimulation);
		expect(r.levels[0]!.exits).toBe((sim as VmmSimulation).guestList[0]!.entries);
		expect(r.levels[0]!.exits).toBeGreaterThan(5 * r.levels[1]!.exits);
	});
});

describe('syscallJourney: one int 0x80 crossing every level', () => {
	test('depth 2′: the inner mini-vmm\'s exits each cost the outer one several', () => {
		const j = syscallJourney(() => buildSimulation(nested2()))!;
		expect(j.levels.map((l) => l.level)).toEqual([1, 2]);
		const [outer, inner] = j.levels;
		// At least the int itself, and the kernel's iret back to the process, are inner exits.
		expect(inner!.exits).toBeGreaterThanOrEqual(2);
		expect(outer!.exits).toBeGreaterThan(inner!.exits * 5);
		expect(j.realInstructions).toBeGreaterThan(0);
	});

	test('the same journey at depth 1 takes as many exits as the inner level of depth 2′', () => {
		const one = syscallJourney(() => buildSimulation(nested1()))!;
		const two = syscallJourney(() => buildSimulation(nested2()))!;
		expect(one.levels).toHaveLength(1);
		expect(one.levels[0]!.exits).toBe(two.levels[1]!.exits);
	});
});

describe('vmtop stats on a nested scenario', () => {
	test('prints the levels, the journey and that the output is the native one', () => {
		const run = statsRun(nested2());
		expect(run.nested).toMatchObject({depth: 2, nativeOutput: true});
		const text = formatStats(run);
		expect(text).toContain('Nested virtualization: 2 VMM levels under the kernel');
		expect(text).toMatch(/one int 0x80 \(the first system call\).*exits level 2 \d+ → level 1 \d+/);
		expect(text).toContain("the kernel's console output equals its native run's");
	});
});

describe('on the pentium profile depth ≥ 2 is not equivalent, and vmtop says why', () => {
	const pentium = (s: ReturnType<typeof loadScenario>) => ({...s, isa: 'pentium'});

	test('depth 2 (--vmm trap): the lockstep report\'s first divergence is mini-vmm\'s own smsw', () => {
		const report = scenarioLockstep(pentium(nested1()), {...pentium(nested1()), vmm: 'trap'}, {limit: 100_000});
		expect(report.first).toMatchObject({mnemonic: 'smsw', what: 'r0', native: '0x00000001', virtual: '0x00000000', by: 'kernel'});
		expect(report.first!.where).toMatch(/^vmm_boot\+0x[0-9a-f]+ \(kernel\)$/);
	});

	test('depth 2 (--vmm trap): vmtop stats reports it not equivalent, smsw the first cause', () => {
		const run = statsRun({...pentium(nested1()), vmm: 'trap'});
		expect(run.properties.equivalence.verdict).toBe('not equivalent');
		expect(run.properties.equivalence.guests[0]!.cause).toMatch(/first divergence: `smsw r0` at vmm_boot\+0x[0-9a-f]+.*smsw is not privileged on pentium/);
		expect(run.nested).toMatchObject({nativeOutput: false, hazard: {mnemonic: 'smsw', level: 2}});
	});

	test('depth 2′ (mini-vmm in mini-vmm): the output differs; the first untrapped sensitive instruction is the inner mini-vmm\'s smsw', () => {
		const run = statsRun(pentium(nested2()));
		expect(run.nested).toMatchObject({nativeOutput: false, hazard: {mnemonic: 'smsw', level: 2}});
		expect(run.nested!.hazard!.where).toMatch(/^mini-vmm\.s: vmm_boot\+0x[0-9a-f]+ \(the level-2 VMM's own code\)$/);
		expect(formatStats(run)).toContain('Theorem 2’s condition (a), the machine virtualizable, asks every sensitive instruction to be privileged');
	});

	test('depth 2′ in lockstep against depth 1: the first divergence is the inner mini-vmm\'s smsw', () => {
		const report = selfLockstep(pentium(nested2()), {limit: 100_000});
		expect(report.first).toMatchObject({instruction: 1, mnemonic: 'smsw', what: 'r0', native: '0x00000001', virtual: '0x00000000'});
		expect(report.first!.where).toMatch(/^vmm_boot\+0x[0-9a-f]+ \(mini-vmm\.s\)$/);
		expect(statsRun(pentium(nested2())).nested!.first).toMatchObject({mnemonic: 'smsw', instruction: 1});
	});

	test('on classic the same lockstep finds no divergence in the whole run: mini-vmm under itself, instruction for instruction', () => {
		const report = selfLockstep(nested2(), {limit: 2_000_000});
		expect(report.first).toBeUndefined();
		expect(report.ended).toBe('both stopped: powered off with code 0');
		expect(report.compared).toBeGreaterThan(800_000);
	}, 120_000);

	test('on classic nothing sensitive runs untrapped', () => {
		expect(firstHazard(() => buildSimulation(nested2()))).toBeUndefined();
	});
});
