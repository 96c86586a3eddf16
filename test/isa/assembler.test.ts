import {describe, expect, test} from 'vitest';
import {Cr, Op} from '../../source/isa/opcodes.js';
import {asm, one, words} from './helpers.js';

describe('operand forms encode as expected', () => {
	test('ALU with register and immediate sources', () => {
		expect(one('add r1, r2, r3')).toMatchObject({op: Op.add, a: 1, b: 2, c: 3, isImm: false, size: 4});
		expect(one('add r1, r2, 0x10')).toMatchObject({op: Op.add, a: 1, b: 2, isImm: true, imm: 0x10, size: 8});
		expect(one('SUB R14, SP, -1')).toMatchObject({op: Op.sub, a: 14, b: 15, isImm: true, imm: -1});
		expect(one('mov r0, 4294967295')).toMatchObject({op: Op.mov, a: 0, imm: -1});
		expect(one('mov r0, -2147483648')).toMatchObject({imm: -0x80000000});
		expect(one("mov r3, 'A'")).toMatchObject({op: Op.mov, a: 3, isImm: true, imm: 65});
		expect(one("mov r3, '\\n'")).toMatchObject({imm: 10});
		expect(one("mov r3, '\\''")).toMatchObject({imm: 39});
		expect(one("mov r3, ';'")).toMatchObject({imm: 59});
		expect(one('cmp r4, r5')).toMatchObject({op: Op.cmp, a: 4, c: 5});
		expect(one('cmp r4, 7')).toMatchObject({op: Op.cmp, a: 4, imm: 7, isImm: true});
	});

	test('memory operands', () => {
		expect(one('ld r1, [r2]')).toMatchObject({op: Op.ld, a: 1, b: 2, hasBase: true, imm: 0, size: 8});
		expect(one('ld r1, [sp+8]')).toMatchObject({a: 1, b: 15, hasBase: true, imm: 8});
		expect(one('ldb r1, [r3-4]')).toMatchObject({op: Op.ldb, b: 3, hasBase: true, imm: -4});
		expect(one('st r7, [0x100]')).toMatchObject({op: Op.st, a: 7, b: 0, hasBase: false, imm: 0x100});
		expect(one('stb r7, [r0+0xffffffff]')).toMatchObject({op: Op.stb, hasBase: true, imm: -1});
		const p = asm('ld r1, [counter+4]\nst r1, [r2 + counter]\ncounter: .word 1, 2');
		expect(words(p.bytes)).toEqual([
			Op.ld | (1 << 8),
			20,
			Op.st | (1 << 8) | (2 << 12) | (1 << 21),
			16,
			1,
			2,
		]);
	});

	test('stack, jumps, traps and system instructions', () => {
		expect(one('push r3')).toMatchObject({op: Op.push, c: 3, isImm: false});
		expect(one('push 5')).toMatchObject({op: Op.push, isImm: true, imm: 5});
		expect(one('pop r9')).toMatchObject({op: Op.pop, a: 9});
		expect(one('jmp r4')).toMatchObject({op: Op.jmp, c: 4, isImm: false, size: 4});
		expect(one('x: jmp x')).toMatchObject({op: Op.jmp, isImm: true, imm: 0, size: 8});
		expect(one('je 0x40')).toMatchObject({op: Op.jz, imm: 0x40});
		expect(one('JNE 0x40')).toMatchObject({op: Op.jnz, imm: 0x40});
		expect(one('call r1')).toMatchObject({op: Op.call, c: 1});
		expect(one('int 0x80')).toMatchObject({op: Op.int, n: 0x80, size: 4});
		expect(one('int 255')).toMatchObject({n: 255});
		expect(one('mfcr r2, badaddr')).toMatchObject({op: Op.mfcr, a: 2, n: Cr.badaddr});
		expect(one('mtcr IDT, r3')).toMatchObject({op: Op.mtcr, a: 3, n: Cr.idt});
		expect(one('in r0, 0x11')).toMatchObject({op: Op.in, a: 0, imm: 0x11, size: 8});
		expect(one('out 0x10, r1')).toMatchObject({op: Op.out, c: 1, imm: 0x10, isImm: false, size: 8});
		expect(one("out 0x10, 'x'")).toMatchObject({op: Op.out, imm: 0x10, isImm: true, imm2: 120, size: 12});
		expect(one('lidt r5')).toMatchObject({op: Op.lidt, a: 5});
		expect(one('sidt r6')).toMatchObject({op: Op.sidt, a: 6});
		expect(one('smsw r7')).toMatchObject({op: Op.smsw, a: 7});
		for (const m of ['nop', 'ret', 'brk', 'iret', 'cli', 'sti', 'hlt', 'pushf', 'popf'] as const) {
			expect(one(m)).toMatchObject({op: Op[m], size: 4});
		}
	});
});

describe('labels and expressions', () => {
	test('label arithmetic and forward references', () => {
		const p = asm('mov r1, end-4\nmov r2, start+0x10\nmov r3, end-start\nstart: nop\nend:');
		expect(words(p.bytes)).toEqual([Op.mov | (1 << 8) | (1 << 20), 24, Op.mov | (2 << 8) | (1 << 20), 40, Op.mov | (3 << 8) | (1 << 20), 4, Op.nop]);
		expect(p.labels).toEqual(new Map([['start', 24], ['end', 28]]));
	});

	test('labels are case-sensitive, mnemonics and registers are not', () => {
		const p = asm('Loop: NOP\nloop: Jmp Loop\n');
		expect(p.labels.get('Loop')).toBe(0);
		expect(p.labels.get('loop')).toBe(4);
		expect(words(p.bytes)[2]).toBe(0);
	});

	test('several labels on a line, label-only lines', () => {
		const p = asm('a: b:\nc:\n  nop\nd: e: nop');
		expect(Object.fromEntries(p.labels)).toEqual({a: 0, b: 0, c: 0, d: 4, e: 4});
	});

	test('entry is _start, else 0', () => {
		expect(asm('nop\n_start: nop').entry).toBe(4);
		expect(asm('nop').entry).toBe(0);
	});

	test('symbols hold labels, equs and defines; labels only labels; lines map addresses', () => {
		const p = asm('.equ N, 3\nx: nop\n\n.word N\n', {defines: {PV: 1}});
		expect(Object.fromEntries(p.symbols)).toEqual({PV: 1, N: 3, x: 0});
		expect(Object.fromEntries(p.labels)).toEqual({x: 0});
		expect(Object.fromEntries(p.lines)).toEqual({0: 2, 4: 4});
		expect(p.file).toBe('test.s');
	});
});
