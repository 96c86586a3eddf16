import {describe, expect, it} from 'vitest';
import {assembleByteCode, assembleByteCodeOrThrow, formatPvmAsmError} from '../../source/pvm/assembler.js';
import {disassemble, Token} from '../../source/pvm/bytecode.js';

/** The formatted errors for the given lines, or ['ok']. */
const errors = (...lines: string[]): string[] => {
	const r = assembleByteCode(lines.join('\n'), {file: 't.bc'});
	return r.ok ? ['ok'] : r.errors.map(formatPvmAsmError);
};

describe('assembler', () => {
	it('encodes tokens with their operands inline, targets as code offsets', () => {
		const p = assembleByteCodeOrThrow(['start: LOAD 7', 'loop: DUP', 'JUMPNZ loop', 'CALL f 1', 'END', 'f: LOCAL 0', 'RET'].join('\n'));
		expect([...p.code]).toEqual([
			Token.LOAD, 7, Token.DUP, Token.JUMPNZ, 2, Token.CALL, 9, 1, Token.END, Token.LOCAL, 0, Token.RET,
		]);
		expect([...p.offsets]).toEqual([0, 2, 3, 5, 8, 9, 11]);
		expect(p.labels.get('f')).toBe(5);
		expect(disassemble(p, 3)).toBe('CALL 9 1');
		expect([...p.depths]).toEqual([0, 1, 2, 1, 1, 1, 2]);
		expect(p.maxFrameDepth).toBe(2);
	});

	it('reads comments, commas, hex, negative numbers, constants used before their line, lower case', () => {
		const p = assembleByteCodeOrThrow(['load K, ; the constant', 'LOAD -0x10 # hex', 'add', 'print', 'END', '.const K 0x20'].join('\n'));
		expect([...p.code]).toEqual([Token.LOAD, 32, Token.LOAD, -16, Token.ADD, Token.PRINT, Token.END]);
	});

	it('lets defines override .const values', () => {
		const p = assembleByteCodeOrThrow('.const N 5\nLOAD N\nPRINT\nEND', {defines: {N: 9, OTHER: 1}});
		expect(p.code[1]).toBe(9);
		expect(p.constants.get('N')).toBe(9);
		expect(p.constants.has('OTHER')).toBe(false);
	});

	it('reports every parse error as file:line:col: message', () => {
		expect(
			errors(
				'LOAD',
				'ADD 5',
				'LOAD x',
				'FOO 1',
				'JUMP nowhere',
				'LOAD 99999999999',
				'CALL f',
				'LOCAL -1',
				'x: x: END',
				'.const N',
				'.const 9 1',
				'.const N z',
				'.const N 1 2',
				'.const N 3',
				'end:',
			),
		).toEqual([
			't.bc:1:5: LOAD expects a constant (integer or .const name)',
			"t.bc:2:5: ADD takes no operand, found '5'",
			"t.bc:3:6: expected an integer or a .const name, found 'x'",
			"t.bc:4:1: expected an instruction (ADD, CALL, DIV, DUP, END, EQ, GE, GT, JUMP, JUMPNZ, JUMPZ, LE, LOAD, LOAD_42, LOAD_4711, LOCAL, LT, MOD, MUL, NE, POP, PRINT, RET, STORE, SUB), a label ('name:') or .const, found 'FOO'",
			"t.bc:5:6: expected a label defined in this file, found 'nowhere'",
			't.bc:6:6: 99999999999 does not fit in 32 bits',
			't.bc:7:7: CALL expects a label and an argument count',
			't.bc:8:7: expected a frame slot number (0, 1, …), found -1',
			"t.bc:9:4: label 'x' is already defined at line 9",
			't.bc:10:9: expected .const NAME VALUE',
			"t.bc:11:8: expected a constant name (letters, digits, _ or .), found '9'",
			"t.bc:12:10: expected an integer value for N, found 'z'",
			"t.bc:13:12: expected the end of the line after .const N 1, found '2'",
			"t.bc:14:8: constant 'N' is already defined at line 13",
			"t.bc:15:1: label 'end' must be followed by an instruction",
		]);
	});

	it('rejects an empty program', () => {
		expect(errors('; nothing here', '')).toEqual(['t.bc:1:1: expected at least one instruction (a program ends with END)']);
	});

	it('throws PvmAssemblyFailed listing the errors', () => {
		expect(() => assembleByteCodeOrThrow('LOAD\nADD 1', {file: 'x.bc'})).toThrow(
			"x.bc:1:5: LOAD expects a constant (integer or .const name)\nx.bc:2:5: ADD takes no operand, found '1'",
		);
	});
});

describe('verifier', () => {
	it('finds stack underflow', () => {
		expect(errors('LOAD 1', 'ADD', 'END')).toEqual(['t.bc:2:1: stack underflow: ADD needs 2 values, the frame holds 1']);
	});

	it('keeps LOCAL and STORE inside the frame', () => {
		expect(errors('LOAD 1', 'LOCAL 1', 'END')).toEqual([
			't.bc:2:1: LOCAL 1 is outside the frame: expected a slot below 1, the frame holds 1 value',
		]);
		expect(errors('LOAD 1', 'STORE 0', 'END')).toEqual([
			't.bc:2:1: STORE 0 is outside the frame: expected a slot below 0, the frame holds 0 values under the value stored',
		]);
	});

	it('wants the same depth on every path into an instruction', () => {
		expect(errors('LOAD 3', 'top: LOCAL 0', 'JUMPZ out', 'LOAD 1', 'JUMP top', 'out: END')).toEqual([
			't.bc:2:6: the stack holds 1 value here on one path and 2 on another: expected the same depth',
		]);
	});

	it('wants an end', () => {
		expect(errors('LOAD 1', 'PRINT')).toEqual([
			't.bc:2:1: control runs off the end of the program after PRINT: expected END, RET or JUMP',
		]);
		expect(errors('LOAD 1', 'RET')).toEqual(['t.bc:2:1: RET outside a function: the main program ends with END']);
	});

	it('wants one argument count per function, and code in one frame', () => {
		expect(errors('LOAD 1', 'CALL f 1', 'LOAD 1', 'LOAD 2', 'CALL f 2', 'END', 'f: LOCAL 0', 'RET')).toEqual([
			't.bc:5:1: CALL passes 2 arguments here but 1 at line 2: expected one count per function',
		]);
		expect(errors('LOAD 1', 'CALL f 1', 'f: LOCAL 0', 'RET')).toEqual([
			"t.bc:3:4: this code is reached from both function 'f' and the main program",
		]);
	});

	it('reports several verification errors at once', () => {
		expect(errors('ADD', 'JUMP next', 'next: POP', 'RET')).toEqual([
			't.bc:1:1: stack underflow: ADD needs 2 values, the frame holds 0',
		]);
		expect(errors('LOAD 1', 'CALL f 1', 'END', 'f: ADD', 'RET', 'g: POP')).toEqual([
			't.bc:4:4: stack underflow: ADD needs 2 values, the frame holds 1',
		]);
		expect(errors('LOAD 1', 'JUMPZ a', 'ADD', 'END', 'a: LOAD 2', 'RET')).toEqual([
			't.bc:3:1: stack underflow: ADD needs 2 values, the frame holds 0',
			't.bc:6:1: RET outside a function: the main program ends with END',
		]);
	});

	it('leaves unreachable code alone', () => {
		expect(errors('END', 'ADD', 'RET')).toEqual(['ok']);
	});
});
