/** Family virtualization: a guest whose ISA profile (`vms[i].isa`) differs from the real machine's. */
import {expect, test} from 'vitest';
import {parseScenario} from '../../source/scenario/scenario.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {formatStats} from '../../source/cli/stats-format.js';
import {sampleScenario} from './helpers.js';

const pushfGuest = (hostIsa: string, guestIsa: string) => {
	const s = sampleScenario('hazard-pushf');
	return {...s, isa: hostIsa, vmm: 'trap' as const, vms: [{name: 'g', kernel: s.kernel, programs: s.programs, input: '', isa: guestIsa}]};
};

test('a pentium guest on a classic host: its process pushf traps on the host and is emulated with the pentium user-mode meaning — equivalent', () => {
	const run = statsRun(pushfGuest('classic', 'pentium'));
	expect(run.output).toContain('pushf: IF = 0, S = 0');
	expect(run.properties.equivalence.verdict).toBe('equivalent');
	expect(run.exits.map((r) => r.reason)).toContain('family: pushf');
	expect(run.family).toEqual([{guest: 0, name: 'g', isa: 'pentium', host: 'classic', emulated: ['sidt', 'smsw', 'pushf', 'popf'], direct: []}]);
	expect(formatStats(run)).toMatch(/^family virtualization: guest 0 \(g\) runs ISA 'pentium' on the real machine's 'classic'$/m);
});

test('a classic guest on a pentium host: its process runs pushf directly instead of taking #GP — not equivalent, and stats says why', () => {
	const run = statsRun(pushfGuest('pentium', 'classic'));
	// Natively (classic) the process is killed with #GP; here it prints.
	expect(run.output).toContain('pushf: IF = 1');
	expect(run.properties.equivalence.verdict).toBe('not equivalent');
	expect(run.family![0]!.direct).toEqual(['sidt', 'smsw', 'pushf', 'popf']);
	expect(formatStats(run)).toMatch(/sidt, smsw, pushf, popf: privileged in 'classic', not on 'pentium' — a guest process runs them directly/);
});

test('vms[i].isa is parsed and checked like isa', () => {
	const file = '/tmp/x.json';
	const ok = parseScenario(JSON.stringify({vmm: 'trap', vms: [{programs: ['a.s'], isa: 'pentium'}]}), file);
	expect(Array.isArray(ok.vms) && ok.vms[0]!.isa).toBe('pentium');
	expect(() => parseScenario(JSON.stringify({vmm: 'trap', vms: [{programs: ['a.s'], isa: 'x86'}]}), file)).toThrow(
		/key "vms\[0\]\.isa": expected "classic", "pentium" or a profile file \(\.json\), got "x86"/,
	);
});
