/**
 * Byte-code assembler: text → verified PvmProgram. One instruction per line:
 *
 *     ; comment (also #)
 *     .const N 10        ; a named constant, overridable with `defines`
 *     loop:  LOCAL 0     ; a label may stand alone or before an instruction
 *            JUMPZ done
 *
 * Every error is collected, not just the first, as `file:LINE:COL: message`
 * saying what was expected. Verification (verify.ts) runs once the text parses.
 */
import {type Instruction, type PvmProgram, type Token, TOKENS, tokenNamed, width} from './bytecode.js';
import {verify} from './verify.js';
import {UserError} from '../user-error.js';

export interface PvmAsmError {
	file: string;
	/** 1-based. */
	line: number;
	/** 1-based. */
	col: number;
	message: string;
}

export function formatPvmAsmError(e: PvmAsmError): string {
	return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

/** Thrown by `assembleByteCodeOrThrow`; the message lists every error, one a line. */
export class PvmAssemblyFailed extends UserError {
	constructor(readonly errors: readonly PvmAsmError[]) {
		super(errors.map(formatPvmAsmError).join('\n'));
		this.name = 'PvmAssemblyFailed';
	}
}

export interface AssembleOptions {
	/** Used in messages; default `program.bc`. */
	file?: string;
	/** Values replacing those of `.const` lines (e.g. a loop count from the bench). */
	defines?: Readonly<Record<string, number>>;
}

export type AssembleResult = {ok: true; program: PvmProgram} | {ok: false; errors: PvmAsmError[]};

/** A word of the source line and its 1-based column. */
interface Word {
	text: string;
	col: number;
}

/** An instruction whose operands are still names. */
interface Pending {
	token: Token;
	mnemonic: Word;
	args: Word[];
	line: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const INTEGER = /^[+-]?(?:0[xX][0-9a-fA-F]+|[0-9]+)$/;
const MNEMONICS = TOKENS.map((t) => t.name)
	.sort()
	.join(', ');

/** Splits a line into words at blanks and commas, dropping the comment. */
function words(line: string): Word[] {
	const out: Word[] = [];
	const re = /[^\s,;#]+|[;#]/g;
	for (let m = re.exec(line); m; m = re.exec(line)) {
		if (m[0] === ';' || m[0] === '#') break;
		out.push({text: m[0], col: m.index + 1});
	}
	return out;
}

function parseInteger(text: string): number | undefined {
	if (!INTEGER.test(text)) return undefined;
	const negative = text.startsWith('-');
	const digits = text.replace(/^[+-]/, '');
	const magnitude = /^0x/i.test(digits) ? Number.parseInt(digits.slice(2), 16) : Number.parseInt(digits, 10);
	return negative ? -magnitude : magnitude;
}

/** Whether a value is a 32-bit integer, signed or (hex-style) unsigned. */
const fits = (v: number) => v >= -0x8000_0000 && v <= 0xffff_ffff;

export function assembleByteCode(text: string, options: AssembleOptions = {}): AssembleResult {
	const file = options.file ?? 'program.bc';
	const errors: PvmAsmError[] = [];
	const fail = (line: number, col: number, message: string) => errors.push({file, line, col, message});

	const constants = new Map<string, number>();
	const constLines = new Map<string, number>();
	const labels = new Map<string, number>();
	const labelLines = new Map<string, number>();
	/** Labels with no instruction after them, to report if still dangling at the end. */
	const trailing: Array<{name: string; line: number; col: number}> = [];
	const pending: Pending[] = [];

	// Pass 1: labels, constants, mnemonics. Operands wait for pass 2 so a label
	// or constant can be used before the line that defines it.
	const lines = text.split(/\r?\n/);
	lines.forEach((source, i) => {
		const line = i + 1;
		let ws = words(source);
		while (ws.length > 0 && ws[0]!.text.endsWith(':')) {
			const w = ws[0]!;
			const name = w.text.slice(0, -1);
			if (!IDENT.test(name)) fail(line, w.col, `expected a label name (letters, digits, _ or .), found '${w.text}'`);
			else if (labels.has(name)) fail(line, w.col, `label '${name}' is already defined at line ${labelLines.get(name)}`);
			else {
				labels.set(name, pending.length);
				labelLines.set(name, line);
				trailing.push({name, line, col: w.col});
			}
			ws = ws.slice(1);
		}
		if (ws.length === 0) return;
		const [head, ...args] = ws as [Word, ...Word[]];
		if (head.text.toLowerCase() === '.const') {
			defineConstant(line, head, args);
			return;
		}
		const token = tokenNamed(head.text);
		// Even a bad mnemonic stands for an instruction: no "dangling label" noise.
		trailing.length = 0;
		if (token === undefined) {
			fail(line, head.col, `expected an instruction (${MNEMONICS}), a label ('name:') or .const, found '${head.text}'`);
			return;
		}
		pending.push({token, mnemonic: head, args, line});
	});

	function defineConstant(line: number, head: Word, args: Word[]): void {
		const [name, value, extra] = args;
		if (!name || !value) {
			const at = name ?? head;
			fail(line, at.col + at.text.length, `expected .const NAME VALUE`);
			return;
		}
		if (!IDENT.test(name.text)) {
			fail(line, name.col, `expected a constant name (letters, digits, _ or .), found '${name.text}'`);
			return;
		}
		const v = parseInteger(value.text);
		if (v === undefined) fail(line, value.col, `expected an integer value for ${name.text}, found '${value.text}'`);
		else if (!fits(v)) fail(line, value.col, `${value.text} does not fit in 32 bits`);
		else if (constants.has(name.text))
			fail(line, name.col, `constant '${name.text}' is already defined at line ${constLines.get(name.text)}`);
		else {
			constants.set(name.text, v | 0);
			constLines.set(name.text, line);
		}
		if (extra) fail(line, extra.col, `expected the end of the line after .const ${name.text} ${value.text}, found '${extra.text}'`);
	}

	for (const l of trailing) fail(l.line, l.col, `label '${l.name}' must be followed by an instruction`);

	for (const [name, value] of Object.entries(options.defines ?? {})) {
		if (constants.has(name)) constants.set(name, value | 0);
	}

	// Pass 2: operands.
	const instructions: Instruction[] = pending.map((p) => resolve(p));

	function resolve(p: Pending): Instruction {
		const {token, mnemonic, args, line} = p;
		const ins: Instruction = {token, operand: 0, argc: 0, line, col: mnemonic.col};
		const name = TOKENS[token]!.name;
		const kind = TOKENS[token]!.operands;
		const wanted = kind === 'none' ? 0 : kind === 'call' ? 2 : 1;
		const what = {
			none: '',
			constant: 'a constant (integer or .const name)',
			slot: 'a frame slot number (0, 1, …)',
			label: 'a label',
			call: 'a label and an argument count',
		}[kind];
		if (args.length > wanted) {
			const extra = args[wanted]!;
			fail(
				line,
				extra.col,
				wanted === 0
					? `${name} takes no operand, found '${extra.text}'`
					: `expected the end of the line after ${name}'s operand, found '${extra.text}'`,
			);
			return ins;
		}
		if (args.length < wanted) {
			const last = args.at(-1) ?? mnemonic;
			fail(line, last.col + last.text.length, `${name} expects ${what}`);
			return ins;
		}
		if (kind === 'constant' || kind === 'slot') {
			const a = args[0]!;
			const v = valueOf(a, line);
			if (v === undefined) return ins;
			if (kind === 'slot' && v < 0) fail(line, a.col, `expected ${what}, found ${v}`);
			ins.operand = v;
		}
		if (kind === 'label' || kind === 'call') {
			const a = args[0]!;
			const target = labels.get(a.text);
			if (target === undefined) fail(line, a.col, `expected a label defined in this file, found '${a.text}'`);
			else ins.operand = target;
		}
		if (kind === 'call') {
			const a = args[1]!;
			const v = valueOf(a, line);
			if (v !== undefined && v < 0) fail(line, a.col, `expected an argument count ≥ 0, found ${v}`);
			else if (v !== undefined) ins.argc = v;
		}
		return ins;
	}

	/** An integer literal or a constant's value; reports what it expected otherwise. */
	function valueOf(w: Word, line: number): number | undefined {
		const literal = parseInteger(w.text);
		if (literal !== undefined) {
			if (fits(literal)) return literal | 0;
			fail(line, w.col, `${w.text} does not fit in 32 bits`);
			return undefined;
		}
		const named = constants.get(w.text);
		if (named !== undefined) return named;
		fail(line, w.col, `expected an integer or a .const name, found '${w.text}'`);
		return undefined;
	}

	if (errors.length === 0 && instructions.length === 0) fail(1, 1, 'expected at least one instruction (a program ends with END)');
	if (errors.length > 0) return {ok: false, errors: sorted(errors)};

	const names = new Map<number, string>();
	for (const [name, index] of labels) if (!names.has(index)) names.set(index, name);
	const checked = verify(instructions, names);
	if (checked.errors.length > 0) {
		return {ok: false, errors: sorted(checked.errors.map((e) => ({file, ...e})))};
	}

	return {ok: true, program: encode(file, instructions, checked.depths, checked.maxFrameDepth, constants, labels)};
}

/** Like `assembleByteCode`, but throws PvmAssemblyFailed. */
export function assembleByteCodeOrThrow(text: string, options: AssembleOptions = {}): PvmProgram {
	const result = assembleByteCode(text, options);
	if (!result.ok) throw new PvmAssemblyFailed(result.errors);
	return result.program;
}

function sorted(errors: PvmAsmError[]): PvmAsmError[] {
	return errors.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Lays the instructions out as byte code: token, then operands; targets become code offsets. */
function encode(
	file: string,
	instructions: Instruction[],
	depths: Int32Array,
	maxFrameDepth: number,
	constants: Map<string, number>,
	labels: Map<string, number>,
): PvmProgram {
	const offsets = new Int32Array(instructions.length);
	let size = 0;
	instructions.forEach((ins, i) => {
		offsets[i] = size;
		size += width(ins.token);
	});
	const code = new Int32Array(size);
	instructions.forEach((ins, i) => {
		const at = offsets[i]!;
		code[at] = ins.token;
		const kind = TOKENS[ins.token]!.operands;
		if (kind === 'constant' || kind === 'slot') code[at + 1] = ins.operand;
		if (kind === 'label' || kind === 'call') code[at + 1] = offsets[ins.operand]!;
		if (kind === 'call') code[at + 2] = ins.argc;
	});
	return {file, instructions, code, offsets, depths, maxFrameDepth, constants, labels};
}
