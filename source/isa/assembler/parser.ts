/** Turns one line's tokens into a Statement: labels, then an instruction or directive with operands. */
import {Cursor, parseExpr, startsExpr} from './expressions.js';
import {controlRegisterNumber, registerNumber} from './names.js';
import type {LineError, Operand, Statement, Token} from './types.js';

function operandText(cur: Cursor, startCol: number): string {
	const last = cur.tokens[cur.pos - 1]!;
	return cur.line.slice(startCol - 1, last.end - 1);
}

function parseMemory(cur: Cursor): Operand | LineError {
	const open = cur.next()!;
	let base: number | undefined;
	const first = cur.peek();
	if (first?.kind === 'ident' && registerNumber(first.text) !== undefined) {
		base = registerNumber(first.text);
		cur.next();
		if (!cur.isPunct(']') && !cur.isPunct('+') && !cur.isPunct('-')) {
			return {col: cur.col(), message: `expected '+', '-' or ']' after the base register, got ${cur.describe()}`};
		}
	}
	let disp;
	if (base === undefined || !cur.isPunct(']')) {
		const e = parseExpr(cur);
		if ('message' in e) return e;
		disp = e;
	}
	if (!cur.isPunct(']')) {
		return {col: cur.col(), message: `expected ']' to close the memory operand, got ${cur.describe()}`};
	}
	cur.next();
	return {kind: 'mem', base, disp, col: open.col, text: operandText(cur, open.col)};
}

function parseOperand(cur: Cursor): Operand | LineError {
	const t = cur.peek();
	if (t === undefined || (t.kind === 'punct' && t.text === ',')) {
		return {col: cur.col(), message: `expected an operand, got ${cur.describe()}`};
	}
	if (t.kind === 'punct' && t.text === '[') return parseMemory(cur);
	if (t.kind === 'string') {
		cur.next();
		return {kind: 'str', value: t.str, col: t.col, text: t.text};
	}
	if (t.kind === 'ident') {
		const reg = registerNumber(t.text);
		if (reg !== undefined) {
			cur.next();
			return {kind: 'reg', reg, col: t.col, text: t.text};
		}
		const cr = controlRegisterNumber(t.text);
		if (cr !== undefined) {
			cur.next();
			return {kind: 'cr', cr, col: t.col, text: t.text};
		}
	}
	if (startsExpr(t)) {
		const expr = parseExpr(cur);
		if ('message' in expr) return expr;
		return {kind: 'imm', expr, col: t.col, text: expr.text};
	}
	return {col: t.col, message: `expected an operand, got ${cur.describe()}`};
}

export function parseStatement(tokens: Token[], line: string): Statement | LineError {
	const cur = new Cursor(tokens, line);
	const stmt: Statement = {labels: []};
	while (cur.peek()?.kind === 'ident' && tokens[cur.pos + 1]?.kind === 'punct' && tokens[cur.pos + 1]!.text === ':') {
		const t = cur.next()!;
		cur.next();
		stmt.labels.push({name: t.text, col: t.col});
	}
	const head = cur.next();
	if (head === undefined) return stmt;
	if (head.kind !== 'ident' && head.kind !== 'directive') {
		return {col: head.col, message: `expected a label, mnemonic or directive, got '${head.text}'`};
	}
	const operands: Operand[] = [];
	if (cur.peek() !== undefined) {
		for (;;) {
			const op = parseOperand(cur);
			if ('message' in op) return op;
			operands.push(op);
			if (cur.peek() === undefined) break;
			if (!cur.isPunct(',')) return {col: cur.col(), message: `unexpected ${cur.describe()} after operands`};
			cur.next();
		}
	}
	stmt.op = {kind: head.kind === 'ident' ? 'ins' : 'dir', name: head.text, col: head.col, operands};
	return stmt;
}
