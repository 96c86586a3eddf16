/**
 * The V32 instruction set: mnemonics, opcodes and operand formats.
 *
 * This table is the one contract shared by the assembler, the disassembler, the
 * CPU's decoder, the Popek–Goldberg checker and the VMM. The binary encoding is
 * documented in docs/v32.md §3.9.
 */

/** Operand formats. Each names the operands in assembly order. */
export type Format =
	| 'none' // nop, ret, brk, iret, cli, sti, hlt, pushf, popf
	| 'rd_src' // mov rd, src
	| 'rd_rs_src' // add rd, rs, src
	| 'rs_src' // cmp rs, src
	| 'rd_mem' // ld rd, [m]
	| 'rs_mem' // st rs, [m]
	| 'src' // push src
	| 'rd' // pop rd, sidt rd, smsw rd
	| 'rs' // lidt rs
	| 'target' // jmp/jcc/call label-or-register
	| 'vector' // int n
	| 'rd_cr' // mfcr rd, cr
	| 'cr_rs' // mtcr cr, rs
	| 'rd_port' // in rd, port
	| 'port_src'; // out port, src

export const Op = {
	nop: 1,
	mov: 2,
	add: 3,
	sub: 4,
	mul: 5,
	and: 6,
	or: 7,
	xor: 8,
	shl: 9,
	shr: 10,
	sar: 11,
	div: 12,
	rem: 13,
	cmp: 14,
	ld: 15,
	st: 16,
	ldb: 17,
	stb: 18,
	push: 19,
	pop: 20,
	jmp: 21,
	jz: 22,
	jnz: 23,
	jl: 24,
	jle: 25,
	jg: 26,
	jge: 27,
	jb: 28,
	jbe: 29,
	ja: 30,
	jae: 31,
	call: 32,
	ret: 33,
	int: 34,
	brk: 35,
	iret: 36,
	cli: 37,
	sti: 38,
	hlt: 39,
	lidt: 40,
	sidt: 41,
	smsw: 42,
	mfcr: 43,
	mtcr: 44,
	in: 45,
	out: 46,
	pushf: 47,
	popf: 48,
} as const;

export type Mnemonic = keyof typeof Op;

export const formats: Record<Mnemonic, Format> = {
	nop: 'none',
	mov: 'rd_src',
	add: 'rd_rs_src',
	sub: 'rd_rs_src',
	mul: 'rd_rs_src',
	and: 'rd_rs_src',
	or: 'rd_rs_src',
	xor: 'rd_rs_src',
	shl: 'rd_rs_src',
	shr: 'rd_rs_src',
	sar: 'rd_rs_src',
	div: 'rd_rs_src',
	rem: 'rd_rs_src',
	cmp: 'rs_src',
	ld: 'rd_mem',
	st: 'rs_mem',
	ldb: 'rd_mem',
	stb: 'rs_mem',
	push: 'src',
	pop: 'rd',
	jmp: 'target',
	jz: 'target',
	jnz: 'target',
	jl: 'target',
	jle: 'target',
	jg: 'target',
	jge: 'target',
	jb: 'target',
	jbe: 'target',
	ja: 'target',
	jae: 'target',
	call: 'target',
	ret: 'none',
	int: 'vector',
	brk: 'none',
	iret: 'none',
	cli: 'none',
	sti: 'none',
	hlt: 'none',
	lidt: 'rs',
	sidt: 'rd',
	smsw: 'rd',
	mfcr: 'rd_cr',
	mtcr: 'cr_rs',
	in: 'rd_port',
	out: 'port_src',
	pushf: 'none',
	popf: 'none',
};

/** Assembly aliases: same opcode, another name. The disassembler prints the canonical one. */
export const aliases: Record<string, Mnemonic> = {je: 'jz', jne: 'jnz'};

export const mnemonics = Object.keys(Op) as Mnemonic[];

/** Opcode → mnemonic; undefined entries decode as #UD. */
export const mnemonicOf: Array<Mnemonic | undefined> = (() => {
	const table: Array<Mnemonic | undefined> = new Array(256).fill(undefined);
	for (const m of mnemonics) table[Op[m]] = m;
	return table;
})();

/** Control registers, by their number in `mfcr`/`mtcr`. */
export const controlRegisters = ['epc', 'eflags', 'cause', 'badaddr', 'idt', 'ubase', 'ulimit', 'usp'] as const;
export type ControlRegister = (typeof controlRegisters)[number];
export const Cr = {epc: 0, eflags: 1, cause: 2, badaddr: 3, idt: 4, ubase: 5, ulimit: 6, usp: 7} as const;

/** FLAGS bits (docs/v32.md §1.2). */
export const Flag = {C: 1 << 0, Z: 1 << 1, N: 1 << 2, V: 1 << 3, IF: 1 << 9, S: 1 << 12} as const;

/** Exception vectors (docs/v32.md §4.1). */
export const Vector = {DE: 0, BP: 3, UD: 6, DF: 8, GP: 13, TIMER: 32, CONSOLE: 33} as const;

/**
 * Bit 0 of an IDT entry (docs/v32.md §4.6): `int n` from
 * user mode raises #GP instead of vector n, as an x86 gate with DPL 0 does. The
 * handler is the entry without this bit. Opt-in: handlers are 4-byte aligned
 * instructions, so an entry written against the original contract has it clear.
 */
export const IDT_KERNEL_ONLY = 1;

export const vectorNames: Record<number, string> = {
	0: '#DE',
	3: '#BP',
	6: '#UD',
	8: '#DF',
	13: '#GP',
	32: 'timer',
	33: 'console',
};

/** A vector's short name: `#GP`, `timer`, or `int 0x80`. */
export function vectorName(vector: number): string {
	return vectorNames[vector] ?? `int 0x${vector.toString(16)}`;
}

/** Device ports (docs/v32.md §5.1). */
export const Port = {CONSOLE_OUT: 0x10, CONSOLE_IN: 0x11, TIMER: 0x20, INSTRET: 0x21, POWER: 0xf0} as const;

/** Branch conditions are jz..jae, contiguous opcodes. */
export function isConditionalJump(op: number): boolean {
	return op >= Op.jz && op <= Op.jae;
}

/** Instructions that end a basic block (for the binary translator and the decoder). */
export function endsBlock(op: number): boolean {
	return (
		(op >= Op.jmp && op <= Op.brk) || op === Op.iret || op === Op.hlt || op === Op.popf || op === Op.mtcr || op === Op.out
	);
}
