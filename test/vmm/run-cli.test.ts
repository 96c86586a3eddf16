/** `vmtop run --vmm … --type … --vms …`: the scenario under the VMM, headless. */
import {afterEach, expect, test, vi} from 'vitest';
import {runCommand} from '../../source/cli/run.js';
import {UsageError} from '../../source/cli/args.js';
import {captureOutput} from '../helpers/capture.js';

let out = '';
afterEach(() => {
	vi.restoreAllMocks();
	out = '';
});
function capture(): void {
	captureOutput({stdout: (text) => (out += text), stderr: () => {}});
}

test('the default scenario under bt, Type II, two guests', async () => {
	capture();
	expect(await runCommand(['--headless', '--vmm', 'bt', '--type', '2', '--vms', '2'])).toBe(0);
	expect(out).toMatch(/^\[vm0\] hello from pid 1$/m);
	expect(out).toMatch(/^\[vm1\] \[kernel\] all processes have exited: power off$/m);
	expect(out).toMatch(/^vmm: +bt \(Type II\), \d+ VMM entries, \d+ world switches/m);
	expect(out).toMatch(/^guest 1: +default\.1: powered off with code 0; \d+ guest instructions/m);
});

test('--json carries the VMM summary; the exit code is the guest power-off code', async () => {
	capture();
	expect(await runCommand(['--headless', '--vmm', 'pv', '--json', '--user', 'samples/user/hello.s'])).toBe(0);
	const summary = JSON.parse(out);
	expect(summary.vmm.technique).toBe('pv');
	expect(summary.vmm.guests).toHaveLength(1);
	expect(summary.vmm.entries).toBeGreaterThan(0);
});

test('VMM flags are checked', async () => {
	let err = '';
	vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
	await expect(runCommand(['--headless', '--vmm', 'kvm'])).rejects.toThrow(UsageError);
	// The scenario is read before these are checked: reported as usage errors (exit 2), nothing runs.
	expect(await runCommand(['--headless', '--type', '2'])).toBe(2);
	expect(err).toMatch(/^--type 2 needs a VMM/);
	err = '';
	expect(await runCommand(['--headless', '--vms', '3'])).toBe(2);
	expect(err).toMatch(/^several guests need a VMM/);
	err = '';
	expect(await runCommand(['samples/bare/hello.s', '--headless', '--vmm', 'trap'])).toBe(2);
	expect(err).toMatch(/need a kernel/);
});
