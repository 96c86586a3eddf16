import {describe, expect, it} from 'vitest';
import {TECHNIQUE_INFO, TECHNIQUES} from '../../source/pvm/techniques.js';
import {sample, sampleFiles} from './helpers.js';

const runAll = (program: ReturnType<typeof sample>) =>
	TECHNIQUES.map((t) => ({technique: t, ...TECHNIQUE_INFO[t].prepare(program)()}));

describe('every technique on every sample', () => {
	it('finds the samples', () => {
		expect(sampleFiles()).toEqual(expect.arrayContaining(['hanoi.bc', 'lecture.bc', 'loop.bc']));
	});

	for (const file of sampleFiles()) {
		it(`${file}: identical output and dispatch count`, () => {
			const [first, ...rest] = runAll(sample(file));
			expect(first!.output.length).toBeGreaterThan(0);
			for (const r of rest) {
				expect({technique: r.technique, output: r.output}).toEqual({technique: r.technique, output: first!.output});
				expect({technique: r.technique, dispatches: r.dispatches}).toEqual({
					technique: r.technique,
					dispatches: first!.dispatches,
				});
			}
		});
	}
});

describe('the lecture program', () => {
	it('prints 4753 in 5 dispatches under every technique', () => {
		for (const r of runAll(sample('lecture.bc'))) {
			expect(r.output).toEqual(['4753']);
			expect(r.dispatches).toBe(5);
		}
	});

	it('is the lecture byte code 3 2 0 4 1', () => {
		expect([...sample('lecture.bc').code]).toEqual([3, 2, 0, 4, 1]);
	});
});

/** The reference: moves as from*10+to, then the count. */
function hanoi(n: number, from: number, to: number, via: number, moves: number[]): void {
	if (n === 0) return;
	hanoi(n - 1, from, via, to, moves);
	moves.push(from * 10 + to);
	hanoi(n - 1, via, to, from, moves);
}

describe('Towers of Hanoi', () => {
	it('n = 3 moves 13 12 32 13 21 23 13, 7 moves in all', () => {
		const program = sample('hanoi.bc', {N: 3});
		for (const r of runAll(program)) expect(r.output).toEqual(['13', '12', '32', '13', '21', '23', '13', '7']);
	});

	for (const n of [0, 1, 2, 5, 8]) {
		it(`n = ${n} makes the 2^n - 1 moves of the recursive solution`, () => {
			const moves: number[] = [];
			hanoi(n, 1, 3, 2, moves);
			const expected = [...moves.map(String), String(2 ** n - 1)];
			for (const r of runAll(sample('hanoi.bc', {N: n}))) expect(r.output).toEqual(expected);
		});
	}
});

describe('the other samples', () => {
	it('loop.bc prints N * 4753 (mod 2^32) in 13 N + 7 dispatches', () => {
		for (const n of [0, 1, 1000, 500_000]) {
			for (const r of runAll(sample('loop.bc', {N: n}))) {
				expect(r.output).toEqual([String(Math.imul(n, 4753))]);
				expect(r.dispatches).toBe(13 * n + 7);
			}
		}
	});

	it('fib.bc prints fib(0..N)', () => {
		for (const r of runAll(sample('fib.bc', {N: 10}))) {
			expect(r.output.join(' ')).toBe('0 1 1 2 3 5 8 13 21 34 55');
		}
	});
});

describe('runs', () => {
	it('a prepared program runs again from a clean state', () => {
		for (const t of TECHNIQUES) {
			const run = TECHNIQUE_INFO[t].prepare(sample('hanoi.bc', {N: 3}));
			const a = run();
			const b = run();
			expect(b).toEqual(a);
		}
	});

	it('PRINT goes to the sink when one is given', () => {
		for (const t of TECHNIQUES) {
			const seen: number[] = [];
			const r = TECHNIQUE_INFO[t].prepare(sample('lecture.bc'))({sink: (v) => seen.push(v)});
			expect(seen).toEqual([4753]);
			expect(r.output).toEqual([]);
		}
	});
});
