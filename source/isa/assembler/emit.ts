/** Pass 2: gives every symbol its value and writes the bytes of each laid-out item. */
import {encode} from '../encoding.js';
import type {AsmError, Program} from '../program.js';
import type {Context} from './context.js';
import {buildInstruction} from './instructions.js';

function writeWord(image: Uint8Array, addr: number, word: number): void {
	image[addr] = word & 0xff;
	image[addr + 1] = (word >>> 8) & 0xff;
	image[addr + 2] = (word >>> 16) & 0xff;
	image[addr + 3] = (word >>> 24) & 0xff;
}

const BYTE_RANGE = {min: -128, max: 255, label: '.byte value'};
const WORD_RANGE = {min: -0x80000000, max: 0xffffffff, label: '.word value'};

export function emit(ctx: Context, file: string): {ok: true; program: Program} | {ok: false; errors: AsmError[]} {
	// Every .equ is checked, used or not, so its errors show at its own line.
	for (const [name, def] of ctx.symbols.defs) if (def.kind === 'equ') ctx.resolveEqu(name, def);
	const image = new Uint8Array(ctx.errors.length > 0 ? 0 : ctx.end);
	for (const item of ctx.items) {
		if (item.kind === 'ins') {
			const ins = buildInstruction(item.mnemonic, item.written, item.operands, (e, range) =>
				ctx.value(e, {...item.loc, col: e.col}, item.seq, range),
			);
			if (ins === undefined || ctx.errors.length > 0) continue;
			encode(ins).forEach((w, k) => writeWord(image, item.addr + 4 * k, w));
		} else if (item.kind === 'data') {
			item.values.forEach((e, k) => {
				const v = ctx.value(e, item.loc, item.seq, item.width === 1 ? BYTE_RANGE : WORD_RANGE);
				if (v === undefined || ctx.errors.length > 0) return;
				const at = item.addr + k * item.width;
				if (item.width === 1) image[at] = v & 0xff;
				else writeWord(image, at, v);
			});
		} else if (ctx.errors.length === 0) {
			image.set(item.bytes, item.addr);
		}
	}
	if (ctx.errors.length > 0) {
		const sorted = ctx.errors.map((e, i) => ({...e, i})).sort((x, y) => x.seq - y.seq || x.i - y.i);
		return {ok: false, errors: sorted.map((e) => e.error)};
	}
	const symbols = ctx.symbols.values();
	return {
		ok: true,
		program: {file, bytes: image, entry: symbols.get('_start') ?? 0, symbols, labels: ctx.symbols.values(true), lines: ctx.lines},
	};
}
