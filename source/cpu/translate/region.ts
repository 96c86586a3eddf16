/**
 * Finding a region to translate: the basic blocks reachable from a hot entry
 * by direct branches, read from the decoded cache only. Nothing here decodes:
 * the interpreter decodes on fetch and calls the decode hook (the binary
 * translator, which charges its scan in cycles), so decoding ahead would make
 * the two engines disagree. A block stops before anything translated code does
 * not run: an undecoded slot, an instruction that would fault on fetch or is
 * privileged in this mode, I/O, traps and everything else that leaves the CPU.
 */
import type {Instruction} from '../../isa/encoding.js';
import {Op, Port} from '../../isa/opcodes.js';
import {UNDECODED} from '../decoded-cache.js';
import type {Machine} from '../machine.js';

/** One decoded instruction (the decoder's fields, from the decoded cache), as the code generator sees it. */
export interface Insn extends Pick<Instruction, 'op' | 'a' | 'b' | 'c' | 'n' | 'imm' | 'imm2' | 'size'> {
	/** Virtual address. */
	pc: number;
	/** Physical word index of its slot. */
	w: number;
}

export interface Block {
	/** Virtual address of the first instruction. */
	entry: number;
	insns: Insn[];
	/**
	 * How it ends: `branch` (its last instruction sets pc), `split` (it was
	 * long: the next block follows at `next`), or `stop` (the instruction at
	 * `next` is left to the interpreter).
	 */
	end: 'branch' | 'split' | 'stop';
	next: number;
}

/** Instructions per block before a block is split. */
const MAX_BLOCK = 64;
/** A region holds at most this many blocks and instructions. */
const MAX_BLOCKS = 12;
const MAX_INSNS = 128;
/**
 * Instructions of blocks that start other regions a region may copy. With none, hanoi on the sample
 * kernel left translated code every ~25 instructions; with 16, 2.4 times less often and ~20% less
 * CPU time (measured alternately in one process); V8 compiles ~1.6 times as much text.
 */
const COPIED = 16;

/** Ends a basic block by setting pc: jmp, the conditional jumps, call, ret. */
export function isBranch(op: number): boolean {
	return op >= Op.jmp && op <= Op.ret;
}

/**
 * CPU-local system instructions run inside translated code (they cause most
 * exits of kernel code otherwise). The interpreter ends its slice after each,
 * so translated code checks for an interrupt that has become takeable.
 */
export function isLocalSystem(op: number): boolean {
	return (
		op === Op.cli ||
		op === Op.sti ||
		op === Op.mfcr ||
		op === Op.mtcr ||
		op === Op.pushf ||
		op === Op.popf ||
		op === Op.lidt ||
		op === Op.sidt ||
		op === Op.smsw
	);
}

/**
 * Console output (`out 0x10`) runs inside translated code too: a kernel writes a string one `out` per
 * byte, and leaving for each would cost more than the rest of the loop. Other ports stay out: the
 * timer's reprogramming changes the slice, power-off stops the machine.
 */
export function isConsoleOut(op: number, port: number): boolean {
	return op === Op.out && port >>> 0 === Port.CONSOLE_OUT;
}

/** What translated code runs: the non-system instructions, and the CPU-local system ones. */
function translatable(op: number, port: number, supervisor: boolean): boolean {
	if (op >= Op.nop && op <= Op.ret) return true;
	if (isConsoleOut(op, port)) return supervisor;
	if (!isLocalSystem(op)) return false;
	// In user mode only the ones a profile leaves unprivileged can get here, and of those only
	// pushf/popf are kept: the rest would change what the running code's translation assumed.
	return supervisor || op === Op.pushf || op === Op.popf;
}

export interface Where {
	supervisor: boolean;
	/** Physical address of virtual 0 (0 in supervisor mode). */
	base: number;
	/** The fetch limit: no instruction may reach past this virtual address. */
	limit: number;
}

/** The basic block at virtual `pc`, or null when its first instruction cannot be translated. */
export function scanBlock(m: Machine, pc: number, where: Where): Block | null {
	const code = m.code;
	const priv = m.priv;
	const insns: Insn[] = [];
	let p = pc;
	let end: Block['end'] = 'stop';
	for (;;) {
		const last = insns[insns.length - 1];
		// Never split right after a system instruction: see `prevSystem` in compile.ts.
		if (insns.length >= MAX_BLOCK && last !== undefined && !isLocalSystem(last.op) && last.op !== Op.out) {
			end = 'split';
			break;
		}
		if ((p & 3) !== 0 || p >= where.limit) break;
		const w = (where.base + p) >>> 2;
		const op = code.op[w]!;
		if (op === UNDECODED) break;
		const size = code.size[w]!;
		if (p + size > where.limit) break;
		if (!where.supervisor && priv[op] !== 0) break;
		if (!translatable(op, code.imm[w]!, where.supervisor)) break;
		insns.push({pc: p, w, op, a: code.a[w]!, b: code.b[w]!, c: code.c[w]!, n: code.n[w]!, imm: code.imm[w]!, imm2: code.imm2[w]!, size});
		p = (p + size) >>> 0;
		if (isBranch(op)) {
			end = 'branch';
			break;
		}
	}
	if (insns.length === 0) return null;
	return {entry: pc, insns, end, next: p};
}

/** Where control may go after a block, when it is known before running it. */
function successors(block: Block): number[] {
	if (block.end !== 'branch') return block.end === 'split' ? [block.next] : [];
	const last = block.insns[block.insns.length - 1]!;
	// A register target (c ≠ 16) is known only at run time.
	const target = last.c === 16 ? last.imm >>> 0 : -1;
	const out: number[] = [];
	if (target >= 0 && last.op !== Op.ret) out.push(target);
	// Conditional jumps fall through; a call's return lands after it.
	if (last.op !== Op.jmp && last.op !== Op.ret) out.push(block.next);
	return out;
}

/**
 * The blocks reachable from `entry` (the first is the entry's), breadth first, within the limits.
 * Blocks that are the entries of other regions (`isEntry`) are copied in only up to COPIED
 * instructions: each piece of code is compiled about once, yet a short callee or a loop's head that
 * became a region first runs inside this function instead of through a transition (`execute`
 * calling the next region: as dear as dozens of translated instructions).
 */
export function findRegion(m: Machine, entry: number, where: Where, isEntry: (pc: number) => boolean = () => false): Block[] {
	const found = new Map<number, Block>();
	const queue = [entry];
	let insns = 0;
	let copied = 0;
	for (let i = 0; i < queue.length && found.size < MAX_BLOCKS && insns < MAX_INSNS; i++) {
		const pc = queue[i]!;
		if (found.has(pc)) continue;
		const other = i > 0 && isEntry(pc);
		const block = scanBlock(m, pc, where);
		if (block === null) continue;
		if (other) {
			if (copied + block.insns.length > COPIED) continue;
			copied += block.insns.length;
		}
		found.set(pc, block);
		insns += block.insns.length;
		for (const next of successors(block)) if (!found.has(next)) queue.push(next);
	}
	return [...found.values()];
}
