/**
 * The decoded form of the code in memory: one slot per 4-byte-aligned physical
 * word, in parallel typed arrays (structure of arrays, as v86 keeps its state),
 * so the fetch-execute loop reads plain numbers and allocates nothing.
 *
 * Operands are normalised so the hot loop never branches on operand kind:
 * an immediate source or target is `regs[16] (always 0) + imm`, a register one
 * is `regs[c] + 0`; a memory operand without a base uses base register 16.
 */
import {decodeInto, emptyInstruction} from '../isa/encoding.js';
import {formats, mnemonicOf} from '../isa/opcodes.js';

/** Slot not decoded yet. */
export const UNDECODED = 0;
/** Not a valid encoding: executing it raises #UD. */
export const UNDEFINED_OP = 255;
/** The instruction's immediate words lie outside physical memory: fetching it raises #GP. */
export const FETCH_FAULT = 254;
/** A binary-translation patch: behaves as `int n` (n in the slot) handed to the VMM. */
export const PATCHED = 253;

const ZERO = 16;

export class DecodedCache {
	readonly op: Uint8Array;
	readonly a: Uint8Array;
	readonly b: Uint8Array;
	readonly c: Uint8Array;
	readonly n: Uint8Array;
	readonly imm: Int32Array;
	readonly imm2: Int32Array;
	readonly size: Uint8Array;
	private readonly scratch = emptyInstruction();
	readonly words: number;
	/**
	 * Per word, how many translated regions hold an instruction whose slot a
	 * store to that word drops (source/cpu/translate/): such a store, a patch or
	 * a reload there also drops the translation. Null without a translating engine.
	 */
	translated: Uint16Array | null = null;
	/** Called with the word index when a slot that translated code was made from changes. */
	onTranslatedChange: ((w: number) => void) | null = null;
	/**
	 * Per word, 1 once any decoded instruction has taken it (its header or an extension word). A store
	 * to a word still 0 drops no slot and no translation: translated code tests this before it calls
	 * `invalidate` (stack pushes and data stores, nearly all of its stores).
	 */
	readonly covered: Uint8Array;

	constructor(memorySize: number) {
		this.words = memorySize >>> 2;
		this.op = new Uint8Array(this.words);
		this.a = new Uint8Array(this.words);
		this.b = new Uint8Array(this.words);
		this.c = new Uint8Array(this.words);
		this.n = new Uint8Array(this.words);
		this.imm = new Int32Array(this.words);
		this.imm2 = new Int32Array(this.words);
		this.size = new Uint8Array(this.words);
		this.covered = new Uint8Array(this.words);
	}

	/** Decode the word at physical address `phys` (4-aligned, in memory) into its slot. */
	decode(mem32: Int32Array, phys: number): number {
		const w = phys >>> 2;
		const words = this.words;
		const ins = decodeInto(mem32[w]!, (k) => (w + k < words ? mem32[w + k]! : undefined), this.scratch);
		const covered = this.covered;
		covered[w] = 1;
		if (ins !== undefined) for (let k = 1; k < ins.size >>> 2 && w + k < words; k++) covered[w + k] = 1;
		this.size[w] = 4;
		this.a[w] = 0;
		this.b[w] = ZERO;
		this.c[w] = ZERO;
		this.n[w] = 0;
		this.imm[w] = 0;
		this.imm2[w] = 0;
		if (ins === undefined) {
			// Distinguish "bytes are not an instruction" from "its operand words are off the end of memory".
			const op = mnemonicOf[mem32[w]! & 0xff];
			const longEnough = op !== undefined && w + 3 > words;
			this.op[w] = longEnough && decodeInto(mem32[w]!, () => 0, emptyInstruction()) ? FETCH_FAULT : UNDEFINED_OP;
			return this.op[w]!;
		}
		const format = formats[mnemonicOf[ins.op]!];
		this.op[w] = ins.op;
		this.a[w] = ins.a;
		this.n[w] = ins.n;
		this.size[w] = ins.size;
		if (format === 'rd_mem' || format === 'rs_mem') {
			this.b[w] = ins.hasBase ? ins.b : ZERO;
			this.imm[w] = ins.imm;
		} else if (format === 'port_src') {
			this.imm[w] = ins.imm;
			if (ins.isImm) this.imm2[w] = ins.imm2;
			else this.c[w] = ins.c;
		} else if (format === 'rd_port') {
			this.imm[w] = ins.imm;
		} else {
			this.b[w] = format === 'rd_rs_src' ? ins.b : ZERO;
			if (ins.isImm) this.imm[w] = ins.imm;
			else this.c[w] = ins.c;
		}
		return ins.op;
	}

	/**
	 * A store to physical address `p`: drop every slot whose instruction covers it — its own, and one
	 * starting 4 or 8 bytes back only if it is that long (a slot's decoding depends on its header and on
	 * the extension words its size takes, nothing else: encoding.ts `decodeInto`). Data next to code
	 * (a counter after a routine's `ret`) then leaves the code decoded and translated.
	 */
	invalidate(p: number): void {
		const w = p >>> 2;
		const op = this.op;
		const size = this.size;
		op[w] = UNDECODED;
		// An undecoded slot's stale size can only drop it again: harmless.
		if (w >= 1 && size[w - 1]! > 4) op[w - 1] = UNDECODED;
		if (w >= 2 && size[w - 2]! > 8) op[w - 2] = UNDECODED;
		const t = this.translated;
		if (t !== null && t[w] !== 0) this.onTranslatedChange!(w);
	}

	invalidateRange(from: number, length: number): void {
		const first = Math.max(0, (from >>> 2) - 2);
		const last = Math.min(this.words, ((from + length + 3) >>> 2) + 1);
		this.op.fill(UNDECODED, first, last);
		const t = this.translated;
		if (t === null) return;
		// Every slot cleared is marked on its own word (and the extension words it takes).
		for (let w = first; w < last; w++) if (t[w] !== 0) this.onTranslatedChange!(w);
	}

	/** Replace the decoded slot at `phys` with a patch that traps to vector `n` (binary translation). */
	patch(phys: number, vector: number): void {
		const w = phys >>> 2;
		this.op[w] = PATCHED;
		this.n[w] = vector;
		// The marks are on the words a store to which drops slot w: w itself is one of them.
		const t = this.translated;
		if (t !== null && t[w] !== 0) this.onTranslatedChange!(w);
	}
}
