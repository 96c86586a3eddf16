/**
 * The expected-results table on our own miniature kernel (test/vmm/guests),
 * whose PV build is one-for-one by construction: the VMM's side of every cell,
 * independent of the sample kernel.
 */
import {describe, expect, test} from 'vitest';
import {runHeadless} from '../../source/cpu/headless.js';
import {classic, pentium} from '../../source/isa/profiles.js';
import {buildVmmSimulation} from '../../source/vmm/build.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {MEMORY, miniSpec, runNative} from './helpers.js';

const users = ['user-a.s', 'user-b.s'];

function run(technique: 'trap' | 'bt' | 'pv' | 'hvm', profile = classic, defines: Record<string, number> = {}) {
	const sim = buildVmmSimulation({technique, profile, memorySize: MEMORY, guests: [miniSpec('mini', users, {pv: technique === 'pv', defines})]});
	let output = '';
	runHeadless(sim, {maxInstructions: 5_000_000, onOutput: (t) => (output += t)});
	return {sim, output, report: measureProperties(sim)};
}

describe('the mini kernel', () => {
	for (const profile of [classic, pentium]) {
		for (const technique of ['trap', 'bt', 'pv', 'hvm'] as const) {
			const expected = profile === pentium && technique === 'trap' ? 'not equivalent' : 'equivalent';
			test(`${profile.name} ${technique}: ${expected}`, () => {
				const {report} = run(technique, profile);
				expect(report.equivalence.verdict, JSON.stringify(report.equivalence.guests)).toBe(expected);
				expect(report.resourceControl.verdict).toBe('contained');
			});
		}
	}

	test('output interleaves exactly as natively: the virtual timer counts guest instructions', () => {
		const native = runNative(miniSpec('mini', users).boot);
		const {sim, output} = run('trap');
		expect(output).toBe(native.output);
		expect(output).toMatch(/^A0\nB0\nB1\nA1\n/);
		expect(sim.guestList[0]!.vcpu.instret).toBe(native.machine.instret);
	});

	test('pentium under trap: the idle hlt stops the guest; the first divergence is its smsw', () => {
		const {sim, report} = run('trap', pentium);
		expect(sim.guestList[0]!.vcpu.stopped!.reason).toBe('halt-interrupts-disabled');
		const cause = report.equivalence.guests[0]!.cause!;
		expect(cause).toMatch(/^first divergence: `smsw r1` at .*: r1 native 0x00000001, virtual 0x00000000/);
		expect(cause).toMatch(/smsw is not privileged on pentium.*real mode \(user\)/);
	});

	test('pv: the shared vCPU page saves the mfcr/mtcr entries', () => {
		const trap = run('trap').report;
		const pv = run('pv').report;
		expect(pv.entries).toBeLessThan(trap.entries / 2);
	});
});
