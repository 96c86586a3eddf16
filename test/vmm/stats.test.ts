/** `vmtop stats`: the exit-reason table (names, not numbers), the properties, `--compare`, `--json`. */
import {afterEach, expect, test, vi} from 'vitest';
import {statsCommand} from '../../source/cli/stats.js';
import {UsageError} from '../../source/cli/args.js';
import {captureOutput} from '../helpers/capture.js';

let out = '';
afterEach(() => {
	vi.restoreAllMocks();
	out = '';
});
function capture(): void {
	captureOutput({stdout: (text) => (out += text)});
}

/** A reason is a name: a category and a mnemonic, vector or hypercall name — never a bare number. */
const reasonName = /^(timer|(privileged|bt|hypercall): [a-z_]+|exception: (#[A-Z]{2}|timer|console|int 0x[0-9a-f]+))$/;

test('the exit table names every reason, with total, share, rate and mean cycles', async () => {
	capture();
	expect(await statsCommand(['--vmm', 'trap', '--json'])).toBe(0);
	const run = JSON.parse(out);
	expect(run.exits.length).toBeGreaterThan(3);
	for (const row of run.exits) {
		expect(row.reason).toMatch(reasonName);
		expect(row.count).toBeGreaterThan(0);
		expect(row.meanCycles).toBeGreaterThanOrEqual(1000);
		expect(row.perSecond).toBeGreaterThan(0);
	}
	expect(run.exits.reduce((s: number, r: {share: number}) => s + r.share, 0)).toBeCloseTo(1, 6);
	expect(run.properties.equivalence.verdict).toBe('equivalent');
	expect(run.output).toBeUndefined();
});

test('the text report: table, the three properties and effectiveness', async () => {
	capture();
	await statsCommand(['--vmm', 'pv', '--isa', 'pentium']);
	expect(out).toMatch(/^default — pentium, vmm pv \(Type I\), 1 guest$/m);
	expect(out).toMatch(/^VMM exits \(all guests\) +total +% +per s +mean cycles$/m);
	expect(out).toMatch(/^ {2}hypercall: cli +\d+ +\d+\.\d% +\d+ +\d+$/m);
	for (const p of ['equivalence', 'resource control', 'efficiency', 'effectiveness']) expect(out).toMatch(new RegExp(`^  ${p} `, 'm'));
});

test('--compare runs none, trap, bt, pv and hvm side by side: on classic all are equivalent', async () => {
	capture();
	await statsCommand(['--compare']);
	const lines = out.split('\n');
	expect(lines[0]).toMatch(/^default — classic: none, trap, bt, pv, hvm side by side \(equivalence, resource control, efficiency: Popek & Goldberg's three; effectiveness: the lecture's figure\)$/);
	expect(lines[2]!.trim().split(/\s+/)).toEqual(['none', 'trap', 'bt', 'pv', 'hvm']);
	const row = (label: string) => lines.find((l) => l.startsWith(label))!.slice(20).trim().split(/\s{2,}/);
	expect(row('equivalence')).toEqual(['reference', 'equivalent', 'equivalent', 'equivalent', 'equivalent']);
	expect(row('guest instructions').map(Number).every((n, _, all) => n === all[0])).toBe(true);
	// hvm interprets the kernel: fewer instructions run directly, and the interpreted count is shown.
	expect(parseFloat(row('efficiency')[4]!)).toBeLessThan(parseFloat(row('efficiency')[1]!));
	expect(Number(row('hvm interpreted')[4])).toBeGreaterThan(0);
	expect(row('hvm interpreted').slice(0, 4)).toEqual(['–', '–', '–', '–']);
	expect(out).toMatch(/^BT ≈ HVM \(the lecture\): same equivalence \(equivalent\), different cost — bt \d+ cycles, effectiveness 0\.\d+: the kernel runs directly, 0 sensitive sites patched, \d+ VMM entries; hvm \d+ cycles, effectiveness 0\.\d+: \d+ kernel instructions interpreted \(\d+ cycles\), \d+ VMM entries$/m);
	const entries = row('VMM entries').map(Number);
	expect(entries[0]).toBe(0);
	expect(entries[3]).toBeLessThan(entries[1]!);
	expect(row('effectiveness')[0]).toBe('1.000');
	expect(Number(row('effectiveness')[1])).toBeLessThan(1);
	expect(row('bt blocks/patches')[2]).toMatch(/^\d+\/0$/);
});

test('flags are checked', async () => {
	await expect(statsCommand(['--vmm', 'xen'])).rejects.toThrow(UsageError);
	await expect(statsCommand(['--type', '2'])).rejects.toThrow(/needs a VMM/);
	await expect(statsCommand(['--vms', '2', '--vmm', 'none'])).rejects.toThrow(/several guests need a VMM/);
});

test('live properties for the dashboard: so far while running, measured once stopped', async () => {
	const {buildVmmScenario} = await import('../../source/scenario/vmm-scenario.js');
	const {liveProperties} = await import('../../source/vmm/live-properties.js');
	const {sampleScenario} = await import('./helpers.js');
	const sim = buildVmmScenario(sampleScenario('pentium', {vmm: 'bt'}));
	sim.run(50_000);
	const running = liveProperties(sim)!;
	expect(running.map((l) => l.label)).toEqual(['equivalence', 'resource control', 'efficiency', 'effectiveness', 'VMM entries', 'translation']);
	expect(running[0]).toMatchObject({ok: true, value: expect.stringMatching(/^so far/)});
	while (!sim.stopped) sim.run(1_000_000);
	expect(liveProperties(sim)![0]).toMatchObject({ok: true, value: expect.stringMatching(/^equivalent/)});
});
