/**
 * Pass 1: walks the source (following `.include` and `.ifdef`), defines labels,
 * checks operands and lays out every instruction and data item. Sizes depend
 * only on operand kinds, never on values, so one walk fixes every address.
 */
import * as path from 'node:path';
import {SourceError} from './source-file.js';
import {type Context} from './context.js';
import {conditional, directive, isConditional} from './directives.js';
import {checkInstruction} from './instructions.js';
import {lex} from './lexer.js';
import {lookupMnemonic, reservedNameError} from './names.js';
import {parseStatement} from './parser.js';
import type {Loc, Statement} from './types.js';

/** A file being assembled, with the chain of files that included it. */
export interface SourceFile {
	file: string;
	/** Absolute paths from the top file to this one, to detect include cycles. */
	chain: string[];
	readFile: (path: string) => string;
}

export function assembleText(ctx: Context, src: SourceFile, text: string): void {
	const depth = ctx.cond.length;
	// A byte order mark is not a character of the program (readSource drops it; text given directly may have one).
	const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
	lines.forEach((line, i) => assembleLine(ctx, src, line, i + 1));
	// A conditional must close in the file that opened it.
	for (const open of ctx.cond.splice(depth)) {
		ctx.error(open.loc, `missing .endif for ${open.directive} at line ${open.loc.line}`);
	}
}

function assembleLine(ctx: Context, src: SourceFile, line: string, lineNo: number): void {
	ctx.seq++;
	const at = (col: number): Loc => ({file: src.file, line: lineNo, col});
	const {tokens, error} = lex(line);
	const first = tokens[0];
	if (!ctx.active()) {
		// Skipped lines are not checked, but conditionals still nest.
		if (first?.kind === 'directive' && isConditional(first.text)) conditionalLine(ctx, src, line, lineNo);
		return;
	}
	if (error !== undefined) {
		ctx.error(at(error.col), error.message);
		return;
	}
	const stmt = parseStatement(tokens, line);
	if ('message' in stmt) {
		ctx.error(at(stmt.col), stmt.message);
		return;
	}
	defineLabels(ctx, stmt, at);
	const op = stmt.op;
	if (op === undefined) return;
	if (op.kind === 'dir') {
		if (isConditional(op.name)) conditional(ctx, op, at);
		else directive(ctx, src, op, at, includeFile);
		return;
	}
	const mnemonic = lookupMnemonic(op.name);
	if (mnemonic === undefined) {
		ctx.error(at(op.col), `unknown mnemonic '${op.name}'`);
		return;
	}
	const size = checkInstruction(mnemonic, op.name, op.col, op.operands);
	if (typeof size !== 'number') {
		for (const e of size) ctx.error(at(e.col), e.message);
		return;
	}
	// Instructions are 4-byte aligned; labels waiting for the next byte move with them.
	ctx.lc = (ctx.lc + 3) & ~3;
	for (const label of ctx.pending) label.value = ctx.lc;
	ctx.items.push({kind: 'ins', seq: ctx.seq, loc: at(op.col), addr: ctx.lc, mnemonic, written: op.name, operands: op.operands});
	ctx.lines.set(ctx.lc, lineNo);
	ctx.emit(size, at(op.col));
}

/** A skipped line that may open or close a conditional: parse just enough to nest. */
function conditionalLine(ctx: Context, src: SourceFile, line: string, lineNo: number): void {
	const stmt = parseStatement(lex(line).tokens, line);
	if ('message' in stmt || stmt.op === undefined) return;
	conditional(ctx, stmt.op, (col) => ({file: src.file, line: lineNo, col}));
}

function defineLabels(ctx: Context, stmt: Statement, at: (col: number) => Loc): void {
	for (const {name, col} of stmt.labels) {
		const reserved = reservedNameError(name);
		if (reserved !== undefined) {
			ctx.error(at(col), reserved);
			continue;
		}
		const def = {kind: 'label' as const, loc: at(col), seq: ctx.seq, value: ctx.lc};
		const dup = ctx.symbols.add(name, def);
		if (dup !== undefined) ctx.error(at(col), dup);
		else ctx.pending.push(def);
	}
}

/** `.include "name"`: relative to the including file; errors inside name the included file. */
function includeFile(ctx: Context, src: SourceFile, name: string, loc: Loc): void {
	const file = path.isAbsolute(name) ? name : path.join(path.dirname(src.file), name);
	const resolved = path.resolve(file);
	if (src.chain.includes(resolved)) {
		const names = [...src.chain, resolved].map((p) => path.relative('.', p) || p);
		ctx.error(loc, `include cycle: ${names.join(' -> ')}`);
		return;
	}
	let text: string;
	try {
		text = src.readFile(file);
	} catch (e) {
		// A bad byte has a place in the included file; a device or an oversized file only the .include's.
		if (e instanceof SourceError) ctx.error(e.line === undefined ? loc : {file, line: e.line, col: e.col ?? 1}, e.message);
		else ctx.error(loc, `cannot read '${file}': ${describeFsError(e)}`);
		return;
	}
	assembleText(ctx, {file, chain: [...src.chain, resolved], readFile: src.readFile}, text);
}

export function describeFsError(e: unknown): string {
	const code = (e as {code?: unknown}).code;
	if (code === 'ENOENT') return 'no such file';
	if (code === 'EISDIR') return 'is a directory';
	if (code === 'EACCES') return 'permission denied';
	return e instanceof Error ? e.message : String(e);
}
