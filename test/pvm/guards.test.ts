import {describe, expect, it} from 'vitest';
import {PvmRuntimeError} from '../../source/pvm/runtime.js';
import {TECHNIQUE_INFO, TECHNIQUES} from '../../source/pvm/techniques.js';
import {sample, source} from './helpers.js';

/** The PvmRuntimeError a run throws. */
function failure(run: () => unknown): PvmRuntimeError {
	try {
		run();
	} catch (error) {
		if (error instanceof PvmRuntimeError) return error;
		throw error;
	}
	throw new Error('expected the run to fail');
}

describe('runaway guard', () => {
	it('stops an endless loop after maxDispatches, naming line and pc', () => {
		const program = source('LOAD 1', 'PRINT', 'top: JUMP top');
		for (const t of TECHNIQUES) {
			const e = failure(() => TECHNIQUE_INFO[t].prepare(program)({maxDispatches: 100}));
			expect(e.kind, t).toBe('runaway');
			expect(e.message, t).toBe('t.bc:3: runaway program: dispatch limit of 100 reached (pc 3)');
		}
	});

	it('stops long programs under every technique', () => {
		const program = sample('loop.bc', {N: 1000});
		for (const t of TECHNIQUES) {
			const e = failure(() => TECHNIQUE_INFO[t].prepare(program)({maxDispatches: 5000}));
			expect(e.kind, t).toBe('runaway');
			expect(e.message, t).toMatch(/^loop\.bc:\d+: runaway program: dispatch limit of 5000 reached \(pc \d+\)$/);
		}
	});

	it('lets a program use exactly its limit', () => {
		const program = sample('loop.bc', {N: 10});
		for (const t of TECHNIQUES) {
			const run = TECHNIQUE_INFO[t].prepare(program);
			expect(run({maxDispatches: 137}).dispatches, t).toBe(137);
			expect(failure(() => run({maxDispatches: 136})).kind, t).toBe('runaway');
		}
	});
});

describe('stack overflow', () => {
	// f(n) = f(n + 1): every level keeps one more value on the stack and one return address.
	const endless = source('LOAD 0', 'CALL f 1', 'END', 'f: LOCAL 0', 'LOAD 1', 'ADD', 'CALL f 1', 'RET');

	it('stops endless recursion at the data stack, naming the CALL', () => {
		for (const t of TECHNIQUES) {
			const e = failure(() => TECHNIQUE_INFO[t].prepare(endless)({stackSize: 100}));
			expect(e.kind, t).toBe('stack-overflow');
			expect(e.message, t).toBe(
				't.bc:7: stack overflow: the call needs more than the 100 stack cells or 16384 call levels (pc 11)',
			);
		}
	});

	it('stops endless recursion at the call depth', () => {
		const noArguments = source('CALL f 0', 'END', 'f: CALL f 0', 'RET');
		for (const t of TECHNIQUES) {
			const e = failure(() => TECHNIQUE_INFO[t].prepare(noArguments)({maxCallDepth: 50}));
			expect(e.message, t).toBe('t.bc:3: stack overflow: the call needs more than the 65536 stack cells or 50 call levels (pc 4)');
		}
	});

	it('refuses a stack smaller than the main frame', () => {
		const program = source('LOAD 1', 'LOAD 2', 'ADD', 'PRINT', 'END');
		for (const t of TECHNIQUES) {
			expect(failure(() => TECHNIQUE_INFO[t].prepare(program)({stackSize: 1})).kind, t).toBe('stack-overflow');
		}
	});

	it('recursion within the limits works', () => {
		for (const t of TECHNIQUES) {
			expect(TECHNIQUE_INFO[t].prepare(sample('hanoi.bc', {N: 10}))({maxCallDepth: 11}).output.at(-1), t).toBe('1023');
		}
	});
});

describe('division by zero', () => {
	it('names the DIV or MOD', () => {
		const program = source('LOAD 1', 'LOAD 0', 'MOD', 'PRINT', 'END');
		for (const t of TECHNIQUES) {
			expect(failure(() => TECHNIQUE_INFO[t].prepare(program)()).message, t).toBe('t.bc:3: division by zero (pc 4)');
		}
	});
});
