/**
 * Instructions: operand checking (pass 1, which fixes the size) and building
 * the `Instruction` record for `encode` (pass 2, when symbols have values).
 */
import {type Instruction, emptyInstruction, sizeOf} from '../encoding.js';
import {type Format, type Mnemonic, Op, controlRegisters, formats} from '../opcodes.js';
import type {Expr, LineError, Operand} from './types.js';

type Slot = 'rd' | 'rs' | 'src' | 'mem' | 'target' | 'vector' | 'cr' | 'port';

const slots: Record<Format, Slot[]> = {
	none: [],
	rd_src: ['rd', 'src'],
	rd_rs_src: ['rd', 'rs', 'src'],
	rs_src: ['rs', 'src'],
	rd_mem: ['rd', 'mem'],
	rs_mem: ['rs', 'mem'],
	src: ['src'],
	rd: ['rd'],
	rs: ['rs'],
	target: ['target'],
	vector: ['vector'],
	rd_cr: ['rd', 'cr'],
	cr_rs: ['cr', 'rs'],
	rd_port: ['rd', 'port'],
	port_src: ['port', 'src'],
};

const slotNames: Record<Slot, string> = {rd: 'rd', rs: 'rs', src: 'src', mem: '[m]', target: 'target', vector: 'n', cr: 'cr', port: 'port'};

const accepts: Record<Slot, ReadonlyArray<Operand['kind']>> = {
	rd: ['reg'],
	rs: ['reg'],
	src: ['reg', 'imm'],
	target: ['reg', 'imm'],
	mem: ['mem'],
	vector: ['imm'],
	port: ['imm'],
	cr: ['cr'],
};

const expected: Record<Slot, string> = {
	rd: 'a register',
	rs: 'a register',
	src: 'a register or an immediate',
	target: 'a label, an address or a register',
	mem: 'a memory operand like [r1+4]',
	vector: 'an immediate (0 to 255)',
	port: 'an immediate port number',
	cr: `a control register (${controlRegisters.join(', ')})`,
};

/** Checks operand count and kinds; returns the instruction's size, or the errors. */
export function checkInstruction(mnemonic: Mnemonic, written: string, col: number, operands: Operand[]): number | LineError[] {
	const want = slots[formats[mnemonic]];
	if (operands.length !== want.length) {
		const names = want.map((s) => slotNames[s]).join(', ');
		const expects =
			want.length === 0 ? 'no operands' : `${want.length} operand${want.length === 1 ? '' : 's'} (${names})`;
		const at = operands.length > want.length ? operands[want.length]!.col : col;
		return [{col: at, message: `'${written}' expects ${expects}, got ${operands.length}`}];
	}
	const errors: LineError[] = [];
	let isImm = false;
	want.forEach((slot, i) => {
		const o = operands[i]!;
		if (!accepts[slot].includes(o.kind)) {
			errors.push({col: o.col, message: `'${written}' operand ${i + 1}: expected ${expected[slot]}, got '${o.text}'`});
		}
		if ((slot === 'src' || slot === 'target') && o.kind === 'imm') isImm = true;
	});
	return errors.length > 0 ? errors : sizeOf(formats[mnemonic], isImm);
}

/** Evaluates an expression to a 32-bit value, reporting its own errors; undefined on failure. */
export type Value = (expr: Expr, range?: Range) => number | undefined;

/** Allowed values and how an out-of-range value is named: `immediate 300 out of range for 'int' (expected 0 to 255)`. */
export interface Range {
	min: number;
	max: number;
	label: string;
	context?: string;
}

export const FULL_RANGE: Range = {min: -0x80000000, max: 0xffffffff, label: 'immediate'};

export function rangeError(v: number, r: Range): string | undefined {
	if (v >= r.min && v <= r.max && Number.isSafeInteger(v)) return undefined;
	const ctx = r.context === undefined ? '' : ` ${r.context}`;
	// Past 2^53 a double is not an exact integer, and it would print as 1e+38: say what it is instead.
	const shown = Number.isSafeInteger(v) ? String(v) : `${v < 0 ? 'below -' : 'beyond '}2^53`;
	return `${r.label} ${shown} out of range${ctx} (expected ${r.min} to ${r.max})`;
}

/** Builds the Instruction of a checked statement. Undefined if a value failed (already reported). */
export function buildInstruction(mnemonic: Mnemonic, written: string, operands: Operand[], value: Value): Instruction | undefined {
	const format = formats[mnemonic];
	const ins = emptyInstruction(Op[mnemonic]);
	let ok = true;
	const val = (e: Expr, range?: Range): number => {
		const v = value(e, range);
		if (v === undefined) ok = false;
		return v ?? 0;
	};
	slots[format].forEach((slot, i) => {
		const o = operands[i]!;
		if ((slot === 'rd' || slot === 'rs') && o.kind === 'reg') {
			// The second register of `add rd, rs, src` is b; every other lone register is a.
			if (format === 'rd_rs_src' && i === 1) ins.b = o.reg;
			else ins.a = o.reg;
		} else if (slot === 'cr' && o.kind === 'cr') {
			ins.n = o.cr;
		} else if (slot === 'vector' && o.kind === 'imm') {
			ins.n = val(o.expr, {min: 0, max: 255, label: 'immediate', context: `for '${written}'`});
		} else if (slot === 'port' && o.kind === 'imm') {
			ins.imm = val(o.expr) | 0;
		} else if (slot === 'mem' && o.kind === 'mem') {
			ins.hasBase = o.base !== undefined;
			ins.b = o.base ?? 0;
			ins.imm = o.disp === undefined ? 0 : val(o.disp) | 0;
		} else if (o.kind === 'reg') {
			ins.c = o.reg;
		} else if (o.kind === 'imm') {
			ins.isImm = true;
			// `out port, imm` keeps the port in imm and the value in imm2.
			if (format === 'port_src') ins.imm2 = val(o.expr) | 0;
			else ins.imm = val(o.expr) | 0;
		}
	});
	ins.size = sizeOf(format, ins.isImm);
	return ok ? ins : undefined;
}
