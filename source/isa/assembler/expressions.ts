/**
 * Expressions: a signed sum of numbers, characters and symbols (`label+4`,
 * `-1`, `end-msg`). docs/v32.md §3.1 only needs `label±N`; a general sum costs nothing
 * and lets programs compute lengths (`.equ LEN, end-msg`).
 */
import {controlRegisterNumber, registerNumber} from './names.js';
import type {Expr, LineError, Term, Token} from './types.js';

/** A read position in a line's tokens. */
export class Cursor {
	pos = 0;
	constructor(
		readonly tokens: Token[],
		readonly line: string,
	) {}

	peek(): Token | undefined {
		return this.tokens[this.pos];
	}
	next(): Token | undefined {
		return this.tokens[this.pos++];
	}
	isPunct(text: string): boolean {
		const t = this.peek();
		return t !== undefined && t.kind === 'punct' && t.text === text;
	}
	/** Column for an error at the current position (end of line when past the last token). */
	col(): number {
		return this.peek()?.col ?? this.line.trimEnd().length + 1;
	}
	/** How the current token reads in a message. */
	describe(): string {
		const t = this.peek();
		return t === undefined ? 'end of line' : `'${t.text}'`;
	}
}

export function isSymbolToken(t: Token): boolean {
	return t.kind === 'ident' && registerNumber(t.text) === undefined && controlRegisterNumber(t.text) === undefined;
}

/** Can an expression start here? (Used to decide between operand kinds.) */
export function startsExpr(t: Token | undefined): boolean {
	if (t === undefined) return false;
	if (t.kind === 'number' || t.kind === 'char') return true;
	if (t.kind === 'punct') return t.text === '-' || t.text === '+';
	return isSymbolToken(t);
}

function parseTerm(cur: Cursor, sign: 1 | -1, after: string | undefined): Term | LineError {
	const t = cur.peek();
	if (t !== undefined && (t.kind === 'number' || t.kind === 'char')) {
		cur.next();
		return {sign, value: t.num, col: t.col};
	}
	if (t !== undefined && isSymbolToken(t)) {
		cur.next();
		return {sign, name: t.text, col: t.col};
	}
	const where = after === undefined ? '' : ` after '${after}'`;
	return {col: cur.col(), message: `expected a number, character or label${where}, got ${cur.describe()}`};
}

/** Parses `[+|-] term ((+|-) term)*`; a leading sign is how `[r1-4]` reads its displacement. */
export function parseExpr(cur: Cursor): Expr | LineError {
	const start = cur.peek();
	const col = cur.col();
	const terms: Term[] = [];
	let sign: 1 | -1 = 1;
	let op: string | undefined;
	if (cur.isPunct('-') || cur.isPunct('+')) {
		op = cur.next()!.text;
		sign = op === '-' ? -1 : 1;
	}
	for (;;) {
		const term = parseTerm(cur, sign, op);
		if ('message' in term) return term;
		terms.push(term);
		if (!cur.isPunct('+') && !cur.isPunct('-')) break;
		op = cur.next()!.text;
		sign = op === '-' ? -1 : 1;
	}
	const last = cur.tokens[cur.pos - 1]!;
	const text = cur.line.slice((start?.col ?? col) - 1, last.end - 1);
	return {terms, col, text};
}

/**
 * Sums an expression. `lookup` resolves a symbol and reports its own errors;
 * it returns undefined when the symbol has no value (yet).
 */
export function evaluate(expr: Expr, lookup: (name: string, term: Term) => number | undefined): number | undefined {
	let sum = 0;
	let ok = true;
	for (const term of expr.terms) {
		const v = term.name === undefined ? term.value! : lookup(term.name, term);
		if (v === undefined) ok = false;
		else sum += term.sign * v;
	}
	return ok ? sum : undefined;
}

/** An expression that is just a name (for `.ifdef NAME`, `.equ NAME`). */
export function singleName(expr: Expr): string | undefined {
	const t = expr.terms[0]!;
	return expr.terms.length === 1 && t.sign === 1 && t.name !== undefined && expr.text === t.name ? t.name : undefined;
}
