import {afterEach, describe, expect, test, vi} from 'vitest';
import {UsageError} from '../../source/cli/args.js';
import {colorsOff, dashboardCommand, dumbTerminal, inCi} from '../../source/cli/dashboard.js';
import {buildRun, isProgramFile} from '../../source/driver/run-factory.js';
import {captureOutput} from '../helpers/capture.js';

function capture() {
	let out = '';
	let err = '';
	captureOutput({stdout: (text) => (out += text), stderr: (text) => (err += text)});
	return {out: () => out, err: () => err};
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('vmtop (the dashboard command)', () => {
	test('not a terminal: runs headless and prints the summary', async () => {
		const io = capture();
		const code = await dashboardCommand(['samples/bare/hello.s']);
		expect(code).toBe(0);
		expect(io.out()).toContain('Hello, V32!');
		expect(io.out()).toMatch(/stopped: +powered off with code 0/);
		expect(io.err()).toContain('not a terminal');
	});

	test('--help tells the flags', async () => {
		const io = capture();
		expect(await dashboardCommand(['--help'])).toBe(0);
		for (const flag of ['--vmm', '--isa', '--type', '--vms', '--speed', '--no-color', '--paused', '--headless']) {
			expect(io.out()).toContain(flag);
		}
	});

	test('bad flags are usage errors (exit 2)', async () => {
		capture();
		await expect(dashboardCommand(['--bogus'])).rejects.toThrow(UsageError);
		await expect(dashboardCommand(['--speed', 'fast'])).rejects.toThrow(/--speed expects/);
		await expect(dashboardCommand(['--vmm', 'xen'])).rejects.toThrow(/--vmm expects one of none, trap, bt, pv/);
		await expect(dashboardCommand(['--type', '3'])).rejects.toThrow(/--type expects 1 or 2/);
		await expect(dashboardCommand(['a.json', 'b.json'])).rejects.toThrow(/expected one scenario or program/);
	});

	test('a program that does not assemble is reported, exit 1', async () => {
		const io = capture();
		expect(await dashboardCommand(['test/ui/no-such-file.s'])).toBe(1);
		expect(io.err()).toMatch(/no-such-file\.s/);
	});

	test('CI detection as Ink does it', () => {
		expect(inCi({})).toBe(false);
		expect(inCi({CI: 'true'})).toBe(true);
		expect(inCi({CI: 'false'})).toBe(false);
		expect(inCi({CI_PIPELINE_ID: '1'})).toBe(true);
	});

	test('TERM=dumb runs headless; monochrome or dumb terminals get no colours', () => {
		expect(dumbTerminal({TERM: 'dumb'})).toBe(true);
		expect(dumbTerminal({TERM: 'xterm-256color'})).toBe(false);
		expect(dumbTerminal({})).toBe(false);
		expect(colorsOff(undefined, {TERM: 'xterm-mono'})).toBe(true);
		expect(colorsOff(undefined, {TERM: 'linux-m'})).toBe(true);
		expect(colorsOff(undefined, {TERM: 'dumb'})).toBe(true);
		expect(colorsOff(undefined, {TERM: 'xterm-256color'})).toBe(false);
		expect(colorsOff(undefined, {TERM: 'xterm-256color', NO_COLOR: '1'})).toBe(true);
		expect(colorsOff(false, {TERM: 'xterm-256color'})).toBe(true);
		expect(colorsOff(undefined, {TERM: 'screen-256color'})).toBe(false);
	});
});

describe('buildRun', () => {
	test('the default scenario, and a restart with another profile', () => {
		const run = buildRun({live: false});
		expect(run.sim.description).toMatchObject({name: 'default', isa: 'classic', vmm: 'none'});
		expect(run.isaProfiles).toEqual(['classic', 'pentium']);
		expect(run.factory({isa: 'pentium'}).description.isa).toBe('pentium');
	});

	test('a restart from the chooser sets type and guests, keeps the rule, and names the scenario running now', () => {
		const run = buildRun({live: false});
		expect(run.scenario()?.vmm).toBe('none');
		expect(() => run.factory({vms: 2})).toThrow(/several guests need a VMM/);
		expect(() => run.factory({type: 2})).toThrow(/needs a VMM/);
		const sim = run.factory({vmm: 'trap', type: 2, vms: 3});
		expect(sim.description).toMatchObject({vmm: 'trap', type: 2, guests: 3});
		expect(run.scenario()).toMatchObject({vmm: 'trap', type: 2, vms: 3});
		// Back to no VMM with three guests: refused, the run's scenario unchanged.
		expect(() => run.factory({vmm: 'none'})).toThrow(/several guests need a VMM/);
		expect(run.scenario()?.vmm).toBe('trap');
	});

	test('a bare program cannot switch to a VMM', () => {
		expect(isProgramFile('x.s')).toBe(true);
		expect(isProgramFile('x.json')).toBe(false);
		const run = buildRun({file: 'samples/bare/hello.s', live: false});
		expect(run.bare).toBe(true);
		expect(() => run.factory({vmm: 'trap'})).toThrow(/without a VMM/);
		expect(run.factory({isa: 'pentium'}).description.isa).toBe('pentium');
		expect(run.scenario()).toBeUndefined();
	});
});
