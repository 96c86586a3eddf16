/**
 * `vmtop run` with scenarios and user programs: the built binary, spawned.
 * Like test/cli/, it runs dist/cli.js: `npm test` builds it first (else run
 * `npx tsc -p tsconfig.build.json`). Building here would race with the other
 * files that spawn dist/cli.js.
 */
import {writeFileSync} from 'node:fs';
import * as path from 'node:path';
import {describe, expect, test} from 'vitest';
import {scratchDir} from './helpers/scratch.js';
import {vmtop as run} from './cli/helpers.js';

const vmtop = (...args: string[]) => run(args);

describe('vmtop run', () => {
	test('with no argument runs samples/scenarios/default.json', () => {
		const r = vmtop('run', '--headless');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('hello from pid 1\n');
		expect(r.stdout).toContain('                   7. step: move disk 1 from rod 1 to rod 3\n');
		expect(r.stdout).toContain('counter (pid 3): 100000\n');
		expect(r.stdout).toMatch(/\[kernel\] pid 4 killed: #DE at 0x[0-9a-f]{8}\n/);
		expect(r.stdout).toContain('stopped:      powered off with code 0');
		expect(r.stdout).toMatch(/processes: +4 \(3 exited, 1 killed\)/);
	});

	test('a scenario file; the exit code is the power-off code', () => {
		const r = vmtop('run', 'samples/scenarios/hostile.json', '--headless');
		expect(r.code).toBe(99);
		expect(r.stdout).toContain('[hostile] 5: powering off the machine (out 0xF0, 99)');
	});

	test('--user programs on the sample kernel, with --input', () => {
		const r = vmtop('run', '--headless', '--user', 'samples/user/hanoi.s', '--user', 'samples/user/fault.s', '--input', '2\n');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('3. step: move disk 1 from rod 2 to rod 3\n');
		expect(r.stdout).toContain('[kernel] pid 2 killed: #DE');
	});

	test('the summary counts in words that agree with their number (1 switch, 10 system calls)', () => {
		const r = vmtop('run', '--headless', '--user', 'samples/user/hanoi.s', '--input', '3');
		expect(r.stdout).toMatch(/processes: +1 \(1 exited\); \d+ system calls, 1 switch$/m);
	});

	test('--kernel', () => {
		const r = vmtop('run', '--headless', '--user', 'samples/user/hello.s', '--kernel', 'samples/os/hostile.s');
		expect(r.code).toBe(99);
	});

	test('flags replace the scenario\'s values', () => {
		const r = vmtop('run', 'samples/scenarios/hanoi.json', '--headless', '--input', '1\n', '--isa', 'pentium', '--json');
		expect(r.code).toBe(0);
		const summary = JSON.parse(r.stdout);
		expect(summary).toMatchObject({scenario: 'samples/scenarios/hanoi.json', exitCode: 0, stop: {reason: 'poweroff', code: 0}});
		expect(summary.os.processes).toEqual([expect.objectContaining({pid: 1, state: 'exited'})]);
		expect(summary.os.syscalls).toBe(4); // read '1', read the newline, write the one move, exit
	});

	test('--max-instructions stops the run with a nonzero code', () => {
		const r = vmtop('run', '--headless', '--max-instructions', '5000');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('stopped after the instruction limit of 5000');
	});

	test('a bare program still runs as before', () => {
		const dir = scratchDir('vmtop-cli-');
		writeFileSync(path.join(dir, 'bare.s'), "_start: out 0x10, 'k'\n        out 0xF0, 7\n");
		const r = vmtop('run', path.join(dir, 'bare.s'), '--headless');
		expect(r.code).toBe(7);
		expect(r.stdout.startsWith('k\n')).toBe(true);
	});

	test('a user program that does not assemble: file:line:col, nothing runs', () => {
		const dir = scratchDir('vmtop-cli-');
		const bad = path.join(dir, 'bad.s');
		writeFileSync(bad, '_start: nop\n  frob\n');
		const r = vmtop('run', '--headless', '--user', 'samples/user/hello.s', '--user', bad);
		expect(r.code).toBe(1);
		expect(r.stderr).toBe(`${bad}:2:3: unknown mnemonic 'frob'\n`);
		expect(r.stdout).toBe('');
	});

	test('a bad scenario: the message, and nothing runs', () => {
		const dir = scratchDir('vmtop-cli-');
		const file = path.join(dir, 'bad.json');
		writeFileSync(file, JSON.stringify({programs: ['x.s'], memroy: 5}));
		const r = vmtop('run', file, '--headless');
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`vmtop: ${file}: unknown key "memroy"`);
		expect(r.stdout).toBe('');
	});

	test('--user with a scenario is a usage error', () => {
		const r = vmtop('run', 'samples/scenarios/default.json', '--user', 'samples/user/hello.s');
		expect(r.code).toBe(2);
	});

	test('--help tells about scenarios and --user', () => {
		const r = vmtop('run', '--help');
		expect(r.code).toBe(0);
		expect(r.stdout).toContain('--user FILE.s');
		expect(r.stdout).toContain('samples/scenarios/default.json');
	});
});
