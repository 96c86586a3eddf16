/**
 * Splits one source line into tokens. Comments (`;` outside a literal) end the
 * line. The lexer stops at the first malformed token: the rest of that line
 * cannot be trusted, and the assembler goes on with the next line.
 */
import type {LineError, Token, TokenKind} from './types.js';

export interface LexResult {
	tokens: Token[];
	error?: LineError;
}

const escapes: Record<string, number> = {n: 10, t: 9, '0': 0, '\\': 92, '"': 34, "'": 39};
const PUNCT = ',[]+-:';

function isIdentStart(c: string): boolean {
	return /[A-Za-z_]/.test(c);
}
function isIdentChar(c: string): boolean {
	return /[A-Za-z0-9_.]/.test(c);
}

/** Reads a quoted literal starting at `start` (the quote); returns its decoded chars and end index. */
function readQuoted(line: string, start: number, quote: string): {chars: number[]; end: number} | LineError {
	const chars: number[] = [];
	let i = start + 1;
	while (i < line.length && line[i] !== quote) {
		if (line[i] === '\\') {
			const e = line[i + 1];
			// A backslash at the end of the line escapes nothing: the literal never closes.
			if (e === undefined || e === '\r') {
				const what = quote === '"' ? 'unterminated string' : 'unterminated character literal';
				return {col: start + 1, message: `${what}: the backslash at column ${i + 1} escapes the end of the line`};
			}
			const code = escapes[e];
			if (code === undefined) {
				return {col: i + 1, message: `bad escape '\\${e}' (expected \\n \\t \\0 \\\\ \\" or \\')`};
			}
			chars.push(code);
			i += 2;
		} else {
			chars.push(line.codePointAt(i)!);
			i += line.codePointAt(i)! > 0xffff ? 2 : 1;
		}
	}
	if (i >= line.length) {
		return {col: start + 1, message: quote === '"' ? 'unterminated string' : 'unterminated character literal'};
	}
	return {chars, end: i + 1};
}

export function lex(line: string): LexResult {
	const tokens: Token[] = [];
	const push = (kind: TokenKind, start: number, end: number, num = 0, str = ''): void => {
		tokens.push({kind, text: line.slice(start, end), col: start + 1, end: end + 1, num, str});
	};
	let i = 0;
	while (i < line.length) {
		const c = line[i]!;
		if (c === ';') break;
		if (c === ' ' || c === '\t' || c === '\r') {
			i++;
		} else if (isIdentStart(c)) {
			let j = i + 1;
			while (j < line.length && isIdentChar(line[j]!)) j++;
			push('ident', i, j);
			i = j;
		} else if (c === '.' && i + 1 < line.length && isIdentStart(line[i + 1]!)) {
			let j = i + 1;
			while (j < line.length && /[A-Za-z0-9_]/.test(line[j]!)) j++;
			push('directive', i, j);
			i = j;
		} else if (/[0-9]/.test(c)) {
			let j = i;
			while (j < line.length && /[A-Za-z0-9_]/.test(line[j]!)) j++;
			const text = line.slice(i, j);
			if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(text)) {
				return {tokens, error: {col: i + 1, message: `malformed number '${text}' (expected decimal digits, or 0x and hex digits)`}};
			}
			if (!Number.isSafeInteger(Number(text))) {
				return {tokens, error: {col: i + 1, message: `number ${text} is too large (V32 values have 32 bits: at most 4294967295)`}};
			}
			push('number', i, j, Number(text));
			i = j;
		} else if (c === '"' || c === "'") {
			const q = readQuoted(line, i, c);
			if ('message' in q) return {tokens, error: q};
			if (c === "'") {
				if (q.chars.length !== 1) {
					return {tokens, error: {col: i + 1, message: `character literal ${line.slice(i, q.end)} must hold exactly one character`}};
				}
				push('char', i, q.end, q.chars[0]);
			} else {
				push('string', i, q.end, 0, String.fromCodePoint(...q.chars));
			}
			i = q.end;
		} else if (PUNCT.includes(c)) {
			push('punct', i, i + 1);
			i++;
		} else {
			return {tokens, error: {col: i + 1, message: `unexpected character '${c}'`}};
		}
	}
	return {tokens};
}
