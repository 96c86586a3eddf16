/** State shared by both passes: location counter, items to emit, symbols and errors. */
import type {Mnemonic} from '../opcodes.js';
import type {AsmError} from '../program.js';
import {evaluate} from './expressions.js';
import {FULL_RANGE, type Range, rangeError} from './instructions.js';
import {type SymDef, Symbols} from './symbols.js';
import type {Expr, Loc, Operand, Term} from './types.js';

/** Largest image the assembler builds: guards against `.org 0xFFFFFFF0` allocating 4 GiB. */
export const IMAGE_LIMIT = 64 * 1024 * 1024;

export type Item =
	| {kind: 'ins'; seq: number; loc: Loc; addr: number; mnemonic: Mnemonic; written: string; operands: Operand[]}
	| {kind: 'data'; seq: number; loc: Loc; addr: number; width: 1 | 4; values: Expr[]}
	| {kind: 'bytes'; seq: number; loc: Loc; addr: number; bytes: Uint8Array};

export interface Conditional {
	loc: Loc;
	directive: string;
	/** Lines in this branch are assembled. */
	active: boolean;
	/** The enclosing region is active (else neither branch is). */
	outer: boolean;
	sawElse: boolean;
}

export class Context {
	readonly errors: Array<{seq: number; error: AsmError}> = [];
	readonly items: Item[] = [];
	readonly lines = new Map<number, number>();
	readonly equs: SymDef[] = [];
	readonly cond: Conditional[] = [];
	readonly symbols: Symbols;
	/** Statement number of the line being assembled, to keep errors in source order. */
	seq = 0;
	/** Location counter. */
	lc = 0;
	/** One past the highest emitted byte: the image size. */
	end = 0;
	/** Labels defined since the last emitted byte: they move with instruction alignment. */
	pending: SymDef[] = [];
	private tooLarge = false;

	constructor(defines: Record<string, number> | undefined) {
		this.symbols = new Symbols(defines);
	}

	error(loc: Loc, message: string, seq = this.seq): void {
		this.errors.push({seq, error: {file: loc.file, line: loc.line, col: loc.col, message}});
	}

	/** Emits `n` bytes at the location counter (their contents come in pass 2). */
	emit(n: number, loc: Loc): void {
		if (n <= 0) return;
		this.lc += n;
		this.end = Math.max(this.end, this.lc);
		this.pending = [];
		if (this.lc > IMAGE_LIMIT && !this.tooLarge) {
			this.tooLarge = true;
			this.error(loc, `program too large: address 0x${this.lc.toString(16)} is beyond the ${IMAGE_LIMIT >> 20} MiB limit`);
		}
	}

	active(): boolean {
		const top = this.cond[this.cond.length - 1];
		return top === undefined || top.active;
	}

	/**
	 * Pass 1: a value that must be known now (`.org`, `.align`, `.space`): only
	 * symbols defined on earlier lines count.
	 */
	valueNow(expr: Expr, loc: Loc, directive: string, depth = 0): number | undefined {
		return evaluate(expr, (name: string, term: Term) => {
			const def = this.symbols.get(name);
			if (def !== undefined && def.value !== undefined) return def.value;
			if (def?.expr !== undefined && depth < 64) return this.valueNow(def.expr, loc, directive, depth + 1);
			const message =
				def === undefined
					? `undefined label '${name}' (${directive} needs a value defined before this line)`
					: `circular .equ '${name}'`;
			this.error({...loc, col: term.col}, message);
			return undefined;
		});
	}

	/** Pass 2: resolves a symbol, reporting undefined names at the use. */
	private lookup(name: string, term: Term, loc: Loc, seq: number): number | undefined {
		const def = this.symbols.get(name);
		if (def === undefined) {
			this.error({...loc, col: term.col}, `undefined label '${name}'`, seq);
			return undefined;
		}
		return def.kind === 'equ' ? this.resolveEqu(name, def) : def.value;
	}

	/** Resolves an `.equ` once; errors inside it are reported at its own line. */
	resolveEqu(name: string, def: SymDef): number | undefined {
		if (def.state === 'done') return def.value;
		if (def.state === 'failed') return undefined;
		const loc = def.loc!;
		if (def.state === 'resolving') {
			def.state = 'failed';
			this.error(loc, `circular .equ '${name}'`, def.seq);
			return undefined;
		}
		def.state = 'resolving';
		const v = evaluate(def.expr!, (n, t) => this.lookup(n, t, loc, def.seq));
		// A cycle through this .equ marked it failed while it was resolving.
		if ((def.state as SymDef['state']) === 'failed') return undefined;
		if (v === undefined) {
			def.state = 'failed';
			return undefined;
		}
		const bad = rangeError(v, FULL_RANGE);
		if (bad !== undefined) this.error({...loc, col: def.expr!.col}, bad, def.seq);
		def.state = bad === undefined ? 'done' : 'failed';
		def.value = bad === undefined ? v : undefined;
		return def.value;
	}

	/** Pass 2: the value of an operand expression, range-checked. */
	value(expr: Expr, loc: Loc, seq: number, range: Range = FULL_RANGE): number | undefined {
		const v = evaluate(expr, (n, t) => this.lookup(n, t, loc, seq));
		if (v === undefined) return undefined;
		const bad = rangeError(v, range);
		if (bad !== undefined) {
			this.error({...loc, col: expr.col}, bad, seq);
			return undefined;
		}
		return v;
	}
}
