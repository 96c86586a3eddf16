/**
 * Binary encoding of V32 instructions (docs/v32.md §3.9).
 *
 * Every instruction is one 32-bit little-endian header word, followed by zero,
 * one or two 32-bit immediate words, so every instruction is 4, 8 or 12 bytes
 * and 4-byte aligned:
 *
 *   bits 0–7   opcode          bits 16–19  c: source/target register
 *   bits 8–11  a: rd / value   bit 20      I: source/target is an immediate word
 *   bits 12–15 b: rs / base    bit 21      B: memory operand has a base register
 *   bits 24–31 n: `int` vector or control-register number; bits 22–23 are 0
 *
 * Words after the header: `imm` (source immediate, jump target, memory
 * displacement or port), then `imm2` (the immediate source of `out port, imm`).
 */
import {type Format, formats, mnemonicOf} from './opcodes.js';

export interface Instruction {
	op: number;
	/** rd, the stored register of `st`, the compared register of `cmp`, the register of `lidt`. */
	a: number;
	/** rs of ALU instructions; the base register of a memory operand. */
	b: number;
	/** The source or target register when not an immediate. */
	c: number;
	/** `int` vector or control-register number. */
	n: number;
	/** Immediate source, jump target, memory displacement or port. */
	imm: number;
	/** Second immediate: the source of `out port, imm`. */
	imm2: number;
	/** The source/target operand is an immediate. */
	isImm: boolean;
	/** The memory operand has a base register (else it is absolute). */
	hasBase: boolean;
	/** Size in bytes: 4, 8 or 12. */
	size: number;
}

export const I_BIT = 1 << 20;
export const B_BIT = 1 << 21;

export function emptyInstruction(op = 0): Instruction {
	return {op, a: 0, b: 0, c: 0, n: 0, imm: 0, imm2: 0, isImm: false, hasBase: false, size: 4};
}

/** Which header fields and immediate words a format uses. */
interface Layout {
	a: boolean;
	b: boolean;
	/** Source may be a register (c) or an immediate (I bit). */
	src: boolean;
	n: boolean;
	/** A memory operand: displacement word always present, B bit allowed. */
	mem: boolean;
	/** A port word always present. */
	port: boolean;
}

const layouts: Record<Format, Layout> = {
	none: {a: false, b: false, src: false, n: false, mem: false, port: false},
	rd_src: {a: true, b: false, src: true, n: false, mem: false, port: false},
	rd_rs_src: {a: true, b: true, src: true, n: false, mem: false, port: false},
	rs_src: {a: true, b: false, src: true, n: false, mem: false, port: false},
	rd_mem: {a: true, b: true, src: false, n: false, mem: true, port: false},
	rs_mem: {a: true, b: true, src: false, n: false, mem: true, port: false},
	src: {a: false, b: false, src: true, n: false, mem: false, port: false},
	rd: {a: true, b: false, src: false, n: false, mem: false, port: false},
	rs: {a: true, b: false, src: false, n: false, mem: false, port: false},
	target: {a: false, b: false, src: true, n: false, mem: false, port: false},
	vector: {a: false, b: false, src: false, n: true, mem: false, port: false},
	rd_cr: {a: true, b: false, src: false, n: true, mem: false, port: false},
	cr_rs: {a: true, b: false, src: false, n: true, mem: false, port: false},
	rd_port: {a: true, b: false, src: false, n: false, mem: false, port: true},
	port_src: {a: false, b: false, src: true, n: false, mem: false, port: true},
};

export function formatOf(op: number): Format | undefined {
	const m = mnemonicOf[op];
	return m === undefined ? undefined : formats[m];
}

/** The size in bytes an instruction will take, from its format and operand kinds. */
export function sizeOf(format: Format, isImm: boolean): number {
	const l = layouts[format];
	let size = 4;
	if (l.mem || l.port) size += 4;
	if (l.src && isImm) size += 4;
	return size;
}

/** Encode to 32-bit words (header first). */
export function encode(ins: Instruction): number[] {
	const format = formatOf(ins.op);
	if (format === undefined) throw new Error(`cannot encode opcode ${ins.op}`);
	const l = layouts[format];
	let header = ins.op & 0xff;
	if (l.a) header |= (ins.a & 15) << 8;
	if (l.mem ? ins.hasBase : l.b) header |= (ins.b & 15) << 12;
	if (l.src && !ins.isImm) header |= (ins.c & 15) << 16;
	if (l.src && ins.isImm) header |= I_BIT;
	if (l.mem && ins.hasBase) header |= B_BIT;
	if (l.n) header |= (ins.n & 0xff) << 24;
	const words = [header | 0];
	if (l.mem || l.port) {
		words.push(ins.imm | 0);
		if (l.src && ins.isImm) words.push(ins.imm2 | 0);
	} else if (l.src && ins.isImm) {
		words.push(ins.imm | 0);
	}
	return words;
}

/**
 * Decode the instruction whose header word is `header`; `word(k)` reads the k-th
 * word after it (k = 1, 2) and returns undefined when it is out of reach.
 * Returns undefined for an invalid encoding (#UD): unknown opcode or a reserved
 * bit set. `out` is filled in place so the CPU's decoder allocates nothing.
 */
export function decodeInto(
	header: number,
	word: (k: number) => number | undefined,
	out: Instruction,
): Instruction | undefined {
	const op = header & 0xff;
	const format = formatOf(op);
	if (format === undefined) return undefined;
	const l = layouts[format];
	const isImm = (header & I_BIT) !== 0;
	const hasBase = (header & B_BIT) !== 0;
	const a = (header >>> 8) & 15;
	const b = (header >>> 12) & 15;
	const c = (header >>> 16) & 15;
	const n = (header >>> 24) & 0xff;
	// Reserved bits must be zero: anything else is #UD, so every valid byte
	// sequence has exactly one meaning and the disassembler round-trips.
	if (header & (3 << 22)) return undefined;
	if (!l.a && a !== 0) return undefined;
	if (!l.b && !(l.mem && hasBase) && b !== 0) return undefined;
	// An absolute memory operand has no base: b must be 0 (else two encodings of one instruction).
	if (l.mem && !hasBase && b !== 0) return undefined;
	if ((!l.src || isImm) && c !== 0) return undefined;
	if (!l.src && isImm) return undefined;
	if (!l.mem && hasBase) return undefined;
	if (!l.n && n !== 0) return undefined;
	// Only eight control registers exist (opcodes.ts `controlRegisters`).
	if ((format === 'rd_cr' || format === 'cr_rs') && n > 7) return undefined;
	out.op = op;
	out.a = a;
	out.b = b;
	out.c = c;
	out.n = n;
	out.isImm = isImm;
	out.hasBase = hasBase;
	out.imm = 0;
	out.imm2 = 0;
	out.size = sizeOf(format, isImm);
	if (out.size >= 8) {
		const w = word(1);
		if (w === undefined) return undefined;
		out.imm = w | 0;
	}
	if (out.size === 12) {
		const w = word(2);
		if (w === undefined) return undefined;
		out.imm2 = w | 0;
	}
	return out;
}

/** Decode from a byte array at a byte offset (for the disassembler and tools). */
export function decodeBytes(bytes: Uint8Array, offset: number): Instruction | undefined {
	const read = (at: number): number | undefined =>
		at + 4 <= bytes.length
			? (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) | 0
			: undefined;
	const header = read(offset);
	if (header === undefined) return undefined;
	return decodeInto(header, (k) => read(offset + 4 * k), emptyInstruction());
}
