/**
 * The process virtual machine's byte code: a small stack machine.
 *
 * The first five tokens are the lecture's, with the lecture's numbering
 * (`enum token { ADD, END, LOAD_42, LOAD_4711, PRINT }`), so the lecture's
 * program `LOAD_4711, LOAD_42, ADD, PRINT, END` is the byte code 3 2 0 4 1.
 * The rest is what loops and a recursive Towers of Hanoi need.
 * docs/pvm.md describes the language.
 */
export const Token = {
	ADD: 0,
	END: 1,
	LOAD_42: 2,
	LOAD_4711: 3,
	PRINT: 4,
	/** LOAD k: push the constant k. */
	LOAD: 5,
	/** LOCAL i: push frame slot i (arguments are slots 0..argc-1). */
	LOCAL: 6,
	/** STORE i: pop into frame slot i. */
	STORE: 7,
	SUB: 8,
	MUL: 9,
	/** Truncating division, like C's `/` on int. */
	DIV: 10,
	/** Remainder with the dividend's sign, like C's `%`. */
	MOD: 11,
	EQ: 12,
	NE: 13,
	LT: 14,
	LE: 15,
	GT: 16,
	GE: 17,
	/** JUMP label. */
	JUMP: 18,
	/** JUMPZ label: pop; jump if it was 0. */
	JUMPZ: 19,
	/** JUMPNZ label: pop; jump if it was not 0. */
	JUMPNZ: 20,
	/** CALL label argc: the top argc values become the callee's slots 0..argc-1. */
	CALL: 21,
	/** RET: pop the result, drop the frame (arguments included), push the result. */
	RET: 22,
	DUP: 23,
	POP: 24,
} as const;

export type Token = (typeof Token)[keyof typeof Token];

/** What a token's operands are, as the assembler reads them. */
export type OperandKind = 'none' | 'constant' | 'slot' | 'label' | 'call';

export interface TokenInfo {
	name: keyof typeof Token;
	operands: OperandKind;
	/** Values popped before pushing (CALL: argc, known per instruction). */
	pops: number;
	/** Values pushed. */
	pushes: number;
	/** Ends a basic block: control does not simply go on to the next instruction. */
	transfers: boolean;
}

const info = (
	name: keyof typeof Token,
	operands: OperandKind,
	pops: number,
	pushes: number,
	transfers = false,
): TokenInfo => ({name, operands, pops, pushes, transfers});

/** Indexed by token. */
export const TOKENS: readonly TokenInfo[] = [
	info('ADD', 'none', 2, 1),
	info('END', 'none', 0, 0, true),
	info('LOAD_42', 'none', 0, 1),
	info('LOAD_4711', 'none', 0, 1),
	info('PRINT', 'none', 1, 0),
	info('LOAD', 'constant', 0, 1),
	info('LOCAL', 'slot', 0, 1),
	info('STORE', 'slot', 1, 0),
	info('SUB', 'none', 2, 1),
	info('MUL', 'none', 2, 1),
	info('DIV', 'none', 2, 1),
	info('MOD', 'none', 2, 1),
	info('EQ', 'none', 2, 1),
	info('NE', 'none', 2, 1),
	info('LT', 'none', 2, 1),
	info('LE', 'none', 2, 1),
	info('GT', 'none', 2, 1),
	info('GE', 'none', 2, 1),
	info('JUMP', 'label', 0, 0, true),
	info('JUMPZ', 'label', 1, 0, true),
	info('JUMPNZ', 'label', 1, 0, true),
	info('CALL', 'call', 0, 1, true),
	info('RET', 'none', 1, 0, true),
	info('DUP', 'none', 1, 2),
	info('POP', 'none', 1, 0),
];

/** Cells an instruction takes in the byte code: the token plus one per operand. */
export function width(token: Token): number {
	const kind = TOKENS[token]!.operands;
	return kind === 'none' ? 1 : kind === 'call' ? 3 : 2;
}

const byName = new Map<string, Token>(TOKENS.map((t, i) => [t.name, i as Token]));

/** The token for a mnemonic (case-insensitive), if any. */
export function tokenNamed(name: string): Token | undefined {
	return byName.get(name.toUpperCase());
}

/** One decoded instruction; `operand` is a constant, a slot or a target instruction index. */
export interface Instruction {
	token: Token;
	operand: number;
	/** CALL only: how many arguments the callee gets. */
	argc: number;
	/** Where it was written (1-based). */
	line: number;
	col: number;
}

/**
 * An assembled and verified program. Every technique starts from this; the
 * interpreters that read byte code (STC, TTC) use `code`, the ones that
 * pre-decode (PTC, ITC, DTC, translated) use `instructions`.
 */
export interface PvmProgram {
	file: string;
	instructions: readonly Instruction[];
	/**
	 * The byte code: each token followed by its operands, jump and call
	 * targets as offsets into `code` (the lecture's `char program[]`, with
	 * 32-bit cells so operands need no reassembly from bytes).
	 */
	code: Int32Array;
	/** Instruction index → offset in `code`. Runtime errors name this offset as the pc. */
	offsets: Int32Array;
	/**
	 * Values on the current frame before each instruction (arguments count),
	 * as found by the verifier; -1 for unreachable code.
	 */
	depths: Int32Array;
	/** The deepest any frame gets: a CALL needs this much room above the stack top. */
	maxFrameDepth: number;
	constants: ReadonlyMap<string, number>;
	/** Label → instruction index. */
	labels: ReadonlyMap<string, number>;
}

/** The instruction index whose code starts at or before `offset`. */
export function instructionAt(program: PvmProgram, offset: number): number {
	const {offsets} = program;
	let lo = 0;
	let hi = offsets.length - 1;
	while (lo < hi) {
		const mid = (lo + hi + 1) >> 1;
		if (offsets[mid]! <= offset) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}

/** One instruction as text, e.g. `CALL 12 4` (targets as code offsets). */
export function disassemble(program: PvmProgram, index: number): string {
	const ins = program.instructions[index]!;
	const t = TOKENS[ins.token]!;
	switch (t.operands) {
		case 'none':
			return t.name;
		case 'label':
			return `${t.name} ${program.offsets[ins.operand]}`;
		case 'call':
			return `${t.name} ${program.offsets[ins.operand]} ${ins.argc}`;
		default:
			return `${t.name} ${ins.operand}`;
	}
}
