import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, describe, expect, it, vi} from 'vitest';
import {formatReport} from '../../source/check/format.js';
import type {CheckReport} from '../../source/check/report.js';
import {checkCommand} from '../../source/cli/check.js';
import {captureOutput} from '../helpers/capture.js';
import {CHECK_TIMEOUT, instruction} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmtop-check-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function file(name: string, text: string): string {
	const path = join(dir, name);
	writeFileSync(path, text);
	return path;
}

/** Run `vmtop check` and collect what it prints. */
async function run(argv: string[]): Promise<{code: number; stdout: string; stderr: string}> {
	let stdout = '';
	let stderr = '';
	captureOutput({stdout: (text) => (stdout += text), stderr: (text) => (stderr += text)});
	const code = await checkCommand(argv);
	vi.restoreAllMocks();
	return {code, stdout, stderr};
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe('vmtop check with a custom profile', () => {
	it(
		'an innocuous instruction made privileged: still virtualizable',
		async () => {
			const path = file('nop.json', JSON.stringify({name: 'nop-privileged', privileged: {nop: true}}));
			const {code, stdout} = await run(['--isa', path, '--json']);
			expect(code).toBe(0);
			const report = JSON.parse(stdout) as CheckReport;
			expect(report.profile.name).toBe('nop-privileged');
			expect(report.conclusion).toBe('virtualizable');
			const nop = instruction(report, 'nop');
			expect(nop.privileged).toBe(true);
			expect(nop.classes).toEqual(['privileged', 'innocuous']);
			expect(report.verdicts.theorem3.holds).toBe(true);
		},
		CHECK_TIMEOUT,
	);

	it(
		'cli made unprivileged: not virtualizable, and cli is named',
		async () => {
			const path = file('cli.json', JSON.stringify({name: 'cli-free', privileged: {cli: false}}));
			const {code, stdout} = await run(['--isa', path, '--json']);
			expect(code).toBe(0);
			const report = JSON.parse(stdout) as CheckReport;
			expect(report.conclusion).toBe('not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold)');
			expect(report.verdicts.theorem1.offenders).toEqual(['cli']);
			// cli is control-sensitive in user mode itself: no hybrid VMM either.
			expect(report.verdicts.theorem3.offenders).toEqual(['cli']);
			const e = instruction(report, 'cli').evidence.find((x) => x.property === 'control-sensitive')!;
			expect(e.states).toEqual(['user, IF=1']);
			expect(e.observed).toBe('no trap, IF 1→0');
			const text = formatReport(report);
			expect(text).toMatch(/^cli +no +control \(IF\) +✗ sensitive, unprivileged/m);
			expect(text).toContain("Conclusion: 'cli-free' is not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold) — sensitive but unprivileged: cli");
		},
		CHECK_TIMEOUT,
	);

	it('a malformed profile file: exit 2, the message names the file', async () => {
		const path = file('broken.json', '{"privileged": {"cli": false,');
		const {code, stdout, stderr} = await run(['--isa', path]);
		expect(code).toBe(2);
		expect(stdout).toBe('');
		expect(stderr).toContain(path);
		expect(stderr).toMatch(/not valid JSON/);
	});

	it('a profile that is not an object of booleans: exit 2', async () => {
		const path = file('values.json', JSON.stringify({privileged: {cli: 'yes'}}));
		const {code, stderr} = await run(['--isa', path]);
		expect(code).toBe(2);
		expect(stderr).toContain(`${path}: "privileged"."cli" must be true or false`);
	});

	it('unknown instruction names: exit 2, every one named', async () => {
		const path = file('unknown.json', JSON.stringify({privileged: {cli: false, sgdt: true, lar: false}}));
		const {code, stderr} = await run(['--isa', path]);
		expect(code).toBe(2);
		expect(stderr).toContain(`${path}: unknown instruction names: sgdt, lar`);
	});

	it('a missing file, an unknown flag, a stray argument: exit 2', async () => {
		expect((await run(['--isa', join(dir, 'missing.json')])).stderr).toMatch(/cannot read .*missing\.json/);
		const flag = await run(['--fast']);
		expect(flag.code).toBe(2);
		expect(flag.stderr).toMatch(/Unknown flag --fast/);
		expect((await run(['pentium'])).code).toBe(2);
	});

	it('--help prints the usage', async () => {
		const {code, stdout} = await run(['--help']);
		expect(code).toBe(0);
		expect(stdout).toMatch(/vmtop check \[--isa classic\|pentium\|FILE.json\] \[--json\]/);
	});

	it(
		'samples/isa/hybrid.json: Theorem 1’s condition does not hold (smsw, popf), Theorem 3 holds — a hybrid VMM can be built',
		async () => {
			const {code, stdout} = await run(['--isa', 'samples/isa/hybrid.json']);
			expect(code).toBe(0);
			expect(stdout).toMatch(/^Theorem 1: .*: FAILS → not virtualizable by trap-and-emulate \(Theorem 1’s condition does not hold\)$/m);
			expect(stdout).toMatch(/^Theorem 3: a hybrid virtual machine monitor can be built — user-sensitive ⊆ privileged: holds → a hybrid VMM can be built$/m);
			expect(stdout).toContain("Conclusion: 'hybrid' is not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold) — sensitive but unprivileged: smsw, popf\n");
			expect(stdout).toContain('Theorem 3 holds: every user-sensitive instruction is privileged, so a hybrid VMM can be built');
			expect(stdout).not.toContain('Theorem 3’s condition does not hold');
		},
		CHECK_TIMEOUT,
	);
});
