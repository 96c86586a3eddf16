/**
 * Transparency of the transient VMM (issue 18): attached and detached at
 * random instruction boundaries, any number of times, the kernel's console
 * output, its memory, its CPU and how it stopped equal a run that was never
 * virtualized — byte for byte, under trap, bt and hvm, on classic.
 */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import type {TransientStep, TransientTechnique} from '../../source/sim/simulation.js';
import {type Outcome, runTransient} from './transient-helpers.js';

let reference: Outcome | undefined;
const native = (): Outcome => (reference ??= runTransient([]));

/** 1–3 intervals inside the run (~30,000 instructions); the last detach may fall after the end (still attached then). */
const schedule = (technique: TransientTechnique) =>
	fc.uniqueArray(fc.integer({min: 0, max: 32_000}), {minLength: 1, maxLength: 6}).map((points): TransientStep[] =>
		[...points].sort((a, b) => a - b).map((at, i) => (i % 2 === 0 ? {at, attach: technique} : {at, detach: true})),
	);

for (const technique of ['trap', 'bt', 'hvm'] as const) {
	test(`${technique}: 200 random attach/detach schedules equal the native run byte for byte`, () => {
		const n = native();
		expect(n.stop).toBe('poweroff 0: powered off with code 0');
		let attached = 0;
		fc.assert(
			fc.property(schedule(technique), (steps) => {
				const t = runTransient(steps);
				attached += t.sim.attachments.length;
				expect(t.output).toBe(n.output);
				expect(t.stop).toBe(n.stop);
				expect(t.instret).toBe(n.instret);
				expect(t.cpu).toEqual(n.cpu);
				expect(Buffer.compare(Buffer.from(t.memory), Buffer.from(n.memory))).toBe(0);
			}),
			{numRuns: 200, seed: {trap: 18, bt: 1818, hvm: 18018}[technique]},
		);
		// The schedules really virtualized the kernel (not all points past the end).
		expect(attached).toBeGreaterThan(200);
	}, 120_000);
}
