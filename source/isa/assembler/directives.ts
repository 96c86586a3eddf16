/** Directives (pass 1): layout (`.org .align .space`), data, `.equ`, `.include` and conditionals. */
import {type Context, IMAGE_LIMIT} from './context.js';
import {singleName} from './expressions.js';
import {reservedNameError} from './names.js';
import type {SourceFile} from './pass1.js';
import type {Expr, Loc, Operand, Statement} from './types.js';

type Op = NonNullable<Statement['op']>;
type At = (col: number) => Loc;
type Include = (ctx: Context, src: SourceFile, name: string, loc: Loc) => void;

/** What each directive takes: operand names (fixed count) or one repeated kind. */
const shapes: Record<string, {names?: string[]; each?: 'value' | 'string'}> = {
	'.org': {names: ['addr']},
	'.align': {names: ['n']},
	'.space': {names: ['n']},
	'.word': {each: 'value'},
	'.byte': {each: 'value'},
	'.ascii': {each: 'string'},
	'.asciz': {each: 'string'},
	'.equ': {names: ['name', 'value']},
	'.include': {names: ['"path"']},
	'.ifdef': {names: ['name']},
	'.ifndef': {names: ['name']},
	'.else': {names: []},
	'.endif': {names: []},
};

export function isConditional(name: string): boolean {
	return ['.ifdef', '.ifndef', '.else', '.endif'].includes(name.toLowerCase());
}

/** Checks the operand count; reports and returns false when it is wrong. */
function checkCount(ctx: Context, name: string, op: Op, at: At): boolean {
	const shape = shapes[name]!;
	const got = op.operands.length;
	if (shape.names !== undefined && got !== shape.names.length) {
		const n = shape.names.length;
		const expects = n === 0 ? 'no operands' : `${n} operand${n === 1 ? '' : 's'} (${shape.names.join(', ')})`;
		ctx.error(at(got > n ? op.operands[n]!.col : op.col), `'${op.name}' expects ${expects}, got ${got}`);
		return false;
	}
	if (shape.each !== undefined && got === 0) {
		ctx.error(at(op.col), `'${op.name}' expects at least 1 ${shape.each}, got 0`);
		return false;
	}
	return true;
}

function expr(ctx: Context, op: Op, i: number, at: At, what: string): Expr | undefined {
	const o: Operand = op.operands[i]!;
	if (o.kind === 'imm') return o.expr;
	ctx.error(at(o.col), `'${op.name}' operand ${i + 1}: expected ${what}, got '${o.text}'`);
	return undefined;
}

function name(ctx: Context, op: Op, at: At): string | undefined {
	const o = op.operands[0]!;
	const reserved = o.kind === 'reg' || o.kind === 'cr' ? reservedNameError(o.text) : undefined;
	if (reserved !== undefined) {
		ctx.error(at(o.col), reserved.replace('a label', `a ${op.name.toLowerCase()} name`));
		return undefined;
	}
	const e = expr(ctx, op, 0, at, 'a name');
	const n = e === undefined ? undefined : singleName(e);
	if (e !== undefined && n === undefined) ctx.error(at(e.col), `'${op.name}' operand 1: expected a name, got '${e.text}'`);
	return n;
}

export function conditional(ctx: Context, op: Op, at: At): void {
	const dir = op.name.toLowerCase();
	const top = ctx.cond[ctx.cond.length - 1];
	if (dir === '.ifdef' || dir === '.ifndef') {
		const outer = ctx.active();
		let active = false;
		if (outer && checkCount(ctx, dir, op, at)) {
			const n = name(ctx, op, at);
			active = n !== undefined && ctx.symbols.get(n) !== undefined ? dir === '.ifdef' : dir === '.ifndef';
		}
		ctx.cond.push({loc: at(op.col), directive: dir, active, outer, sawElse: false});
		return;
	}
	if (top === undefined) {
		ctx.error(at(op.col), `${dir} without .ifdef`);
		return;
	}
	if (top.outer && !checkCount(ctx, dir, op, at)) return;
	if (dir === '.endif') {
		ctx.cond.pop();
	} else if (top.sawElse) {
		if (top.outer) ctx.error(at(op.col), `second .else for ${top.directive} at line ${top.loc.line}`);
	} else {
		top.sawElse = true;
		top.active = top.outer && !top.active;
	}
}

export function directive(ctx: Context, src: SourceFile, op: Op, at: At, include: Include): void {
	const dir = op.name.toLowerCase();
	if (shapes[dir] === undefined) {
		ctx.error(at(op.col), `unknown directive '${op.name}'`);
		return;
	}
	if (!checkCount(ctx, dir, op, at)) return;
	const loc = at(op.col);
	switch (dir) {
		case '.org': {
			const e = expr(ctx, op, 0, at, 'an address');
			const v = e && ctx.valueNow(e, at(e.col), dir);
			if (v === undefined) return;
			if (v < 0) ctx.error(at(e!.col), `.org ${v}: an address cannot be negative`);
			else if (v < ctx.lc) ctx.error(at(e!.col), `.org 0x${v.toString(16)} moves backwards from 0x${ctx.lc.toString(16)}`);
			else if (v > IMAGE_LIMIT) ctx.error(at(e!.col), `.org 0x${v.toString(16)} is beyond the ${IMAGE_LIMIT >> 20} MiB limit`);
			else {
				ctx.lc = v;
				ctx.pending = [];
			}
			return;
		}
		case '.align': {
			const e = expr(ctx, op, 0, at, 'a power of two');
			const v = e && ctx.valueNow(e, at(e.col), dir);
			if (v === undefined) return;
			if (v > IMAGE_LIMIT) {
				ctx.error(at(e!.col), `.align ${v}: at most ${IMAGE_LIMIT} (the ${IMAGE_LIMIT >> 20} MiB image limit)`);
				return;
			}
			if (v < 1 || (v & (v - 1)) !== 0) {
				ctx.error(at(e!.col), `.align ${v}: expected a power of two (1, 2, 4, 8 …)`);
				return;
			}
			ctx.emit((v - (ctx.lc % v)) % v, loc);
			return;
		}
		case '.space': {
			const e = expr(ctx, op, 0, at, 'a size');
			const v = e && ctx.valueNow(e, at(e.col), dir);
			if (v === undefined) return;
			if (v < 0 || v > IMAGE_LIMIT) {
				ctx.error(at(e!.col), `.space ${v}: expected a size from 0 to ${IMAGE_LIMIT}`);
				return;
			}
			if (v > 0) ctx.lines.set(ctx.lc, loc.line);
			ctx.emit(v, loc);
			return;
		}
		case '.word':
		case '.byte': {
			const values = op.operands.map((_, i) => expr(ctx, op, i, at, 'a value'));
			if (values.some((v) => v === undefined)) return;
			const width = dir === '.word' ? 4 : 1;
			ctx.items.push({kind: 'data', seq: ctx.seq, loc, addr: ctx.lc, width, values: values as Expr[]});
			ctx.lines.set(ctx.lc, loc.line);
			ctx.emit(width * values.length, loc);
			return;
		}
		case '.ascii':
		case '.asciz': {
			const parts: string[] = [];
			op.operands.forEach((o, i) => {
				if (o.kind === 'str') parts.push(o.value);
				else ctx.error(at(o.col), `'${op.name}' operand ${i + 1}: expected a string like "text", got '${o.text}'`);
			});
			if (parts.length !== op.operands.length) return;
			const text = parts.join('') + (dir === '.asciz' ? '\0' : '');
			const bytes = new Uint8Array(Buffer.from(text, 'utf8'));
			if (bytes.length === 0) return;
			ctx.items.push({kind: 'bytes', seq: ctx.seq, loc, addr: ctx.lc, bytes});
			ctx.lines.set(ctx.lc, loc.line);
			ctx.emit(bytes.length, loc);
			return;
		}
		case '.equ': {
			const n = name(ctx, op, at);
			const value = expr(ctx, op, 1, at, 'a value');
			if (n === undefined || value === undefined) return;
			const nameLoc = at(op.operands[0]!.col);
			const reserved = reservedNameError(n);
			if (reserved !== undefined) {
				ctx.error(nameLoc, reserved.replace('a label', 'a .equ name'));
				return;
			}
			const def = {kind: 'equ' as const, loc: nameLoc, seq: ctx.seq, expr: value};
			const dup = ctx.symbols.add(n, def);
			if (dup !== undefined) ctx.error(nameLoc, dup);
			else ctx.equs.push(def);
			return;
		}
		case '.include': {
			const o = op.operands[0]!;
			if (o.kind !== 'str') ctx.error(at(o.col), `'.include' operand 1: expected a file name like "lib.s", got '${o.text}'`);
			else include(ctx, src, o.value, at(o.col));
			return;
		}
	}
}
