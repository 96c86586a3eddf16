/**
 * Switch-threaded code (STC): the lecture's "central dispatch loop",
 *
 *     for (;;) switch (*ip++) { case ADD: sp[-1] += *sp--; break; … }
 *
 * Every instruction returns to the loop head, which fetches the next token and
 * jumps through the switch's table (the lecture counts 7 x86 instructions of
 * switching overhead: fetch, increment, bounds check, table jump, jump back).
 *
 * The case labels are numeric literals on purpose: V8 builds a jump table
 * only for literal small-integer cases, a `case Token.ADD:` would compile to
 * a chain of comparisons. The test suite checks them against bytecode.ts by
 * running every sample under every technique.
 *
 * In JavaScript this is the one technique whose state (pc, sp, fp) lives in
 * local variables, i.e. machine registers; the handler-based ones keep it in
 * closure variables, i.e. memory.
 */
import type {PvmProgram} from './bytecode.js';
import {errorAtPc, machineFor, type RunOptions, type Runner} from './runtime.js';

export function stc(program: PvmProgram): Runner {
	const {code, maxFrameDepth} = program;
	const cache = {};
	return (options: RunOptions = {}) => {
		const m = machineFor(program, options, cache);
		const {stack, returns, print, maxDispatches} = m;
		const stackLimit = stack.length - maxFrameDepth;
		const returnLimit = returns.length;
		let pc = 0;
		let sp = -1;
		let fp = 0;
		let rsp = 0;
		let fuel = maxDispatches;
		let a = 0;
		while (--fuel >= 0) {
			switch (code[pc++]) {
				case 0: // ADD
					stack[sp - 1]! += stack[sp--]!;
					break;
				case 1: // END
					return {output: m.output, dispatches: maxDispatches - fuel};
				case 2: // LOAD_42
					stack[++sp] = 42;
					break;
				case 3: // LOAD_4711
					stack[++sp] = 4711;
					break;
				case 4: // PRINT
					print(stack[sp--]!);
					break;
				case 5: // LOAD k
					stack[++sp] = code[pc++]!;
					break;
				case 6: // LOCAL i
					stack[++sp] = stack[fp + code[pc++]!]!;
					break;
				case 7: // STORE i
					stack[fp + code[pc++]!] = stack[sp--]!;
					break;
				case 8: // SUB
					stack[sp - 1]! -= stack[sp--]!;
					break;
				case 9: // MUL
					a = stack[sp--]!;
					stack[sp] = Math.imul(stack[sp]!, a);
					break;
				case 10: // DIV
					a = stack[sp--]!;
					if (a === 0) throw errorAtPc(program, 'division-by-zero', pc - 1, m);
					stack[sp] = stack[sp]! / a;
					break;
				case 11: // MOD
					a = stack[sp--]!;
					if (a === 0) throw errorAtPc(program, 'division-by-zero', pc - 1, m);
					stack[sp] = stack[sp]! % a;
					break;
				case 12: // EQ
					a = stack[sp--]!;
					stack[sp] = stack[sp] === a ? 1 : 0;
					break;
				case 13: // NE
					a = stack[sp--]!;
					stack[sp] = stack[sp] !== a ? 1 : 0;
					break;
				case 14: // LT
					a = stack[sp--]!;
					stack[sp] = stack[sp]! < a ? 1 : 0;
					break;
				case 15: // LE
					a = stack[sp--]!;
					stack[sp] = stack[sp]! <= a ? 1 : 0;
					break;
				case 16: // GT
					a = stack[sp--]!;
					stack[sp] = stack[sp]! > a ? 1 : 0;
					break;
				case 17: // GE
					a = stack[sp--]!;
					stack[sp] = stack[sp]! >= a ? 1 : 0;
					break;
				case 18: // JUMP target
					pc = code[pc]!;
					break;
				case 19: // JUMPZ target
					pc = stack[sp--] === 0 ? code[pc]! : pc + 1;
					break;
				case 20: // JUMPNZ target
					pc = stack[sp--] !== 0 ? code[pc]! : pc + 1;
					break;
				case 21: // CALL target argc
					if (sp >= stackLimit || rsp >= returnLimit) throw errorAtPc(program, 'stack-overflow', pc - 1, m);
					returns[rsp++] = pc + 2;
					returns[rsp++] = fp;
					fp = sp - code[pc + 1]! + 1;
					pc = code[pc]!;
					break;
				case 22: // RET: the result replaces the arguments
					stack[fp] = stack[sp]!;
					sp = fp;
					fp = returns[--rsp]!;
					pc = returns[--rsp]!;
					break;
				case 23: // DUP
					stack[sp + 1] = stack[sp]!;
					sp++;
					break;
				case 24: // POP
					sp--;
					break;
			}
		}
		throw errorAtPc(program, 'runaway', pc, m);
	};
}
