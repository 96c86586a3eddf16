import {describe, expect, test} from 'vitest';
import {Op} from '../../source/isa/opcodes.js';
import {asm, errors, words} from './helpers.js';

const bytes = (source: string): number[] => [...asm(source).bytes];

describe('data directives', () => {
	test('.byte, .word, .ascii, .asciz, .space', () => {
		expect(bytes('.byte 1, -1, 255, -128, \'a\'')).toEqual([1, 255, 255, 128, 97]);
		expect(bytes('.word 0x11223344, -1')).toEqual([0x44, 0x33, 0x22, 0x11, 255, 255, 255, 255]);
		expect(bytes('.ascii "a;b"')).toEqual([97, 59, 98]);
		expect(bytes('.asciz "\\n\\t\\0\\\\\\"\\\'"')).toEqual([10, 9, 0, 92, 34, 39, 0]);
		expect(bytes('.byte 1\n.space 3\n.byte 2')).toEqual([1, 0, 0, 0, 2]);
	});

	test('.word at an unaligned address is plain data', () => {
		expect(bytes('.byte 1\n.word 0x02020202')).toEqual([1, 2, 2, 2, 2]);
	});

	test('.word takes labels', () => {
		expect(words(asm('table: .word a, b+1\na: nop\nb: nop').bytes).slice(0, 2)).toEqual([8, 13]);
	});

	test('.org leaves zero bytes and cannot move backwards', () => {
		expect(bytes('.byte 7\n.org 4\n.byte 8')).toEqual([7, 0, 0, 0, 8]);
		const p = asm('.org 0x100\n_start: nop');
		expect(p.entry).toBe(0x100);
		expect(p.bytes.length).toBe(0x104);
		expect(asm('.org 8').bytes.length).toBe(0);
	});

	test('.align pads with zeros to a power of two', () => {
		expect(bytes('.byte 1\n.align 4\n.byte 2')).toEqual([1, 0, 0, 0, 2]);
		expect(bytes('.byte 1\n.align 1\n.byte 2')).toEqual([1, 2]);
		expect(asm('.byte 1\n.align 16\nx:').labels.get('x')).toBe(16);
	});

	test('.equ: values, earlier symbols and forward references', () => {
		const p = asm('.equ A, B+1\n.equ B, end-start\nstart: mov r1, A\n.word B\nend:');
		expect(p.symbols.get('B')).toBe(12);
		expect(p.symbols.get('A')).toBe(13);
		expect(words(p.bytes)).toEqual([Op.mov | (1 << 8) | (1 << 20), 13, 12]);
		expect(asm('.equ SIZE, 8\n.space SIZE').bytes.length).toBe(8);
		expect(asm('.equ PORT, 0x10\nout PORT, r1').bytes[4]).toBe(0x10);
	});
});

describe('instruction alignment', () => {
	test('instructions after data are padded to 4; labels waiting for them move', () => {
		const p = asm('msg: .asciz "x"\nf:\n  ret\ng: .byte 1\nh: nop');
		expect(Object.fromEntries(p.labels)).toEqual({msg: 0, f: 4, g: 8, h: 12});
		expect([...p.bytes]).toEqual([120, 0, 0, 0, Op.ret, 0, 0, 0, 1, 0, 0, 0, Op.nop, 0, 0, 0]);
		expect(p.lines.get(4)).toBe(3);
	});

	test('labels before emitted data keep their address', () => {
		const p = asm('a: .byte 1\nb: .byte 2\nnop');
		expect(Object.fromEntries(p.labels)).toEqual({a: 0, b: 1});
	});
});

describe('conditional assembly', () => {
	const src = ['.ifdef PV', '  int 0x82', '.else', '  cli', '.endif', '.ifndef PV', '  .byte 9', '.endif'].join('\n');

	test('.ifdef/.else/.endif choose by defines', () => {
		expect(bytes(src)).toEqual([Op.cli, 0, 0, 0, 9]);
		expect(bytes(src.replace('', '.equ PV, 1\n'))).toEqual([Op.int, 0, 0, 0x82]);
		expect(asm(src, {defines: {PV: 1}}).bytes[0]).toBe(Op.int);
	});

	test('nesting, and skipped lines are not checked', () => {
		const nested = ['.ifdef A', '.ifdef B', '.byte 1', '.else', '.byte 2', '.endif', '.else', '.byte 3', '.endif'].join('\n');
		expect(bytes(nested)).toEqual([3]);
		expect(asm(nested, {defines: {A: 1, B: 1}}).bytes[0]).toBe(1);
		expect(asm(nested, {defines: {A: 1}}).bytes[0]).toBe(2);
		const skipped = ['.ifdef A', 'garbage !!', '"unterminated', '.ifdef B', '.else', '.endif', '.endif', '.byte 5'];
		expect(bytes(skipped.join('\n'))).toEqual([5]);
	});

	test('defines are values too', () => {
		expect(asm('.word HZ', {defines: {HZ: 100}}).bytes[0]).toBe(100);
	});
});

describe('.include', () => {
	const files: Record<string, string> = {
		'dir/lib.s': 'lib: ret\n.include "sub/inner.s"\n',
		'dir/sub/inner.s': 'inner: .word lib\n',
		'dir/bad.s': 'nop\n  frob\n',
		'dir/a.s': '.include "b.s"\n',
		'dir/b.s': '.include "a.s"\n',
	};
	const readFile = (p: string): string => {
		const text = files[p];
		if (text === undefined) throw Object.assign(new Error('ENOENT'), {code: 'ENOENT'});
		return text;
	};

	test('paths are relative to the including file', () => {
		const p = asm('call lib\n.include "lib.s"\n', {file: 'dir/main.s', readFile});
		expect(Object.fromEntries(p.labels)).toEqual({lib: 8, inner: 12});
		expect(words(p.bytes)[3]).toBe(8);
	});

	test('errors inside name the included file; missing files and cycles are errors', () => {
		expect(errors('.include "bad.s"\n', {file: 'dir/main.s', readFile})).toEqual(["dir/bad.s:2:3: unknown mnemonic 'frob'"]);
		expect(errors('nop\n.include "none.s"', {file: 'dir/main.s', readFile})).toEqual([
			"dir/main.s:2:10: cannot read 'dir/none.s': no such file",
		]);
		const cycle = errors('.include "a.s"', {file: 'dir/main.s', readFile});
		expect(cycle).toHaveLength(1);
		expect(cycle[0]).toMatch(/^dir\/b\.s:1:10: include cycle: .*a\.s -> .*b\.s -> .*a\.s$/);
	});
});
