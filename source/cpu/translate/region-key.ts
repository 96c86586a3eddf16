/**
 * A region as numbers: everything its generated text depends on (compile.ts), so a function made
 * once per process is found again without generating the text.
 */
import type {Block, Where} from './region.js';

const END_CODE = {branch: 0, split: 1, stop: 2} as const;

/** Everything the generated text depends on, as numbers. */
export function regionKey(blocks: readonly Block[], where: Where, memorySize: number): Int32Array {
	let length = 3;
	for (const block of blocks) length += 4 + 9 * block.insns.length;
	const key = new Int32Array(length);
	key[0] = where.supervisor ? 1 : 0;
	key[1] = where.base;
	key[2] = memorySize;
	let k = 3;
	for (const block of blocks) {
		key[k++] = block.entry;
		key[k++] = END_CODE[block.end];
		key[k++] = block.next;
		key[k++] = block.insns.length;
		for (const ins of block.insns) {
			key[k++] = ins.pc;
			key[k++] = ins.op;
			key[k++] = ins.a;
			key[k++] = ins.b;
			key[k++] = ins.c;
			key[k++] = ins.n;
			key[k++] = ins.imm;
			key[k++] = ins.imm2;
			key[k++] = ins.size;
		}
	}
	return key;
}

export function hashOf(key: Int32Array): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
	return h;
}

export function sameKey(a: Int32Array, b: Int32Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}
