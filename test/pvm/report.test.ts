import {writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {scratchDir} from '../helpers/scratch.js';
import {pvmCommand} from '../../source/cli/pvm.js';
import {formatPvmTable, measureTechnique, pvmReport, pvmRows} from '../../source/pvm/report.js';
import {TECHNIQUES} from '../../source/pvm/techniques.js';
import {translateToSource} from '../../source/pvm/translated.js';
import {sample, SAMPLES} from './helpers.js';

/** A clock that advances 1 ms per reading. */
const ticking = () => {
	let now = 0;
	return () => (now += 1);
};

describe('pvmReport', () => {
	it('has a row per technique with dispatches, ns per dispatch, speed vs STC and the x86 overhead', () => {
		const report = pvmReport(sample('lecture.bc'), {clock: ticking()});
		expect(report.output).toEqual(['4753']);
		expect(report.rows.map((r) => r.label)).toEqual(['STC', 'TTC', 'PTC', 'ITC', 'DTC', 'translated']);
		expect(report.rows.map((r) => r.x86Overhead.text)).toEqual(['7', '4 + table', '2', '4', '3', '0 (no dispatch)']);
		for (const row of report.rows) {
			expect(row.dispatches).toBe(5);
			// One run between two ticks: 1 ms for 5 dispatches.
			expect(row.nsPerDispatch).toBe(200_000);
			expect(row.relativeToStc).toBe(1);
		}
	});

	it('repeats runs for minSeconds after an untimed warm-up', () => {
		const m = measureTechnique(sample('lecture.bc'), 'dtc', {minSeconds: 0.01, clock: ticking()});
		expect(m.runs).toBe(10);
		expect(m.elapsedMs).toBe(10);
	});

	it('measures STC as the baseline when only another technique is asked for', () => {
		const report = pvmReport(sample('lecture.bc'), {techniques: ['itc'], clock: ticking()});
		expect(report.rows.map((r) => r.technique)).toEqual(['itc']);
		expect(report.rows[0]!.relativeToStc).toBe(1);
		expect(pvmReport(sample('lecture.bc'), {techniques: ['itc'], baseline: false}).rows[0]!.relativeToStc).toBeNull();
	});

	it('computes speed relative to STC', () => {
		const base = {output: [], dispatches: 100, runs: 1};
		const rows = pvmRows([
			{...base, technique: 'stc', elapsedMs: 0.002},
			{...base, technique: 'translated', elapsedMs: 0.0005},
		]);
		expect(rows.map((r) => [r.nsPerDispatch, r.relativeToStc])).toEqual([
			[20, 1],
			[5, 4],
		]);
	});
});

describe('formatPvmTable', () => {
	it('lays out every technique with the lecture overhead column', () => {
		const base = {output: [], dispatches: 1_300_000_007, runs: 1};
		const rows = pvmRows(TECHNIQUES.map((technique, i) => ({...base, technique, elapsedMs: 5000 + i * 1000})));
		expect(formatPvmTable(rows)).toBe(
			[
				'technique                             dispatches  ns/dispatch  vs STC  x86 instr./dispatch (lecture)',
				'STC        switch-threaded         1,300,000,007         3.85   1.00×  7',
				'TTC        token-threaded          1,300,000,007         4.62   0.83×  4 + table',
				'PTC        procedure-threaded      1,300,000,007         5.38   0.71×  2',
				'ITC        indirect-threaded       1,300,000,007         6.15   0.63×  4',
				'DTC        direct-threaded         1,300,000,007         6.92   0.56×  3',
				'translated compiled to JavaScript  1,300,000,007         7.69   0.50×  0 (no dispatch)',
			].join('\n'),
		);
	});
});

describe('translation', () => {
	it('compiles the lecture program to straight-line JavaScript without a stack pointer', () => {
		const js = translateToSource(sample('lecture.bc'));
		expect(js).toContain('s[fp] = 4711; // LOAD_4711');
		expect(js).toContain('s[fp] = s[fp] + s[fp + 1]; // ADD');
		expect(js).toContain('print(s[fp]); // PRINT');
		expect(js).not.toMatch(/\bsp\b/);
	});
});

/** Runs the command, capturing what it writes. */
async function cli(...argv: string[]) {
	let stdout = '';
	let stderr = '';
	const code = await pvmCommand(argv, {stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t)});
	return {code, stdout, stderr};
}

describe('vmtop pvm', () => {
	it('runs the lecture program by default under every technique', async () => {
		const {code, stdout, stderr} = await cli();
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(stdout.startsWith('4753\n')).toBe(true);
		expect(stdout).toContain('x86 instr./dispatch (lecture)');
		for (const label of ['STC', 'TTC', 'PTC', 'ITC', 'DTC', 'translated']) expect(stdout).toMatch(new RegExp(`^${label} `, 'm'));
		expect(stdout).toMatch(/^TTC .* 4 \+ table$/m);
		// Timed over runs after a warm-up, not one cold run (5 dispatches: that timed the JIT), and says what the order means.
		expect(stdout).toContain('lecture.bc: one untimed run, then repeated for ≥ 0.05 s each (--bench: 0.3 s)');
		expect(stdout).toContain('so the measured order need not follow the x86 column.');
	});

	it('runs one technique on a given program with a define', async () => {
		const {code, stdout} = await cli(path.join(SAMPLES, 'hanoi.bc'), '--dispatch', 'dtc', '-D', 'N=2');
		expect(code).toBe(0);
		// Printed once, however many times the technique is run to time it.
		expect(stdout.split('\n').slice(0, 5)).toEqual(['12', '13', '23', '3', '']);
		expect(stdout).toMatch(/^DTC .* 3$/m);
		expect(stdout).not.toMatch(/^STC /m);
	});

	it('rejects an unknown technique with exit code 2, naming the flag and the choices', async () => {
		const {code, stderr} = await cli('--dispatch', 'jit');
		expect(code).toBe(2);
		expect(stderr).toBe("vmtop pvm: --dispatch expects one of all, stc, ttc, ptc, itc, dtc, translated; got 'jit'\n");
	});

	it('prints assembler errors and exits 1', async () => {
		const dir = scratchDir('pvm-');
		const file = path.join(dir, 'bad.bc');
		writeFileSync(file, 'LOAD 1\nFROB\nJUMP nowhere\n');
		const {code, stdout, stderr} = await cli(file);
		expect(code).toBe(1);
		expect(stdout).toBe('');
		expect(stderr).toBe(
			`${file}:2:1: expected an instruction (ADD, CALL, DIV, DUP, END, EQ, GE, GT, JUMP, JUMPNZ, JUMPZ, LE, LOAD, LOAD_42, LOAD_4711, LOCAL, LT, MOD, MUL, NE, POP, PRINT, RET, STORE, SUB), a label ('name:') or .const, found 'FROB'\n` +
				`${file}:3:6: expected a label defined in this file, found 'nowhere'\n`,
		);
	});

	it('reports a missing file, a runaway program and a bad define', async () => {
		expect((await cli('no/such/file.bc')).stderr).toBe('vmtop pvm: cannot read no/such/file.bc: ENOENT\n');
		const loop = path.join(SAMPLES, 'loop.bc');
		const runaway = await cli(loop, '--max-dispatches', '100');
		expect(runaway.code).toBe(1);
		expect(runaway.stderr).toMatch(/loop\.bc:\d+: runaway program: dispatch limit of 100 reached/);
		const define = await cli(loop, '-D', 'M=3');
		expect(define.code).toBe(2);
		expect(define.stderr).toBe(`vmtop pvm: --define: ${loop} has no .const M (it has: N)\n`);
	});

	it('prints the translation with --js and help with --help', async () => {
		const js = await cli('--js');
		expect(js.stdout).toContain('// LOAD_4711');
		const help = await cli('--help');
		expect(help.code).toBe(0);
		expect(help.stdout).toContain('$ vmtop pvm [PROGRAM]');
	});
});
