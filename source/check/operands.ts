/**
 * The forms of an instruction the checker executes, generated from its operand
 * format (opcodes.ts) and never from its mnemonic, so a new instruction is
 * probed without touching the checker.
 *
 * Registers: rd = r1, rs = r2, a register source = r3, a memory base = r2 (a
 * pointer into the data area in every program variant, states.ts). Every
 * operand kind that has a small set of meanings is enumerated: all control
 * registers, every device port (docs/v32.md §5.1) plus an unused one, vectors below
 * and above 32 (the boundary of `int` from user mode).
 */
import {type Instruction, emptyInstruction, encode} from '../isa/encoding.js';
import {disassembleInstruction} from '../isa/disassembler.js';
import {type Mnemonic, Op, Port, controlRegisters, formats} from '../isa/opcodes.js';

export interface InstructionForm {
	mnemonic: Mnemonic;
	/** Assembly text, e.g. `mfcr r1, idt`. */
	text: string;
	words: number[];
}

const RD = 1;
const RS = 2;
const SRC = 3;
const BASE = 2;
const DISPLACEMENT = 4;
const ABSOLUTE = 0x840;
const IMMEDIATE = 0x41;
const TARGET = 0x200;
const VECTORS = [3, 13, 32, 0x80];
const PORTS = [...Object.values(Port), 0x55];

type Variant = Partial<Instruction>;

/** Register source, then immediate source. */
const sources: Variant[] = [{c: SRC}, {isImm: true, imm: IMMEDIATE}];
const memoryOperands: Variant[] = [
	{b: BASE, hasBase: true, imm: DISPLACEMENT},
	{imm: ABSOLUTE},
];

function variants(mnemonic: Mnemonic): Variant[] {
	switch (formats[mnemonic]) {
		case 'none':
			return [{}];
		case 'rd_src':
			return sources.map((s) => ({a: RD, ...s}));
		case 'rd_rs_src':
			return sources.map((s) => ({a: RD, b: RS, ...s}));
		case 'rs_src':
			return sources.map((s) => ({a: RS, ...s}));
		case 'rd_mem':
		case 'rs_mem':
			return memoryOperands.map((m) => ({a: RD, ...m}));
		case 'src':
			return sources;
		case 'rd':
			return [{a: RD}];
		case 'rs':
			return [{a: RS}];
		case 'target':
			return [{c: RS}, {isImm: true, imm: TARGET}];
		case 'vector':
			return VECTORS.map((n) => ({n}));
		case 'rd_cr':
			return controlRegisters.map((_, n) => ({a: RD, n}));
		case 'cr_rs':
			return controlRegisters.map((_, n) => ({a: RS, n}));
		case 'rd_port':
			return PORTS.map((imm) => ({a: RD, imm}));
		case 'port_src':
			return PORTS.flatMap((imm) => [
				{imm, c: SRC},
				{imm, isImm: true, imm2: IMMEDIATE},
			]);
	}
}

/** Every form of `mnemonic` the checker executes. */
export function formsOf(mnemonic: Mnemonic): InstructionForm[] {
	return variants(mnemonic).map((v) => {
		const ins: Instruction = {...emptyInstruction(Op[mnemonic]), ...v};
		return {mnemonic, text: disassembleInstruction(ins), words: encode(ins)};
	});
}
