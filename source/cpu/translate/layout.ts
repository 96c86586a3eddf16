/** The order of a region's blocks in its function's switch (compile.ts). */
import {Op} from '../../isa/opcodes.js';
import type {Block} from './region.js';

/** Where a block goes next when that is known before it runs (a constant target), preferring the way it falls through. */
function successorsOf(block: Block): number[] {
	if (block.end === 'split') return [block.next];
	if (block.end !== 'branch') return [];
	const last = block.insns[block.insns.length - 1]!;
	if (last.c !== 16 || last.op === Op.ret) return [];
	const target = last.imm >>> 0;
	if (last.op === Op.jmp || last.op === Op.call) return [target];
	return [block.next, target];
}

/**
 * The order of the cases in the switch: after each block, if possible, one it goes to, which it then
 * falls into without going through the switch again (a loop's blocks in a row: one dispatch a round).
 */
export function layout(blocks: readonly Block[]): Block[] {
	const byEntry = new Map(blocks.map((b) => [b.entry, b]));
	const placed = new Set<number>();
	const order: Block[] = [];
	for (const first of blocks) {
		let block: Block | undefined = first;
		while (block !== undefined && !placed.has(block.entry)) {
			placed.add(block.entry);
			order.push(block);
			const next: number | undefined = successorsOf(block).find((pc) => byEntry.has(pc) && !placed.has(pc));
			block = next === undefined ? undefined : byEntry.get(next);
		}
	}
	return order;
}
