/**
 * Direct-threaded code (DTC), the lecture's
 *
 *     static void *program[] = { &&load_4711, &&load_42, &&add, &&print, &&end };
 *     goto **pc++;
 *
 * Decoded once: the program becomes an array of handler references (the code
 * addresses), with each instruction's operand beside it in a parallel array
 * (`operands`, as a Forth thread keeps an inline literal after its code
 * address). Dispatch is one load and an indirect call — the lecture counts
 * 3 x86 instructions: load, advance, jump.
 *
 * Handlers are shared per token (one `load` for every LOAD), jump operands
 * are already instruction indices, and LOAD_42 / LOAD_4711 keep their own
 * handlers as in the lecture. As in TTC, JavaScript needs a trampoline loop
 * for the `goto`, and END leaves it by throwing HALT.
 */
import {Token, type PvmProgram} from './bytecode.js';
import {errorAt, HALT, machineFor, type ByteCodeMachine, type RunOptions, type Runner} from './runtime.js';

type Handler = (operand: number) => void;

export function dtc(program: PvmProgram): Runner {
	const {instructions, maxFrameDepth} = program;
	const cache = {};
	let pc = 0;
	let sp = -1;
	let fp = 0;
	let rsp = 0;
	let m!: ByteCodeMachine;
	let stack: Int32Array = new Int32Array(0);
	let returns: Int32Array = new Int32Array(0);
	let stackLimit = 0;

	const impl: Handler[] = [];
	impl[Token.ADD] = () => {
		stack[sp - 1]! += stack[sp--]!;
	};
	impl[Token.END] = () => {
		throw HALT;
	};
	impl[Token.LOAD_42] = () => {
		stack[++sp] = 42;
	};
	impl[Token.LOAD_4711] = () => {
		stack[++sp] = 4711;
	};
	impl[Token.PRINT] = () => {
		m.print(stack[sp--]!);
	};
	impl[Token.LOAD] = (k) => {
		stack[++sp] = k;
	};
	impl[Token.LOCAL] = (i) => {
		stack[++sp] = stack[fp + i]!;
	};
	impl[Token.STORE] = (i) => {
		stack[fp + i] = stack[sp--]!;
	};
	impl[Token.SUB] = () => {
		stack[sp - 1]! -= stack[sp--]!;
	};
	impl[Token.MUL] = () => {
		const y = stack[sp--]!;
		stack[sp] = Math.imul(stack[sp]!, y);
	};
	impl[Token.DIV] = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAt(program, 'division-by-zero', pc - 1, m);
		stack[sp] = stack[sp]! / y;
	};
	impl[Token.MOD] = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAt(program, 'division-by-zero', pc - 1, m);
		stack[sp] = stack[sp]! % y;
	};
	impl[Token.EQ] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp] === y ? 1 : 0;
	};
	impl[Token.NE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp] !== y ? 1 : 0;
	};
	impl[Token.LT] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! < y ? 1 : 0;
	};
	impl[Token.LE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! <= y ? 1 : 0;
	};
	impl[Token.GT] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! > y ? 1 : 0;
	};
	impl[Token.GE] = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! >= y ? 1 : 0;
	};
	impl[Token.JUMP] = (target) => {
		pc = target;
	};
	impl[Token.JUMPZ] = (target) => {
		if (stack[sp--] === 0) pc = target;
	};
	impl[Token.JUMPNZ] = (target) => {
		if (stack[sp--] !== 0) pc = target;
	};
	impl[Token.CALL] = (target) => {
		if (sp >= stackLimit || rsp >= returns.length) throw errorAt(program, 'stack-overflow', pc - 1, m);
		returns[rsp++] = pc;
		returns[rsp++] = fp;
		fp = sp - argcs[pc - 1]! + 1;
		pc = target;
	};
	impl[Token.RET] = () => {
		stack[fp] = stack[sp]!;
		sp = fp;
		fp = returns[--rsp]!;
		pc = returns[--rsp]!;
	};
	impl[Token.DUP] = () => {
		stack[sp + 1] = stack[sp]!;
		sp++;
	};
	impl[Token.POP] = () => {
		sp--;
	};

	// The pre-decoded thread: code addresses, operands, and CALL's second operand.
	const handlers: Handler[] = instructions.map((ins) => impl[ins.token]!);
	const operands = Int32Array.from(instructions, (ins) => ins.operand);
	const argcs = Int32Array.from(instructions, (ins) => ins.argc);

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
			while (--fuel >= 0) {
				const i = pc++;
				handlers[i]!(operands[i]!);
			}
		} catch (error) {
			if (error !== HALT) throw error;
			return {output: m.output, dispatches: m.maxDispatches - fuel};
		}
		throw errorAt(program, 'runaway', pc, m);
	};
}
