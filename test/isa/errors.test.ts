import {describe, expect, test} from 'vitest';
import {assemble, assembleFile, assembleOrThrow} from '../../source/isa/assembler/index.js';
import {AssemblyFailed} from '../../source/isa/program.js';
import {errors} from './helpers.js';

/** The one error of a one-line program. */
const err = (source: string): string[] => errors(source);

describe('each error kind, with file:line:col', () => {
	test.each([
		['  frob r1', "test.s:1:3: unknown mnemonic 'frob'"],
		['  .frob 3', "test.s:1:3: unknown directive '.frob'"],
		['add r1, r2', "test.s:1:1: 'add' expects 3 operands (rd, rs, src), got 2"],
		['push', "test.s:1:1: 'push' expects 1 operand (src), got 0"],
		['ret r1', "test.s:1:5: 'ret' expects no operands, got 1"],
		['mov r1, r2, r3', "test.s:1:13: 'mov' expects 2 operands (rd, src), got 3"],
		['ld r1, r2', "test.s:1:8: 'ld' operand 2: expected a memory operand like [r1+4], got 'r2'"],
		['st 5, [r1]', "test.s:1:4: 'st' operand 1: expected a register, got '5'"],
		['add r1, 5, r2', "test.s:1:9: 'add' operand 2: expected a register, got '5'"],
		['mov r1, [r2+4]', "test.s:1:9: 'mov' operand 2: expected a register or an immediate, got '[r2+4]'"],
		['jmp [r1]', "test.s:1:5: 'jmp' operand 1: expected a label, an address or a register, got '[r1]'"],
		['int r1', "test.s:1:5: 'int' operand 1: expected an immediate (0 to 255), got 'r1'"],
		[
			'mfcr r0, r1',
			"test.s:1:10: 'mfcr' operand 2: expected a control register (epc, eflags, cause, badaddr, idt, ubase, ulimit, usp), got 'r1'",
		],
		['in r0, r1', "test.s:1:8: 'in' operand 2: expected an immediate port number, got 'r1'"],
		['jmp nowhere', "test.s:1:5: undefined label 'nowhere'"],
		['int 300', "test.s:1:5: immediate 300 out of range for 'int' (expected 0 to 255)"],
		['int -1', "test.s:1:5: immediate -1 out of range for 'int' (expected 0 to 255)"],
		['mov r1, 4294967296', 'test.s:1:9: immediate 4294967296 out of range (expected -2147483648 to 4294967295)'],
		['mov r1, -2147483649', 'test.s:1:9: immediate -2147483649 out of range (expected -2147483648 to 4294967295)'],
		['ld r1, [r2+0x100000000]', 'test.s:1:11: immediate 4294967296 out of range (expected -2147483648 to 4294967295)'],
		['.byte 1, 256', 'test.s:1:10: .byte value 256 out of range (expected -128 to 255)'],
		['.byte -129', 'test.s:1:7: .byte value -129 out of range (expected -128 to 255)'],
		['.word 0x100000000', 'test.s:1:7: .word value 4294967296 out of range (expected -2147483648 to 4294967295)'],
		['.ascii "abc', 'test.s:1:8: unterminated string'],
		["mov r1, 'a", 'test.s:1:9: unterminated character literal'],
		["mov r1, 'ab'", "test.s:1:9: character literal 'ab' must hold exactly one character"],
		['.ascii "a\\q"', "test.s:1:10: bad escape '\\q' (expected \\n \\t \\0 \\\\ \\\" or \\')"],
		['r1: nop', "test.s:1:1: 'r1' is a register name and cannot be a label"],
		['SP: nop', "test.s:1:1: 'SP' is a register name and cannot be a label"],
		['Epc: nop', "test.s:1:1: 'Epc' is a control register name and cannot be a label"],
		['add: nop', "test.s:1:1: 'add' is a mnemonic and cannot be a label"],
		['.equ r2, 5', "test.s:1:6: 'r2' is a register name and cannot be a .equ name"],
		['.align 3', 'test.s:1:8: .align 3: expected a power of two (1, 2, 4, 8 …)'],
		['mov r1, 12ab', "test.s:1:9: malformed number '12ab' (expected decimal digits, or 0x and hex digits)"],
		['mov r1, 0xg', "test.s:1:9: malformed number '0xg' (expected decimal digits, or 0x and hex digits)"],
		['add r1, r2, 3 x', "test.s:1:15: unexpected 'x' after operands"],
		['ld r1, [r2', "test.s:1:11: expected '+', '-' or ']' after the base register, got end of line"],
		['ld r1, [r2+4', "test.s:1:13: expected ']' to close the memory operand, got end of line"],
		['mov r1, 4+', "test.s:1:11: expected a number, character or label after '+', got end of line"],
		['add r1, , r2', "test.s:1:9: expected an operand, got ','"],
		['nop # x', "test.s:1:5: unexpected character '#'"],
		['.endif', 'test.s:1:1: .endif without .ifdef'],
		['.else', 'test.s:1:1: .else without .ifdef'],
		['.space -1', 'test.s:1:8: .space -1: expected a size from 0 to 67108864'],
		['.org later\nlater:', "test.s:1:6: undefined label 'later' (.org needs a value defined before this line)"],
		['.word', "test.s:1:1: '.word' expects at least 1 value, got 0"],
		['.ascii 5', '\'.ascii\' operand 1: expected a string like "text", got \'5\''],
		['.equ 5, 5', "test.s:1:6: '.equ' operand 1: expected a name, got '5'"],
		['.equ A, B\n.equ B, A', "test.s:1:6: circular .equ 'A'"],
		['.equ A, nowhere', "test.s:1:9: undefined label 'nowhere'"],
	])('%s', (source, message) => {
		const got = err(source);
		expect(got).toHaveLength(1);
		expect(got[0]!.endsWith(message)).toBe(true);
	});

	test('every bad operand of a line is reported', () => {
		expect(err('st [r1], r2')).toEqual([
			"test.s:1:4: 'st' operand 1: expected a register, got '[r1]'",
			"test.s:1:10: 'st' operand 2: expected a memory operand like [r1+4], got 'r2'",
		]);
	});

	test('duplicates', () => {
		expect(err('nop\n\nloop: nop\nloop: nop')).toEqual(["test.s:4:1: duplicate label 'loop' (first defined at line 3)"]);
		expect(err('.equ N, 1\n.equ N, 2')).toEqual(["test.s:2:6: duplicate symbol 'N' (first defined at line 1)"]);
		expect(errors('X: nop', {defines: {X: 1}})).toEqual(["test.s:1:1: duplicate label 'X' (first defined by the defines option)"]);
	});

	test('.org moves backwards', () => {
		expect(err('.org 0x20\n.org 0x10')).toEqual(['test.s:2:6: .org 0x10 moves backwards from 0x20']);
	});

	test('missing .endif names the opening line', () => {
		expect(err('nop\n.ifdef X\n.ifndef Y\n')).toEqual([
			'test.s:2:1: missing .endif for .ifdef at line 2',
			'test.s:3:1: missing .endif for .ifndef at line 3',
		]);
	});

	test('second .else, and errors in skipped branches are ignored', () => {
		expect(err('.ifdef X\n.else\n.else\n.endif')).toEqual(['test.s:3:1: second .else for .ifdef at line 1']);
		expect(err('.ifdef X\n frob\n.endif')).toEqual([]);
	});

	test('program too large', () => {
		expect(err('.org 0x4000000\n.byte 1, 2')).toEqual(['test.s:2:1: program too large: address 0x4000002 is beyond the 64 MiB limit']);
		expect(err('.org 0x5000000')).toEqual(['test.s:1:6: .org 0x5000000 is beyond the 64 MiB limit']);
	});

	test('a ; inside a literal is not a comment', () => {
		expect(err(".byte ';' ; real comment\n.ascii \"a;b\" ; also")).toEqual([]);
	});
});

describe('reporting', () => {
	test('all errors of a file are reported, in source order, and nothing is emitted', () => {
		const source = ['jmp later_undefined', 'frob', 'nop', 'add r1', '.byte 300', 'x: nop', 'x: nop', 'mov r1, "s'].join('\n');
		const r = assemble(source, {file: 'multi.s'});
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors.map((e) => [e.line, e.col])).toEqual([[1, 5], [2, 1], [4, 1], [5, 7], [7, 1], [8, 9]]);
		expect(r.errors.every((e) => e.file === 'multi.s')).toBe(true);
	});

	test('assembleOrThrow throws AssemblyFailed with every error', () => {
		expect(() => assembleOrThrow('frob\nfrob', {file: 'x.s'})).toThrow(AssemblyFailed);
		try {
			assembleOrThrow('frob\nfrob', {file: 'x.s'});
		} catch (e) {
			expect((e as AssemblyFailed).errors).toHaveLength(2);
			expect((e as AssemblyFailed).message).toBe("x.s:1:1: unknown mnemonic 'frob'\nx.s:2:1: unknown mnemonic 'frob'");
		}
	});

	test('assembleFile: an unreadable file is one error at 1:1', () => {
		const r = assembleFile('/nonexistent/dir/prog.s');
		expect(r).toEqual({
			ok: false,
			errors: [{file: '/nonexistent/dir/prog.s', line: 1, col: 1, message: "cannot read '/nonexistent/dir/prog.s': no such file"}],
		});
	});
});
