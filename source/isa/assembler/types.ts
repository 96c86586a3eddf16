/** Shared shapes of the assembler's front end (tokens, expressions, operands). */

/** Where something is in the source, for error messages. Lines and columns count from 1. */
export interface Loc {
	file: string;
	line: number;
	col: number;
}

export type TokenKind = 'ident' | 'directive' | 'number' | 'char' | 'string' | 'punct';

export interface Token {
	kind: TokenKind;
	/** The token's source text (for a directive: with its dot). */
	text: string;
	/** 1-based column of the first character, and one past the last. */
	col: number;
	end: number;
	/** Value of a number or character literal. */
	num: number;
	/** Decoded contents of a string literal. */
	str: string;
}

/** One addend of an expression: `-label`, `+4`, `'c'`. */
export interface Term {
	sign: 1 | -1;
	/** A literal value, or a symbol to look up. */
	value?: number;
	name?: string;
	col: number;
}

/** `label+N`, `-5`, `end-start`: a signed sum of terms, evaluated when symbols are known. */
export interface Expr {
	terms: Term[];
	col: number;
	text: string;
}

export type Operand =
	| {kind: 'reg'; reg: number; col: number; text: string}
	| {kind: 'cr'; cr: number; col: number; text: string}
	| {kind: 'mem'; base: number | undefined; disp: Expr | undefined; col: number; text: string}
	| {kind: 'imm'; expr: Expr; col: number; text: string}
	| {kind: 'str'; value: string; col: number; text: string};

/** A parsed line: its labels, then at most one instruction or directive. */
export interface Statement {
	labels: Array<{name: string; col: number}>;
	op?: {kind: 'ins' | 'dir'; name: string; col: number; operands: Operand[]};
}

/** An error before it is tied to a file: column and message. */
export interface LineError {
	col: number;
	message: string;
}
