/**
 * The verifier: follows every path of the program once, as the JVM's does,
 * and finds the stack depth before each instruction. Because the depth at
 * every point is then fixed, no interpreter has to test for stack underflow
 * per instruction, and a CALL can test for overflow once for the whole
 * callee frame (`maxFrameDepth`) — checks out of the hot path.
 *
 * Rules: a frame starts with its arguments (main with nothing); an
 * instruction needs as many values as it pops; LOCAL/STORE name a slot below
 * the depth; every path into an instruction brings the same depth; code
 * belongs to one frame (main or one function); main ends with END, a
 * function with RET; control never runs past the last instruction.
 */
import {type Instruction, Token, TOKENS} from './bytecode.js';

export interface VerifyError {
	line: number;
	col: number;
	message: string;
}

export interface Verified {
	/** Depth before each instruction; -1 where unreachable. */
	depths: Int32Array;
	maxFrameDepth: number;
	errors: VerifyError[];
}

const values = (n: number) => `${n} value${n === 1 ? '' : 's'}`;

/** `names`: instruction index → a label there, for messages. */
export function verify(instructions: readonly Instruction[], names: ReadonlyMap<number, string>): Verified {
	const n = instructions.length;
	const depths = new Int32Array(n).fill(-1);
	/** Which frame each instruction belongs to: 0 for main, entry index + 1 for a function. */
	const owners = new Int32Array(n).fill(-1);
	const errors: VerifyError[] = [];
	const reported = new Set<number>();
	const fail = (at: number, message: string) => {
		if (reported.has(at)) return;
		reported.add(at);
		const ins = instructions[at]!;
		errors.push({line: ins.line, col: ins.col, message});
	};
	const frameName = (owner: number) => (owner === 0 ? 'the main program' : `function '${names.get(owner - 1) ?? owner - 1}'`);
	const arity = new Map<number, {argc: number; line: number}>();
	let maxFrameDepth = 0;

	const work: Array<[index: number, depth: number, owner: number, from: number]> = [[0, 0, 0, -1]];
	while (work.length > 0) {
		const [i, depth, owner, from] = work.pop()!;
		if (i >= n) {
			fail(from, `control runs off the end of the program after ${TOKENS[instructions[from]!.token]!.name}: expected END, RET or JUMP`);
			continue;
		}
		if (depths[i] !== -1) {
			if (owners[i] !== owner) fail(i, `this code is reached from both ${frameName(owners[i]!)} and ${frameName(owner)}`);
			else if (depths[i] !== depth)
				fail(i, `the stack holds ${values(depths[i]!)} here on one path and ${depth} on another: expected the same depth`);
			continue;
		}
		depths[i] = depth;
		owners[i] = owner;
		const ins = instructions[i]!;
		const t = TOKENS[ins.token]!;
		const pops = ins.token === Token.CALL ? ins.argc : t.pops;
		if (depth < pops) {
			fail(i, `stack underflow: ${t.name} needs ${values(pops)}, the frame holds ${depth}`);
			continue;
		}
		if (ins.token === Token.LOCAL && ins.operand >= depth) {
			fail(i, `LOCAL ${ins.operand} is outside the frame: expected a slot below ${depth}, the frame holds ${values(depth)}`);
			continue;
		}
		if (ins.token === Token.STORE && ins.operand >= depth - 1) {
			fail(i, `STORE ${ins.operand} is outside the frame: expected a slot below ${depth - 1}, the frame holds ${values(depth - 1)} under the value stored`);
			continue;
		}
		const after = depth - pops + t.pushes;
		maxFrameDepth = Math.max(maxFrameDepth, depth, after);

		switch (ins.token) {
			case Token.END:
				break;
			case Token.RET:
				if (owner === 0) fail(i, 'RET outside a function: the main program ends with END');
				break;
			case Token.JUMP:
				work.push([ins.operand, after, owner, i]);
				break;
			case Token.JUMPZ:
			case Token.JUMPNZ:
				work.push([ins.operand, after, owner, i], [i + 1, after, owner, i]);
				break;
			case Token.CALL: {
				const seen = arity.get(ins.operand);
				if (seen && seen.argc !== ins.argc) {
					fail(i, `CALL passes ${ins.argc} arguments here but ${seen.argc} at line ${seen.line}: expected one count per function`);
					break;
				}
				if (!seen) arity.set(ins.operand, {argc: ins.argc, line: ins.line});
				work.push([i + 1, after, owner, i], [ins.operand, ins.argc, ins.operand + 1, i]);
				break;
			}
			default:
				work.push([i + 1, after, owner, i]);
		}
	}
	return {depths, maxFrameDepth, errors};
}
