import {describe, expect, it} from 'vitest';
import {vmtop} from './helpers.js';

describe('vmtop run PROGRAM.s --headless (bare programs)', () => {
	it('hello.s prints its greeting and powers off with 0', () => {
		const r = vmtop(['run', 'samples/bare/hello.s', '--headless']);
		expect(r.stdout).toContain('Hello, V32!');
		expect(r.stdout).toMatch(/instructions: +\d+/);
		expect(r.code).toBe(0);
	});

	it('primes.s counts the 1229 primes below 10000', () => {
		const r = vmtop(['run', 'samples/bare/primes.s', '--headless']);
		expect(r.stdout).toContain('primes below 10000: 1229');
		expect(r.code).toBe(0);
	});

	it('traps.s handles #DE, #GP, brk and the timer, one line each', () => {
		const r = vmtop(['run', 'samples/bare/traps.s', '--headless', '--json']);
		const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
		expect(summary.exceptions).toEqual({'#DE': 1, '#GP': 1, '#BP': 1, timer: 1});
		expect(summary.stop.reason).toBe('poweroff');
		const text = vmtop(['run', 'samples/bare/traps.s', '--headless']).stdout;
		expect(text).toMatch(/caught #DE.*\ncaught #GP.*\ncaught #BP.*\ncaught timer interrupt.*\nall four handled/);
	});

	it('--json prints the summary as one JSON object', () => {
		const r = vmtop(['run', 'samples/bare/hello.s', '--headless', '--json']);
		const lines = r.stdout.trim().split('\n');
		expect(lines).toHaveLength(1);
		const s = JSON.parse(lines[0]!);
		expect(s).toMatchObject({exitCode: 0, stop: {reason: 'poweroff', code: 0}});
		expect(s.instructions).toBeGreaterThan(10);
		expect(s.cycles).toBeGreaterThanOrEqual(s.instructions);
		expect(s.output).toBe('Hello, V32!\n');
	});

	it('the instruction limit ends the run with a message and a nonzero code', () => {
		const r = vmtop(['run', 'samples/bare/primes.s', '--headless', '--max-instructions', '1000']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toMatch(/instruction limit of 1000/);
	});

	it('a bare program starts at reset (pc = 0), not at _start', () => {
		const r = vmtop(['run', 'test/cli/fixtures/reset-at-zero.s', '--headless']);
		expect(r.stdout.startsWith('A')).toBe(true);
		expect(r.code).toBe(0);
	});

	it('the exit code is the power-off code', () => {
		const r = vmtop(['run', 'test/cli/fixtures/exit7.s', '--headless']);
		expect(r.code).toBe(7);
	});

	it('a triple fault ends with a message and a nonzero code', () => {
		const r = vmtop(['run', 'test/cli/fixtures/triple.s', '--headless']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toMatch(/triple fault/);
	});

	it('hlt with interrupts disabled ends with a message and a nonzero code', () => {
		const r = vmtop(['run', 'test/cli/fixtures/hlt.s', '--headless']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toMatch(/halted with interrupts disabled/);
	});

	it('--input feeds the console and --isa picks the profile', () => {
		const r = vmtop(['run', 'test/cli/fixtures/echo-one.s', '--headless', '--input', 'Z', '--isa', 'pentium']);
		expect(r.stdout.startsWith('Z')).toBe(true);
		expect(r.code).toBe(0);
	});

	it('assembler errors name file:line:col, every one of them, and nothing runs', () => {
		const r = vmtop(['run', 'test/cli/fixtures/broken.s', '--headless']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toContain("test/cli/fixtures/broken.s:2:9: unknown mnemonic 'frob'");
		expect(r.stderr).toContain("test/cli/fixtures/broken.s:3:13: undefined label 'nowhere'");
		expect(r.stdout).not.toMatch(/instructions:/);
	});
});

describe('arguments', () => {
	it('--version prints the version', () => {
		expect(vmtop(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
	});

	it('--help lists the commands', () => {
		const r = vmtop(['--help']);
		expect(r.code).toBe(0);
		for (const c of ['run', 'disasm', 'pvm']) expect(r.stdout).toContain(`  ${c} `);
	});

	it('an unknown flag names itself and where the flags are listed, and exits 2', () => {
		const r = vmtop(['run', 'samples/bare/hello.s', '--headless', '--frobnicate']);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe('Unknown flag --frobnicate\n(vmtop run --help lists its flags)\n');
	});

	it('an unknown command prints the usage and exits 2', () => {
		const r = vmtop(['frobnicate']);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("Unknown command 'frobnicate'");
		expect(r.stderr).toContain('Usage');
	});

	it('a bad --isa names the flag and the choices', () => {
		const r = vmtop(['run', 'samples/bare/hello.s', '--headless', '--isa', 'vax']);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--isa expects classic, pentium or a profile FILE\.json; got 'vax'/);
	});
});

describe('vmtop disasm', () => {
	it('prints a listing with the program labels', () => {
		const r = vmtop(['disasm', 'samples/bare/hello.s']);
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^_start:/m);
		expect(r.stdout).toMatch(/jz done/);
	});
});
