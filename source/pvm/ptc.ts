/**
 * Procedure-threaded code (PTC), the lecture's
 *
 *     void load_4711 () { *++sp = 4711; } …
 *     main () { load_4711(); load_42(); add(); print(); end(); }
 *
 * The program becomes calls: one procedure per instruction with its operand
 * bound in (so `LOAD 4711` becomes the lecture's own `load_4711`), and each
 * basic block a sequence of those calls. The switching overhead is the call
 * and the return (the lecture: 2 x86 instructions), no token is decoded.
 *
 * Control flow, which the lecture's straight-line `main` does not have: a
 * block's last procedure sets `next` (jump target, callee, return address,
 * or -1 for END); otherwise the block falls through to the following one.
 * Dispatches are counted, and the runaway guard tested, once per block.
 */
import {basicBlocks, blockEnd} from './blocks.js';
import {type Instruction, Token, type PvmProgram} from './bytecode.js';
import {errorAt, machineFor, type ByteCodeMachine, type RunOptions, type Runner} from './runtime.js';

type Procedure = () => void;

export function ptc(program: PvmProgram): Runner {
	const {instructions, maxFrameDepth} = program;
	const n = instructions.length;
	const cache = {};
	let sp = -1;
	let fp = 0;
	let rsp = 0;
	let next = 0;
	let m!: ByteCodeMachine;
	let stack: Int32Array = new Int32Array(0);
	let returns: Int32Array = new Int32Array(0);
	let stackLimit = 0;

	const blocks = basicBlocks(program);
	const blockOf = (i: number) => blocks.blockAt[i]!;

	/** The procedure for instruction `i`, operands bound. */
	function procedure(ins: Instruction, i: number): Procedure {
		const k = ins.operand;
		switch (ins.token) {
			case Token.ADD:
				return () => {
					stack[sp - 1]! += stack[sp--]!;
				};
			case Token.END:
				return () => {
					next = -1;
				};
			case Token.LOAD_42:
			case Token.LOAD_4711:
			case Token.LOAD: {
				const value = ins.token === Token.LOAD_42 ? 42 : ins.token === Token.LOAD_4711 ? 4711 : k;
				return () => {
					stack[++sp] = value;
				};
			}
			case Token.PRINT:
				return () => {
					m.print(stack[sp--]!);
				};
			case Token.LOCAL:
				return () => {
					stack[++sp] = stack[fp + k]!;
				};
			case Token.STORE:
				return () => {
					stack[fp + k] = stack[sp--]!;
				};
			case Token.SUB:
				return () => {
					stack[sp - 1]! -= stack[sp--]!;
				};
			case Token.MUL:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = Math.imul(stack[sp]!, y);
				};
			case Token.DIV:
				return () => {
					const y = stack[sp--]!;
					if (y === 0) throw errorAt(program, 'division-by-zero', i, m);
					stack[sp] = stack[sp]! / y;
				};
			case Token.MOD:
				return () => {
					const y = stack[sp--]!;
					if (y === 0) throw errorAt(program, 'division-by-zero', i, m);
					stack[sp] = stack[sp]! % y;
				};
			case Token.EQ:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp] === y ? 1 : 0;
				};
			case Token.NE:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp] !== y ? 1 : 0;
				};
			case Token.LT:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp]! < y ? 1 : 0;
				};
			case Token.LE:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp]! <= y ? 1 : 0;
				};
			case Token.GT:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp]! > y ? 1 : 0;
				};
			case Token.GE:
				return () => {
					const y = stack[sp--]!;
					stack[sp] = stack[sp]! >= y ? 1 : 0;
				};
			case Token.JUMP: {
				const target = blockOf(k);
				return () => {
					next = target;
				};
			}
			case Token.JUMPZ: {
				const target = blockOf(k);
				return () => {
					if (stack[sp--] === 0) next = target;
				};
			}
			case Token.JUMPNZ: {
				const target = blockOf(k);
				return () => {
					if (stack[sp--] !== 0) next = target;
				};
			}
			case Token.CALL: {
				const target = blockOf(k);
				const back = blockOf(i + 1);
				const argc = ins.argc;
				return () => {
					if (sp >= stackLimit || rsp >= returns.length) throw errorAt(program, 'stack-overflow', i, m);
					returns[rsp++] = back;
					returns[rsp++] = fp;
					fp = sp - argc + 1;
					next = target;
				};
			}
			case Token.RET:
				return () => {
					stack[fp] = stack[sp]!;
					sp = fp;
					fp = returns[--rsp]!;
					next = returns[--rsp]!;
				};
			case Token.DUP:
				return () => {
					stack[sp + 1] = stack[sp]!;
					sp++;
				};
			case Token.POP:
				return () => {
					sp--;
				};
		}
	}

	const bodies: Procedure[][] = blocks.starts.map((start, b) => {
		const end = blockEnd(blocks, b, n);
		return instructions.slice(start, end).map((ins, j) => procedure(ins, start + j));
	});
	/** The block control falls into when the last procedure leaves `next` alone. */
	const fallthrough = Int32Array.from(blocks.starts, (_, b) => (b + 1 < blocks.starts.length ? b + 1 : -1));

	return (options: RunOptions = {}) => {
		m = machineFor(program, options, cache);
		({stack, returns} = m);
		stackLimit = stack.length - maxFrameDepth;
		sp = -1;
		fp = 0;
		rsp = 0;
		let fuel = m.maxDispatches;
		let b = 0;
		while (b >= 0) {
			const body = bodies[b]!;
			if ((fuel -= body.length) < 0) throw errorAt(program, 'runaway', blocks.starts[b]!, m);
			next = fallthrough[b]!;
			for (let j = 0; j < body.length; j++) body[j]!();
			b = next;
		}
		return {output: m.output, dispatches: m.maxDispatches - fuel};
	};
}
