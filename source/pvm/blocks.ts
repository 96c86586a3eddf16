/**
 * Basic blocks: maximal runs of instructions entered only at the top and left
 * only at the bottom. PTC and the translator work block by block, so they can
 * account for a whole block's dispatches (and test the runaway guard) once
 * instead of per instruction.
 */
import {TOKENS, type PvmProgram} from './bytecode.js';

export interface Blocks {
	/** First instruction of each block, ascending. */
	starts: number[];
	/** Instruction index → the block it starts, or -1 inside a block. */
	blockAt: Int32Array;
}

export function basicBlocks(program: PvmProgram): Blocks {
	const {instructions} = program;
	const n = instructions.length;
	const leader = new Uint8Array(n + 1);
	leader[0] = 1;
	instructions.forEach((ins, i) => {
		const t = TOKENS[ins.token]!;
		if (t.operands === 'label' || t.operands === 'call') leader[ins.operand] = 1;
		// Transfers include CALL: the return lands on the instruction after it.
		if (t.transfers) leader[i + 1] = 1;
	});
	const starts: number[] = [];
	const blockAt = new Int32Array(n).fill(-1);
	for (let i = 0; i < n; i++) {
		if (leader[i]) {
			blockAt[i] = starts.length;
			starts.push(i);
		}
	}
	return {starts, blockAt};
}

/** Where block `b` ends (exclusive). */
export function blockEnd(blocks: Blocks, b: number, n: number): number {
	return blocks.starts[b + 1] ?? n;
}
