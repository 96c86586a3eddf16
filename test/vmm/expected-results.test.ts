/**
 * The table of expected results, one test per cell, on the sample
 * kernel and the default scenario (classic) and its pentium twin:
 *
 *   profile \ vmm | none      | trap            | bt         | pv         | hvm
 *   classic       | reference | equivalent      | equivalent | equivalent | equivalent
 *   pentium       | reference | NOT equivalent  | equivalent | equivalent | equivalent
 *   hybrid        | reference | NOT equivalent  | equivalent | equivalent | equivalent
 *
 * (hvm on pentium: equivalent because none of these processes runs pushf or
 * sidt, the user-sensitive ones; hybrid.test.ts and hazards.test.ts show it
 * not equivalent when one does.)
 */
import {describe, expect, test} from 'vitest';
import {statsRun} from '../../source/cli/stats-run.js';
import {sampleScenario} from './helpers.js';

const cases = [
	['classic', 'default', {none: 'reference', trap: 'equivalent', bt: 'equivalent', pv: 'equivalent', hvm: 'equivalent'}],
	['pentium', 'pentium', {none: 'reference', trap: 'not equivalent', bt: 'equivalent', pv: 'equivalent', hvm: 'equivalent'}],
	['hybrid', 'hybrid', {none: 'reference', trap: 'not equivalent', bt: 'equivalent', pv: 'equivalent', hvm: 'equivalent'}],
] as const;

for (const [profile, scenario, expected] of cases) {
	describe(`${profile} (samples/scenarios/${scenario}.json)`, () => {
		for (const vmm of ['none', 'trap', 'bt', 'pv', 'hvm'] as const) {
			test(`${vmm}: ${expected[vmm]}`, () => {
				const run = statsRun(sampleScenario(scenario, {vmm}));
				expect(run.isa).toBe(profile);
				const eq = run.properties.equivalence;
				const hint = vmm === 'pv' ? ' (is every PV site of samples/os/kernel.s one-for-one? docs/hypercalls.md)' : '';
				expect(eq.verdict, JSON.stringify(eq.guests) + hint).toBe(expected[vmm]);
				if (vmm !== 'none') expect(run.stop.reason).toBe('poweroff');
			});
		}
	});
}

test('pentium under trap: the why names the first diverging instruction — smsw at boot, r0 1 natively, 0 virtualized', () => {
	const run = statsRun(sampleScenario('pentium', {vmm: 'trap'}));
	const guest = run.properties.equivalence.guests[0]!;
	expect(guest.verdict).toBe('not equivalent');
	// The first thing the guest sees differently: the kernel's own smsw check at boot.
	expect(guest.divergence!.kind).toBe('console');
	expect(guest.divergence!.virtual).toMatch(/smsw says user mode/);
	expect(guest.first).toMatchObject({mnemonic: 'smsw', by: 'kernel', what: 'r0', native: '0x00000001', virtual: '0x00000000'});
	expect(guest.first!.where).toBe('boot+0x8 (kernel)');
	expect(guest.cause).toMatch(/^first divergence: `smsw r0` at boot\+0x8 \(kernel\), guest instruction 1: r0 native 0x00000001, virtual 0x00000000\. smsw is not privileged on pentium/);
	expect(guest.cause).toMatch(/read the real mode \(user\)/);
});

test('pv enters the VMM fewer times than trap for the same guest work', () => {
	for (const scenario of ['default', 'pentium']) {
		const trap = statsRun(sampleScenario(scenario, {vmm: 'trap'}));
		const pv = statsRun(sampleScenario(scenario, {vmm: 'pv'}));
		// The same guest work: pv is equivalent, so it ran the native run's instructions.
		expect(pv.properties.equivalence.verdict).toBe('equivalent');
		expect(pv.properties.entries).toBeLessThan(trap.properties.entries);
		// The shared vCPU page: no entry at all for the kernel's mfcr/mtcr.
		expect(pv.exits.some((r) => /mfcr|mtcr/.test(r.reason))).toBe(false);
	}
});
