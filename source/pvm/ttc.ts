/**
 * Token-threaded code (TTC): the lecture's `goto *step[*pc++]`. The byte code
 * stays as it is; each token indexes a table of handlers (`step`), and each
 * handler reads its own operands from the code. Switching overhead in the
 * lecture: 4 x86 instructions plus the table.
 *
 * JavaScript has no computed goto and no guaranteed tail calls, so a handler
 * cannot jump to the next one; it returns, and a minimal loop does the
 * `step[code[pc++]]()`. END leaves that loop by throwing HALT (a `longjmp`),
 * which keeps an "are we done?" test out of every dispatch.
 */
import {Token, type PvmProgram} from './bytecode.js';
import {errorAtPc, HALT, machineFor, type ByteCodeMachine, type RunOptions, type Runner} from './runtime.js';

export function ttc(program: PvmProgram): Runner {
	const {code, maxFrameDepth} = program;
	const cache = {};
	// The machine state, shared by the handlers (the C version's statics).
	let pc = 0;
	let sp = -1;
	let fp = 0;
	let rsp = 0;
	let m!: ByteCodeMachine;
	let stack: Int32Array = new Int32Array(0);
	let returns: Int32Array = new Int32Array(0);
	let stackLimit = 0;

	const step: Array<() => void> = [];
	step[Token.ADD] = () => {
		stack[sp - 1]! += stack[sp--]!;
	};
	step[Token.END] = () => {
		throw HALT;
	};
	step[Token.LOAD_42] = () => {
		stack[++sp] = 42;
	};
	step[Token.LOAD_4711] = () => {
		stack[++sp] = 4711;
	};
	step[Token.PRINT] = () => {
		m.print(stack[sp--]!);
	};
	step[Token.LOAD] = () => {
		stack[++sp] = code[pc++]!;
	};
	step[Token.LOCAL] = () => {
		stack[++sp] = stack[fp + code[pc++]!]!;
	};
	step[Token.STORE] = () => {
		stack[fp + code[pc++]!] = stack[sp--]!;
	};
	step[Token.SUB] = () => {
		stack[sp - 1]! -= stack[sp--]!;
	};
	step[Token.MUL] = () => {
		const y = stack[sp--]!;
		stack[sp] = Math.imul(stack[sp]!, y);
	};
	step[Token.DIV] = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAtPc(program, 'division-by-zero', pc - 1, m);
		stack[sp] = stack[sp]! / y;
	};
	step[Token.MOD] = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAtPc(program, 'division-by-zero', pc - 1, m);
		stack[sp] = stack[sp]! % y;
	};
	step[Token.EQ] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! === y ? 1 : 0;
	};
	step[Token.NE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! !== y ? 1 : 0;
	};
	step[Token.LT] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! < y ? 1 : 0;
	};
	step[Token.LE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! <= y ? 1 : 0;
	};
	step[Token.GT] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! > y ? 1 : 0;
	};
	step[Token.GE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! >= y ? 1 : 0;
	};
	step[Token.JUMP] = () => {
		pc = code[pc]!;
	};
	step[Token.JUMPZ] = () => {
		pc = stack[sp--] === 0 ? code[pc]! : pc + 1;
	};
	step[Token.JUMPNZ] = () => {
		pc = stack[sp--] !== 0 ? code[pc]! : pc + 1;
	};
	step[Token.CALL] = () => {
		if (sp >= stackLimit || rsp >= returns.length) throw errorAtPc(program, 'stack-overflow', pc - 1, m);
		returns[rsp++] = pc + 2;
		returns[rsp++] = fp;
		fp = sp - code[pc + 1]! + 1;
		pc = code[pc]!;
	};
	step[Token.RET] = () => {
		stack[fp] = stack[sp]!;
		sp = fp;
		fp = returns[--rsp]!;
		pc = returns[--rsp]!;
	};
	step[Token.DUP] = () => {
		stack[sp + 1] = stack[sp]!;
		sp++;
	};
	step[Token.POP] = () => {
		sp--;
	};

	return (options: RunOptions = {}) => {
		m = machineFor(program, options, cache);
		({stack, returns} = m);
		stackLimit = stack.length - maxFrameDepth;
		pc = 0;
		sp = -1;
		fp = 0;
		rsp = 0;
		let fuel = m.maxDispatches;
		try {
			while (--fuel >= 0) step[code[pc++]!]!();
		} catch (error) {
			if (error !== HALT) throw error;
			return {output: m.output, dispatches: m.maxDispatches - fuel};
		}
		throw errorAtPc(program, 'runaway', pc, m);
	};
}
