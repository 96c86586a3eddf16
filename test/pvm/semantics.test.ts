/**
 * 32-bit integer semantics, the same under every technique: random
 * straight-line programs against a BigInt reference with C's int rules
 * (wrap-around, truncating division, remainder with the dividend's sign).
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {assembleByteCodeOrThrow} from '../../source/pvm/assembler.js';
import {PvmRuntimeError} from '../../source/pvm/runtime.js';
import {TECHNIQUE_INFO, TECHNIQUES} from '../../source/pvm/techniques.js';

const BINARY = ['ADD', 'SUB', 'MUL', 'DIV', 'MOD', 'EQ', 'NE', 'LT', 'LE', 'GT', 'GE'] as const;
type Op = {kind: 'load'; value: number} | {kind: (typeof BINARY)[number] | 'DUP' | 'POP' | 'PRINT'};

const int32 = fc.oneof(
	fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}),
	fc.constantFrom(0, 1, -1, 2, 7, 2 ** 31 - 1, -(2 ** 31)),
);
const op: fc.Arbitrary<Op> = fc.oneof(
	int32.map((value) => ({kind: 'load' as const, value})),
	fc.constantFrom(...BINARY, 'DUP' as const, 'POP' as const, 'PRINT' as const).map((kind) => ({kind})),
);

const wrap = (x: bigint) => Number(BigInt.asIntN(32, x));

/** The program text and what it must print, or the 1-based line of its division by zero. */
function build(ops: Op[]): {text: string; output: string[]; divisionByZeroLine?: number} {
	const lines: string[] = [];
	const stack: bigint[] = [];
	const output: string[] = [];
	let failed: number | undefined;
	const emit = (line: string) => lines.push(line);
	const ensure = (n: number) => {
		while (stack.length < n) {
			emit('LOAD 3');
			stack.push(3n);
		}
	};
	for (const o of ops) {
		if (o.kind === 'load') {
			emit(`LOAD ${o.value}`);
			stack.push(BigInt(o.value));
			continue;
		}
		const arity = o.kind === 'DUP' || o.kind === 'POP' || o.kind === 'PRINT' ? 1 : 2;
		ensure(arity);
		emit(o.kind);
		// After a division by zero the values no longer matter, the depths still do.
		if (o.kind === 'DUP') stack.push(stack.at(-1)!);
		else if (o.kind === 'POP') stack.pop();
		else if (o.kind === 'PRINT') {
			const v = stack.pop()!;
			if (failed === undefined) output.push(String(v));
		}
		else {
			const y = stack.pop()!;
			const x = stack.pop()!;
			if ((o.kind === 'DIV' || o.kind === 'MOD') && y === 0n) {
				failed ??= lines.length;
				stack.push(0n);
				continue;
			}
			const result = {
				ADD: x + y,
				SUB: x - y,
				MUL: x * y,
				DIV: y === 0n ? 0n : x / y,
				MOD: y === 0n ? 0n : x % y,
				EQ: x === y ? 1n : 0n,
				NE: x !== y ? 1n : 0n,
				LT: x < y ? 1n : 0n,
				LE: x <= y ? 1n : 0n,
				GT: x > y ? 1n : 0n,
				GE: x >= y ? 1n : 0n,
			}[o.kind];
			stack.push(BigInt(wrap(result)));
		}
	}
	while (stack.length > 0) {
		emit('PRINT');
		if (failed === undefined) output.push(String(stack.pop()!));
		else stack.pop();
	}
	emit('END');
	return {text: lines.join('\n'), output, divisionByZeroLine: failed};
}

describe('integer semantics', () => {
	it('every technique computes what C int arithmetic would', () => {
		fc.assert(
			fc.property(fc.array(op, {maxLength: 40}), (ops) => {
				const {text, output, divisionByZeroLine} = build(ops);
				const program = assembleByteCodeOrThrow(text, {file: 'random.bc'});
				for (const t of TECHNIQUES) {
					const run = TECHNIQUE_INFO[t].prepare(program);
					if (divisionByZeroLine === undefined) {
						expect(run().output, t).toEqual(output);
					} else {
						expect(run, t).toThrow(PvmRuntimeError);
						expect(run, t).toThrow(`random.bc:${divisionByZeroLine}: division by zero`);
					}
				}
			}),
			{numRuns: 200},
		);
	});

	it('wraps around like a 32-bit register', () => {
		const program = assembleByteCodeOrThrow(
			['LOAD 2147483647', 'LOAD 1', 'ADD', 'PRINT', 'LOAD -2147483648', 'LOAD -1', 'DIV', 'PRINT', 'LOAD -7', 'LOAD 2', 'MOD', 'PRINT', 'END'].join('\n'),
		);
		for (const t of TECHNIQUES) expect(TECHNIQUE_INFO[t].prepare(program)().output, t).toEqual(['-2147483648', '-2147483648', '-1']);
	});
});
