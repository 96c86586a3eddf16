/**
 * The V32 disassembler: one instruction to text, or a whole image to a listing
 * that the assembler turns back into the identical bytes (tested as a property).
 */
import {type Instruction, decodeBytes} from './encoding.js';
import {controlRegisters, formats, mnemonicOf} from './opcodes.js';
import {registerName} from './assembler/names.js';

function hexImm(v: number): string {
	return '0x' + (v >>> 0).toString(16);
}

function memory(ins: Instruction): string {
	const disp = ins.imm | 0;
	if (!ins.hasBase) return `[${hexImm(disp)}]`;
	const base = registerName(ins.b);
	if (disp === 0) return `[${base}]`;
	return disp < 0 ? `[${base}-0x${(-disp).toString(16)}]` : `[${base}+0x${disp.toString(16)}]`;
}

/** `add r1, r2, 0x10`, `ld r1, [sp+0x8]`, `jmp loop` (a target naming a label address prints the label). */
export function disassembleInstruction(ins: Instruction, labels?: Map<number, string>): string {
	const m = mnemonicOf[ins.op & 0xff];
	if (m === undefined) return `; invalid opcode 0x${(ins.op & 0xff).toString(16)}`;
	const src = ins.isImm ? hexImm(ins.imm) : registerName(ins.c);
	const a = registerName(ins.a);
	switch (formats[m]) {
		case 'none':
			return m;
		case 'rd_src':
		case 'rs_src':
			return `${m} ${a}, ${src}`;
		case 'rd_rs_src':
			return `${m} ${a}, ${registerName(ins.b)}, ${src}`;
		case 'rd_mem':
		case 'rs_mem':
			return `${m} ${a}, ${memory(ins)}`;
		case 'src':
			return `${m} ${src}`;
		case 'rd':
		case 'rs':
			return `${m} ${a}`;
		case 'target':
			return `${m} ${ins.isImm ? (labels?.get(ins.imm >>> 0) ?? src) : src}`;
		case 'vector':
			return `${m} ${hexImm(ins.n)}`;
		case 'rd_cr':
			return `${m} ${a}, ${controlRegisters[ins.n & 7]}`;
		case 'cr_rs':
			return `${m} ${controlRegisters[ins.n & 7]}, ${a}`;
		case 'rd_port':
			return `${m} ${a}, ${hexImm(ins.imm)}`;
		case 'port_src':
			return `${m} ${hexImm(ins.imm)}, ${ins.isImm ? hexImm(ins.imm2) : registerName(ins.c)}`;
	}
}

function word(bytes: Uint8Array, at: number): number {
	return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

export interface DisassembleOptions {
	/** Label name → address: printed as `name:` lines and used for jump/call targets. */
	labels?: Map<string, number>;
	/** Append `; 0x00000010` to each line with its address. */
	addresses?: boolean;
}

/**
 * A listing of `bytes` (loaded at 0). Each 4-aligned offset that decodes is an
 * instruction; anything else is data (`.word`, `.space` for zero runs, `.byte`
 * for unaligned or short pieces). Items never straddle a label, so every label
 * lands on its address when the listing is assembled again.
 */
export function disassemble(bytes: Uint8Array, options: DisassembleOptions = {}): string {
	const byAddr = new Map<number, string[]>();
	for (const [name, addr] of options.labels ?? []) {
		if (Number.isInteger(addr) && addr >= 0) byAddr.set(addr, [...(byAddr.get(addr) ?? []), name]);
	}
	const stops = [...byAddr.keys()].sort((x, y) => x - y);
	const targets = new Map([...byAddr].map(([addr, names]) => [addr, names[0]!]));
	const out: string[] = [];
	const line = (text: string, addr: number): void => {
		out.push(options.addresses ? `\t${text}\t; 0x${addr.toString(16).padStart(8, '0')}` : `\t${text}`);
	};
	let pos = 0;
	let s = 0; // index into stops of the first label at or after pos
	while (pos < bytes.length) {
		while (s < stops.length && stops[s]! < pos) s++;
		if (stops[s] === pos) for (const name of byAddr.get(pos)!) out.push(`${name}:`);
		const limit = Math.min(stops[s] === pos ? (stops[s + 1] ?? Infinity) : (stops[s] ?? Infinity), bytes.length);
		if (pos % 4 === 0 && pos + 4 <= limit) {
			const ins = decodeBytes(bytes, pos);
			if (ins !== undefined && pos + ins.size <= limit) {
				line(disassembleInstruction(ins, targets), pos);
				pos += ins.size;
				continue;
			}
			let zeros = 0;
			while (pos + zeros + 4 <= limit && word(bytes, pos + zeros) === 0) zeros += 4;
			if (zeros >= 8) {
				line(`.space ${zeros}`, pos);
				pos += zeros;
			} else {
				line(`.word 0x${word(bytes, pos).toString(16)}`, pos);
				pos += 4;
			}
			continue;
		}
		// Unaligned, or a piece shorter than a word: bytes up to the next word boundary or label.
		const to = Math.min(limit, (pos & ~3) + 4);
		line(`.byte ${[...bytes.subarray(pos, to)].map((b) => hexImm(b)).join(', ')}`, pos);
		pos = to;
	}
	// Labels at or past the end (e.g. `end:` after the last byte): `.org` reaches them without emitting.
	for (const addr of stops.filter((a) => a >= pos)) {
		if (addr > pos) out.push(`\t.org ${hexImm(addr)}`);
		for (const name of byAddr.get(addr)!) out.push(`${name}:`);
		pos = addr;
	}
	return out.length === 0 ? '' : out.join('\n') + '\n';
}
