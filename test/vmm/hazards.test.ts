/**
 * Each Pentium hazard happens, as an effect a guest can see (samples/scenarios/hazard-*.json,
 * each on a profile where only that one instruction is unprivileged), and the report names the
 * first instruction whose effect differed — found by running native and virtualized in lockstep.
 */
import {afterEach, describe, expect, test, vi} from 'vitest';
import {runCommand} from '../../source/cli/run.js';
import {statsCommand} from '../../source/cli/stats.js';
import type {Technique} from '../../source/vmm/monitor.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {buildVmmScenario} from '../../source/scenario/vmm-scenario.js';
import {guestLockstep} from '../../source/vmm/lockstep.js';
import {scenarioLockstep} from '../../source/scenario/lockstep.js';
import {sampleScenario} from './helpers.js';

type Verdict = 'equivalent' | 'not equivalent';
const NE: Verdict = 'not equivalent';
const EQ: Verdict = 'equivalent';

/** Expected verdicts and first divergences per hazard and technique (docs/vmm.md, "The hazards"). */
const hazards: Record<string, {verdicts: Record<Technique, Verdict>; first: Partial<Record<Technique, object>>; visible: {native?: RegExp; virtual?: RegExp}}> = {
	'hazard-popf': {
		verdicts: {trap: NE, bt: EQ, pv: EQ, hvm: EQ},
		first: {trap: {mnemonic: 'popf', by: 'kernel', where: 'idle_loop+0x24 (kernel)', what: 'IF', native: '1', virtual: '0'}},
		// The guest stopped in its first idle pass: its second line never came.
		visible: {native: /^"hello from pid 1"$/, virtual: /^"" \(ends here\)$/},
	},
	'hazard-smsw': {
		verdicts: {trap: NE, bt: EQ, pv: EQ, hvm: EQ},
		first: {trap: {mnemonic: 'smsw', by: 'kernel', where: 'boot+0x8 (kernel)', what: 'r0', native: '0x00000001', virtual: '0x00000000'}},
		visible: {virtual: /smsw says user mode/},
	},
	'hazard-sidt': {
		verdicts: {trap: NE, bt: NE, pv: NE, hvm: NE},
		first: Object.fromEntries(
			(['trap', 'bt', 'pv', 'hvm'] as const).map((t) => [
				t,
				{mnemonic: 'sidt', by: 'user', where: 'redpill.s: _start (pid 1)', what: 'r6', native: '0x000011ac', virtual: '0x00100000'},
			]),
		),
		visible: {native: /redpill: sidt says the IDT is at 0x000011ac/, virtual: /redpill: sidt says the IDT is at 0x00100000/},
	},
	'hazard-pushf': {
		verdicts: {trap: NE, bt: NE, pv: NE, hvm: NE},
		first: {
			// Under trap the kernel's own local_irq_save leaks the real mode first.
			trap: {mnemonic: 'pushf', by: 'kernel', where: 'schedule (kernel)', what: 'memory 0x00001b80', native: '0x00001000', virtual: '0x00000200'},
			bt: {mnemonic: 'pushf', by: 'user', where: 'pushf.s: _start (pid 1)', what: 'memory 0x0001fffc', native: '0x00000000', virtual: '0x00000200'},
			pv: {mnemonic: 'pushf', by: 'user', where: 'pushf.s: _start (pid 1)', what: 'memory 0x0001fffc', native: '0x00000000', virtual: '0x00000200'},
			// The hybrid VMM interprets the kernel's pushf, but the process's runs directly: Theorem 3's condition.
			hvm: {mnemonic: 'pushf', by: 'user', where: 'pushf.s: _start (pid 1)', what: 'memory 0x0001fffc', native: '0x00000000', virtual: '0x00000200'},
		},
		visible: {native: /pushf: IF = 0, S = 0/, virtual: /pushf: IF = 1, S = 0/},
	},
};

for (const [name, h] of Object.entries(hazards)) {
	describe(name, () => {
		for (const technique of ['trap', 'bt', 'pv', 'hvm'] as const) {
			test(`${technique}: ${h.verdicts[technique]}`, () => {
				const run = statsRun(sampleScenario(name, {vmm: technique}));
				const eq = run.properties.equivalence;
				expect(eq.verdict, JSON.stringify(eq.guests)).toBe(h.verdicts[technique]);
				if (h.verdicts[technique] === EQ) return;
				const g = eq.guests[0]!;
				expect(g.first).toMatchObject(h.first[technique] ?? {});
				// The first visible consequence is what the guest printed.
				expect(g.divergence!.kind).toBe('console');
				if (h.visible.native) expect(g.divergence!.native).toMatch(h.visible.native);
				if (h.visible.virtual) expect(g.divergence!.virtual).toMatch(h.visible.virtual);
				const f = g.first!;
				expect(g.cause).toContain(`first divergence: \`${f.text}\` at ${f.where}, guest instruction ${f.instruction}: ${f.what} native ${f.native}, virtual ${f.virtual}`);
				if (f.by === 'user') expect(g.cause).toMatch(/Theorem 3 condition fails/);
				// Not the same guest work: effectiveness is not a figure to compare.
				expect(run.properties.effectiveness.comparable).toBe(false);
			});
		}
		test('classic: every technique equivalent (every sensitive instruction traps)', () => {
			for (const technique of ['trap', 'bt', 'pv', 'hvm'] as const) {
				const run = statsRun(sampleScenario(name, {vmm: technique, isa: 'classic'}));
				expect(run.properties.equivalence.verdict, `${technique}: ${JSON.stringify(run.properties.equivalence.guests)}`).toBe(EQ);
			}
		});
	});
}

test('hazard-popf under trap: popf leaves the virtual IF at 0, so the idle hlt stops the guest; the report says both', () => {
	const run = statsRun(sampleScenario('hazard-popf', {vmm: 'trap'}));
	const g = run.properties.equivalence.guests[0]!;
	expect(g.cause).toMatch(/popf is not privileged on pentium-popf: .*virtual IF the guest kernel meant to restore was lost/);
	expect(g.spread![0]).toMatchObject({mnemonic: 'hlt', what: 'stop', virtual: expect.stringMatching(/^stopped \(halted with interrupts disabled/)});
	expect(g.spread![0]!.native).toBe('goes on at timer_interrupt (kernel)');
	expect(run.stop.reason).toBe('halt-interrupts-disabled');
});

describe('the red pill', () => {
	let out = '';
	afterEach(() => {
		vi.restoreAllMocks();
		out = '';
	});
	const capture = () =>
		vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
			out += String(chunk);
			return true;
		});
	const address = (text: string) => [...text.matchAll(/redpill: sidt says the IDT is at (0x[0-9a-f]{8})/g)].map((m) => m[1]);

	test('under trap sidt prints the VMM\'s table, not the kernel\'s; the same address in both guests', async () => {
		const file = 'samples/scenarios/hazard-sidt.json';
		capture();
		await runCommand(['--headless', file]);
		const native = address(out);
		out = '';
		await runCommand(['--headless', '--vmm', 'trap', file]);
		const one = address(out);
		out = '';
		await runCommand(['--headless', '--vmm', 'trap', '--vms', '2', file]);
		const two = address(out);
		vi.restoreAllMocks();
		expect(native).toHaveLength(1);
		expect(one).toHaveLength(1);
		expect(one[0]).not.toBe(native[0]);
		expect(two).toHaveLength(2);
		expect(two[0]).toBe(two[1]);
		expect(two[0]).not.toBe(native[0]);
		// The VMM's table lies above every partition: at 2 × 1 MiB with two guests.
		expect(two[0]).toBe('0x00200000');
	});
});

test('scenario level: a scenario natively against a scenario under a VMM (the API issue 17 builds on)', () => {
	const r = scenarioLockstep(sampleScenario('hazard-smsw'), sampleScenario('hazard-smsw', {vmm: 'trap'}));
	expect(r.first).toMatchObject({instruction: 1, mnemonic: 'smsw', where: 'boot+0x8 (kernel)', what: 'r0', native: '0x00000001', virtual: '0x00000000'});
	expect(r.ended).toMatch(/^control flow parted after instruction 4/);
	const same = scenarioLockstep(sampleScenario('hazard-smsw'), sampleScenario('hazard-smsw', {vmm: 'bt'}));
	expect(same.first).toBeUndefined();
});

test('lockstep of an equivalent run: no divergence, both stopped alike', () => {
	const sim = buildVmmScenario(sampleScenario('hazard-popf', {vmm: 'bt'}));
	const r = guestLockstep(sim, 0);
	expect(r.first).toBeUndefined();
	expect(r.ended).toBe('both stopped: powered off with code 0');
	expect(r.compared).toBeGreaterThan(1000);
});

test('stats --compare on a hazard: not comparable effectiveness, the why per technique', async () => {
	let out = '';
	vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
		out += String(chunk);
		return true;
	});
	await statsCommand(['--compare', 'samples/scenarios/hazard-smsw.json']);
	vi.restoreAllMocks();
	const row = (label: string) => out.split('\n').find((l) => l.startsWith(label))!.slice(20).trim().split(/\s{2,}/);
	expect(row('equivalence')).toEqual(['reference', 'not equivalent', 'equivalent', 'equivalent', 'equivalent']);
	expect(row('equivalence level')).toEqual(['none', 'ISA', 'ISA', 'OS', 'ISA']);
	expect(row('effectiveness')[1]).toBe('not comparable (not equivalent)');
	expect(Number(row('effectiveness')[2])).toBeGreaterThan(0);
	expect(out).toMatch(/^trap: not equivalent — first visible: console at byte 0, line 1$/m);
	expect(out).toMatch(/^ {2}why: first divergence: `smsw r0` at boot\+0x8 \(kernel\), guest instruction 1: r0 native 0x00000001, virtual 0x00000000\./m);
});
