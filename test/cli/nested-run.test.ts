/**
 * Issue 17 §2 through the CLI (dist/cli.js, spawned): `vmtop run --headless` on
 * nested-1.json, the same with --vmm trap, and nested-2.json print the kernel's
 * console output byte for byte as the native run of the same kernel and processes.
 */
import {describe, expect, test} from 'vitest';
import {vmtop as run} from './helpers.js';

/** The console part of `vmtop run --headless`: everything before the summary's blank line + `stopped:`. */
const consoleOf = (stdout: string) => stdout.slice(0, stdout.indexOf('\nstopped:'));

describe('vmtop run on nested scenarios', () => {
	const native = run(['run', '--headless', 'samples/scenarios/default.json']);

	test.each([
		['depth 1', ['samples/scenarios/nested-1.json'], 'level 1 mini-vmm.s'],
		['depth 2', ['samples/scenarios/nested-1.json', '--vmm', 'trap'], 'level 1 vmtop trap (TypeScript)'],
		["depth 2'", ['samples/scenarios/nested-2.json'], 'level 2 mini-vmm.s'],
	])('%s: the native console output, and the levels under the summary', (_name, args, level) => {
		const r = run(['run', '--headless', ...args]);
		expect(r.code).toBe(0);
		expect(consoleOf(r.stdout)).toBe(consoleOf(native.stdout));
		expect(r.stdout).toMatch(/\nnested: +level 1 .* → the kernel \(32 system calls\)\n/);
		expect(r.stdout).toContain(level);
	});
});
