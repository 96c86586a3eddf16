/**
 * What translated code checks, and where: a memory access whose address is known when its block
 * starts is checked there, once for the block (compile.ts `blockCode`); the rest check themselves.
 */
import {Op} from '../../isa/opcodes.js';
import type {Insn} from './region.js';

/** Instructions that write register `a`. */
export function writesA(op: number): boolean {
	return op === Op.mov || (op >= Op.add && op <= Op.rem) || op === Op.ld || op === Op.ldb || op === Op.pop || op === Op.mfcr || op === Op.sidt || op === Op.smsw;
}

/** A memory access: its base register (15 sp, 16 none: absolute), displacement and size. */
export interface Access {
	base: number;
	offset: number;
	bytes: 1 | 4;
}

/** The memory access an instruction makes, relative to the registers before it (null: none). */
export function accessOf(ins: Insn): Access | null {
	switch (ins.op) {
		case Op.ld:
		case Op.st:
			return {base: ins.b, offset: ins.imm, bytes: 4};
		case Op.ldb:
		case Op.stb:
			return {base: ins.b, offset: ins.imm, bytes: 1};
		case Op.push:
		case Op.call:
		case Op.pushf:
			return {base: 15, offset: -4, bytes: 4};
		case Op.pop:
		case Op.ret:
		case Op.popf:
			return {base: 15, offset: 0, bytes: 4};
		default:
			return null;
	}
}

/** How an instruction moves sp (null: to something not known before the block runs). */
function spMove(ins: Insn): number | null {
	const op = ins.op;
	const moved = op === Op.push || op === Op.call || op === Op.pushf ? -4 : op === Op.pop || op === Op.ret || op === Op.popf ? 4 : 0;
	if (writesA(op) && ins.a === 15) return null;
	return moved;
}

/**
 * The accesses of a block whose address is known at its start — sp plus a constant (sp moved only
 * by push, pop, call, ret, pushf, popf before them) or an absolute address — are checked once there:
 * if any of them would fault, nothing of the block has run, and the interpreter runs it instead
 * (and raises the exception at the exact instruction). Returns which instructions need no check
 * of their own, and the check.
 */
export function precheck(insns: readonly Insn[], user: boolean, size: number, handoff: string): {free: boolean[]; check: string} {
	const free = insns.map(() => false);
	let delta = 0; // sp now, relative to sp at the block's start
	let known = true;
	let low = Infinity; // the lowest offset from that sp an access starts at
	let high = -Infinity; // the highest offset an access ends at
	let aligned = false; // a word access: sp must be 4-aligned
	let absolute = 0; // user mode: the end of the highest absolute access
	insns.forEach((ins, j) => {
		const access = accessOf(ins);
		if (access !== null) {
			const {base, offset, bytes} = access;
			if (base === 15 && known) {
				const at = delta + offset;
				if (bytes === 1 || (at & 3) === 0) {
					free[j] = true;
					low = Math.min(low, at);
					high = Math.max(high, at + bytes);
					if (bytes === 4) aligned = true;
				}
			} else if (base === 16) {
				const at = offset >>> 0;
				if (bytes === 1 || (at & 3) === 0) {
					if (!user) free[j] = at + bytes <= size;
					else {
						free[j] = true;
						absolute = Math.max(absolute, at + bytes);
					}
				}
			}
		}
		const move = spMove(ins);
		if (move === null) known = false;
		else delta += move;
	});
	const tests: string[] = [];
	// In user mode pushf and popf may reach up to the raw ulimit (`limr` ≥ `lim`): checking them against `lim`
	// only hands a rare block to the interpreter. A stack that would wrap around 0 or 2^32 is handed over too.
	const limit = user ? 'lim' : String(size);
	if (high > -Infinity) {
		if (low < 0) tests.push(`s < ${-low}`);
		tests.push(`s + ${high} > ${limit}`);
		if (aligned) tests.push('(s & 3) !== 0');
	}
	if (absolute > 0) tests.push(`${absolute} > lim`);
	if (tests.length === 0) return {free, check: ''};
	const sp = high > -Infinity ? 'const s = r15 >>> 0; ' : '';
	return {free, check: `{ ${sp}if (${tests.join(' || ')}) ${handoff} }`};
}
