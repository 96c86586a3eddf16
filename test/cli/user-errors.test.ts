/**
 * Messages, not stack traces (issue 13 §3): `vmtop stats` routes every
 * ordinary input error through the user-error path `run` uses, and a trace
 * handed to the dashboard or `run` is recognised as one.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {vmtop} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmtop-user-errors-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const file = (name: string, text: string): string => {
	const p = join(dir, name);
	writeFileSync(p, text);
	return p;
};
mkdirSync(join(dir, 'a-directory'));
file('bad.s', '_start: mov r1,\n');
file('no-boot-info.s', '_start: hlt\n');

const cases: Array<[string, string, RegExp]> = [
	['a missing file', join(dir, 'missing.json'), /missing\.json: cannot read the scenario/],
	['invalid JSON', file('invalid.json', '{'), /invalid\.json: not valid JSON/],
	['an unknown key', file('unknown.json', '{"bogus": 1}'), /unknown\.json: unknown key "bogus"/],
	['a bad value', file('value.json', '{"vmm": "xyz"}'), /value\.json: key "vmm": expected "none", "trap", "bt", "pv" or "hvm", got "xyz"/],
	['an assembler error', file('asm.json', '{"programs": ["bad.s"]}'), /bad\.s:1:16: expected an operand/],
	['a directory', join(dir, 'a-directory'), /a-directory: cannot read the scenario/],
	['a trace', 'samples/traces/default.vmtrace.jsonl.gz', /default\.vmtrace\.jsonl\.gz: stats runs a scenario \(\.json\); this looks like a trace — 'vmtop replay .*' replays it/],
	['a program (.s)', join(dir, 'bad.s'), /bad\.s: stats runs a scenario \(\.json\) under a VMM; .* 'vmtop run .*bad\.s' runs it/],
];

describe('vmtop stats: every ordinary input error is a message, exit 1', () => {
	test.each(cases)('%s', (_name, arg, message) => {
		const r = vmtop(['stats', arg]);
		expect(r.stderr).toMatch(message);
		expect(r.stderr).not.toMatch(/\n\s+at /);
		expect(r.stderr).not.toMatch(/Error:/);
		expect(r.code).toBe(1);
	});

	test('the loader error names the kernel and what is missing', () => {
		const kernel = file('k.s', '_start: hlt\n');
		file('prog.s', '_start: hlt\n');
		const r = vmtop(['stats', file('k.json', `{"kernel": ${JSON.stringify(kernel)}, "programs": ["prog.s"]}`)]);
		expect(r.stderr).toBe(`vmtop: ${kernel}: the kernel has no label 'boot_info', so it cannot be told about its processes\n`);
		expect(r.code).toBe(1);
	});
});

describe('a trace given where a program or scenario goes', () => {
	test.each([
		['the dashboard (headless: not a terminal)', []],
		['run', ['run', '--headless']],
	])('%s says it is a trace and names vmtop replay, in one line', (_name, args) => {
		const trace = 'samples/traces/default.vmtrace.jsonl.gz';
		const r = vmtop([...args, trace]);
		expect(r.stderr).toBe(`${trace}:1:1: '${trace}' is a vmtop trace, not assembly or a scenario — 'vmtop replay ${trace}' replays it\n`);
		expect(r.code).toBe(1);
	});
});
