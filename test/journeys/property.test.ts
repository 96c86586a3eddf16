/**
 * Issue 12: for every journey of any run, the parts of its cost add up exactly
 * to the cycle counter's change between its opening and its end — random user
 * programs, every technique, both types, 1–3 guests, both ISA profiles.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import {afterAll, expect, test} from 'vitest';
import {defaultKernelFile, scenarioFromFlags} from '../../source/scenario/scenario.js';
import type {VmmTechnique} from '../../source/sim/simulation.js';
import {journeyProblems, journeyRun} from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vmtop-journeys-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const lib = path.resolve('samples/user/lib.inc');

/** One step of a user program: system calls, a busy loop (preempted by the timer), sensitive instructions. */
const step = fc.oneof(
	fc.integer({min: 1, max: 3000}).map((n) => `        mov r4, ${n}\nspin_%: sub r4, r4, 1\n        jnz spin_%`),
	fc.constantFrom(2, 3, 5).map((n) => `        mov r0, ${n}\n        int 0x80`),
	fc.constant('        mov r0, 1\n        mov r1, text\n        mov r2, 3\n        int 0x80'),
	// Unprivileged on pentium (runs), privileged on classic (the kernel kills the process).
	fc.constant('        pushf\n        pop r5'),
	fc.constant('        smsw r5'),
);
/** How it ends: exit, or a fault the kernel kills it for. */
const ending = fc.constantFrom(
	'        mov r0, 0\n        mov r1, 7\n        int 0x80',
	'        mov r1, 0\n        div r2, r2, r1',
	'        cli',
	'        brk',
);
const program = fc.tuple(fc.array(step, {minLength: 0, maxLength: 6}), ending).map(([steps, end]) => {
	const body = steps.map((s, i) => s.replaceAll('%', String(i))).join('\n');
	return `_start:\n${body}\n${end}\nhang:   jmp hang\ntext:   .ascii "ok\\n"\n.include "${lib}"\n`;
});

let files = 0;
function write(source: string): string {
	const file = path.join(dir, `p${files++}.s`);
	writeFileSync(file, source);
	return file;
}

test('every journey: its parts add up to the cycle counter change (random programs, every technique, type, guests, profile)', () => {
	const config = fc.record({
		programs: fc.array(program, {minLength: 1, maxLength: 3}),
		vmm: fc.constantFrom<VmmTechnique>('none', 'trap', 'bt', 'pv'),
		type: fc.constantFrom<1 | 2>(1, 2),
		vms: fc.integer({min: 1, max: 3}),
		isa: fc.constantFrom('classic', 'pentium'),
		// Short slices switch worlds in the middle of guest handlers.
		slice: fc.constantFrom(undefined, 13, 200, 5000),
	});
	fc.assert(
		fc.property(config, (c) => {
			const scenario = scenarioFromFlags({programs: c.programs.map(write), kernel: defaultKernelFile(), isa: c.isa});
			scenario.vmm = c.vmm;
			if (c.vmm !== 'none') {
				scenario.type = c.type;
				scenario.vms = c.vms;
			}
			const run = journeyRun(scenario, 150_000, c.slice);
			expect(run.ends.length).toBeGreaterThan(0);
			expect(journeyProblems(run)).toBeNull();
		}),
		{numRuns: 40},
	);
}, 120_000);
