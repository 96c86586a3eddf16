/**
 * Indirect-threaded code (ITC), the lecture's
 *
 *     struct elop { void *code; int data; };
 *     static struct elop load_42 = { &&load, 42 }, load_4711 = { &&load, 4711 }, …;
 *     static struct elop *program[] = { &load_4711, &load_42, &add_, &print_, &end_ };
 *     goto *((*++ip)->code);
 *
 * The thread holds references to operation records, and a record holds the
 * code and its data. Records are shared: one per distinct operation, so every
 * `LOAD 1` in the program points at the same {load, 1}, and LOAD_42 and
 * LOAD_4711 become {load, 42} and {load, 4711} exactly as in the lecture.
 * Dispatch goes through two references, thread → record → code (the lecture
 * counts 4 x86 instructions, one more load than DTC).
 *
 * The trampoline loop and END throwing HALT are as in TTC and DTC.
 */
import {Token, type PvmProgram} from './bytecode.js';
import {errorAt, HALT, machineFor, type ByteCodeMachine, type RunOptions, type Runner} from './runtime.js';

/** The lecture's `struct elop`, plus CALL's argument count. */
export interface Elop {
	readonly code: (self: Elop) => void;
	readonly data: number;
	readonly argc: number;
}

export function itc(program: PvmProgram): Runner {
	const {instructions, maxFrameDepth} = program;
	const cache = {};
	let ip = 0;
	let sp = -1;
	let fp = 0;
	let rsp = 0;
	let m!: ByteCodeMachine;
	let stack: Int32Array = new Int32Array(0);
	let returns: Int32Array = new Int32Array(0);
	let stackLimit = 0;

	// The code the records point at; `e` is the record being executed (`*ip`).
	const add = () => {
		stack[sp - 1]! += stack[sp--]!;
	};
	const end = () => {
		throw HALT;
	};
	const load = (e: Elop) => {
		stack[++sp] = e.data;
	};
	const print = () => {
		m.print(stack[sp--]!);
	};
	const local = (e: Elop) => {
		stack[++sp] = stack[fp + e.data]!;
	};
	const store = (e: Elop) => {
		stack[fp + e.data] = stack[sp--]!;
	};
	const sub = () => {
		stack[sp - 1]! -= stack[sp--]!;
	};
	const mul = () => {
		const y = stack[sp--]!;
		stack[sp] = Math.imul(stack[sp]!, y);
	};
	const div = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAt(program, 'division-by-zero', ip - 1, m);
		stack[sp] = stack[sp]! / y;
	};
	const mod = () => {
		const y = stack[sp--]!;
		if (y === 0) throw errorAt(program, 'division-by-zero', ip - 1, m);
		stack[sp] = stack[sp]! % y;
	};
	const eq = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp] === y ? 1 : 0;
	};
	const ne = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp] !== y ? 1 : 0;
	};
	const lt = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! < y ? 1 : 0;
	};
	const le = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! <= y ? 1 : 0;
	};
	const gt = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! > y ? 1 : 0;
	};
	const ge = () => {
		const y = stack[sp--]!;
		stack[sp] = stack[sp]! >= y ? 1 : 0;
	};
	const jump = (e: Elop) => {
		ip = e.data;
	};
	const jumpz = (e: Elop) => {
		if (stack[sp--] === 0) ip = e.data;
	};
	const jumpnz = (e: Elop) => {
		if (stack[sp--] !== 0) ip = e.data;
	};
	const call = (e: Elop) => {
		if (sp >= stackLimit || rsp >= returns.length) throw errorAt(program, 'stack-overflow', ip - 1, m);
		returns[rsp++] = ip;
		returns[rsp++] = fp;
		fp = sp - e.argc + 1;
		ip = e.data;
	};
	const ret = () => {
		stack[fp] = stack[sp]!;
		sp = fp;
		fp = returns[--rsp]!;
		ip = returns[--rsp]!;
	};
	const dup = () => {
		stack[sp + 1] = stack[sp]!;
		sp++;
	};
	const pop = () => {
		sp--;
	};

	/** The code for each token: the LOAD family shares `load`, as in the lecture. */
	const codeOf = [
		add, end, load, load, print, load, local, store, sub, mul, div, mod, eq, ne, lt, le, gt, ge,
		jump, jumpz, jumpnz, call, ret, dup, pop,
	] as const;
	const loads: readonly number[] = [Token.LOAD_42, Token.LOAD_4711, Token.LOAD];

	// One record per distinct operation, shared by every use (the lecture's statics).
	const records = new Map<string, Elop>();
	const thread: Elop[] = instructions.map((ins) => {
		const data = ins.token === Token.LOAD_42 ? 42 : ins.token === Token.LOAD_4711 ? 4711 : ins.operand;
		const key = `${loads.includes(ins.token) ? Token.LOAD : ins.token}:${data}:${ins.argc}`;
		let e = records.get(key);
		if (!e) {
			e = {code: codeOf[ins.token], data, argc: ins.argc};
			records.set(key, e);
		}
		return e;
	});

	const runner: Runner = (options: RunOptions = {}) => {
		m = machineFor(program, options, cache);
		({stack, returns} = m);
		stackLimit = stack.length - maxFrameDepth;
		ip = 0;
		sp = -1;
		fp = 0;
		rsp = 0;
		let fuel = m.maxDispatches;
		try {
			while (--fuel >= 0) {
				const e = thread[ip++]!;
				e.code(e);
			}
		} catch (error) {
			if (error !== HALT) throw error;
			return {output: m.output, dispatches: m.maxDispatches - fuel};
		}
		throw errorAt(program, 'runaway', ip, m);
	};
	return runner;
}
