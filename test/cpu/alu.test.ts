import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {rig} from './helpers.js';

/** Run `op r3, r1, r2` with r1 = x, r2 = y; return result and flags. */
function alu(op: string, x: number, y: number) {
	const r = rig(`
        mov r1, ${x | 0}
        mov r2, ${y | 0}
        ${op === 'cmp' ? 'cmp r1, r2' : `${op} r3, r1, r2`}
        out 0xF0, 0
`).run();
	const m = r.machine;
	expect(m.stopped?.reason).toBe('poweroff');
	return {res: m.regs[3]! >>> 0, c: m.c, z: m.z, n: m.n, v: m.v};
}

const F = false;
const T = true;

describe('ALU instructions (docs/v32.md §3.4 flags)', () => {
	it.each([
		// op, x, y, result, C, Z, N, V
		['add', 1, 2, 3, F, F, F, F],
		['add', 0xffffffff, 1, 0, T, T, F, F],
		['add', 0x7fffffff, 1, 0x80000000, F, F, T, T],
		['add', 0x80000000, 0x80000000, 0, T, T, F, T],
		['sub', 5, 3, 2, F, F, F, F],
		['sub', 3, 5, 0xfffffffe, T, F, T, F],
		['sub', 0x80000000, 1, 0x7fffffff, F, F, F, T],
		['sub', 7, 7, 0, F, T, F, F],
		['mul', 6, 7, 42, F, F, F, F],
		['mul', 0x10000, 0x10000, 0, F, T, F, F],
		['mul', -3, 5, (-15 >>> 0), F, F, T, F],
		['and', 0xf0f0, 0xff00, 0xf000, F, F, F, F],
		['or', 0x80000000, 1, 0x80000001, F, F, T, F],
		['xor', 5, 5, 0, F, T, F, F],
		['shl', 0x80000001, 1, 2, T, F, F, F],
		['shl', 1, 33, 2, F, F, F, F], // count & 31
		['shl', 5, 0, 5, F, F, F, F], // count 0: C = 0
		['shr', 3, 1, 1, T, F, F, F],
		['shr', 0x80000000, 31, 1, F, F, F, F],
		['sar', 0x80000000, 31, 0xffffffff, F, F, T, F],
		['sar', -3, 1, (-2 >>> 0), T, F, T, F],
		['div', -17, 5, (-3 >>> 0), F, F, T, F],
		['rem', -17, 5, (-2 >>> 0), F, F, T, F],
		['div', 17, -5, (-3 >>> 0), F, F, T, F],
		['rem', 17, -5, 2, F, F, F, F],
		['div', 0x80000000, -1, 0x80000000, F, F, T, F],
		['rem', 0x80000000, -1, 0, F, T, F, F],
	] as const)('%s %i, %i = %i (C=%s Z=%s N=%s V=%s)', (op, x, y, res, c, z, n, v) => {
		expect(alu(op, x, y)).toEqual({res: res >>> 0, c, z, n, v});
	});

	it('cmp sets the flags of rs - src without writing a result', () => {
		expect(alu('cmp', 3, 5)).toMatchObject({c: T, z: F, n: T, v: F, res: 0});
	});
});

/** A reference ALU with BigInt arithmetic, written from the words of docs/v32.md §3.4 and §3.6. */
function reference(op: string, x: number, y: number) {
	const X = BigInt.asUintN(32, BigInt(x));
	const Y = BigInt.asUintN(32, BigInt(y));
	const sx = BigInt.asIntN(32, X);
	const sy = BigInt.asIntN(32, Y);
	let r = 0n;
	let c = false;
	let v = false;
	const k = Number(Y & 31n);
	switch (op) {
		case 'add':
			r = X + Y;
			c = r > 0xffffffffn;
			v = BigInt.asIntN(32, r) !== sx + sy;
			break;
		case 'sub':
			r = X - Y;
			c = X < Y;
			v = BigInt.asIntN(32, r) !== sx - sy;
			break;
		case 'mul':
			r = X * Y;
			break;
		case 'and':
			r = X & Y;
			break;
		case 'or':
			r = X | Y;
			break;
		case 'xor':
			r = X ^ Y;
			break;
		case 'shl':
			r = X << BigInt(k);
			c = k > 0 && ((X >> BigInt(32 - k)) & 1n) === 1n;
			break;
		case 'shr':
			r = X >> BigInt(k);
			c = k > 0 && ((X >> BigInt(k - 1)) & 1n) === 1n;
			break;
		case 'sar':
			r = sx >> BigInt(k);
			c = k > 0 && ((sx >> BigInt(k - 1)) & 1n) !== 0n;
			break;
	}
	const res = Number(BigInt.asUintN(32, r));
	return {res, c, z: res === 0, n: res >= 0x80000000, v};
}

describe('ALU against a BigInt reference (fast-check)', () => {
	const ops = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr', 'sar'];
	it('agrees on random operands', () => {
		fc.assert(
			fc.property(fc.constantFrom(...ops), fc.integer(), fc.integer(), (op, x, y) => {
				expect(alu(op, x, y)).toEqual(reference(op, x, y));
			}),
			{numRuns: 300},
		);
	});

	it('div and rem truncate toward zero and keep rem = x - (x div y)·y', () => {
		fc.assert(
			fc.property(fc.integer(), fc.integer().filter((y) => y !== 0), (x, y) => {
				const q = alu('div', x, y).res | 0;
				const r = alu('rem', x, y).res | 0;
				if (x === -0x80000000 && y === -1) {
					expect([q, r]).toEqual([x, 0]);
				} else {
					expect(q).toBe(Math.trunc(x / y) | 0);
					expect(r).toBe((x - Math.imul(q, y)) | 0);
				}
			}),
			{numRuns: 200},
		);
	});
});
