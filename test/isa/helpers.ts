/** Test helpers for the assembler and disassembler. */
import {type AssembleOptions, assemble} from '../../source/isa/assembler/index.js';
import {decodeBytes, type Instruction} from '../../source/isa/encoding.js';
import {type Program, formatAsmError} from '../../source/isa/program.js';

export function asm(source: string, options: Partial<AssembleOptions> = {}): Program {
	const r = assemble(source, {file: 'test.s', ...options});
	if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n'));
	return r.program;
}

/** Every error, formatted as `file:line:col: message`. */
export function errors(source: string, options: Partial<AssembleOptions> = {}): string[] {
	const r = assemble(source, {file: 'test.s', ...options});
	return r.ok ? [] : r.errors.map(formatAsmError);
}

/** The single instruction a one-line program assembles to. */
export function one(line: string): Instruction {
	const p = asm(line);
	const ins = decodeBytes(p.bytes, 0);
	if (ins === undefined) throw new Error(`'${line}' did not decode`);
	if (ins.size !== p.bytes.length) throw new Error(`'${line}': size ${ins.size}, image ${p.bytes.length}`);
	return ins;
}

export function words(bytes: Uint8Array): number[] {
	const out: number[] = [];
	for (let i = 0; i + 4 <= bytes.length; i += 4) out.push(new DataView(bytes.buffer, bytes.byteOffset).getUint32(i, true));
	return out;
}
