/** `vmtop disasm PROGRAM.s`: assemble, then print a listing that assembles back to the same bytes. */
import process from 'node:process';
import {assembleFile} from '../isa/assembler/index.js';
import {disassemble} from '../isa/disassembler.js';
import {formatAsmError} from '../isa/program.js';
import {reservedNameError} from '../isa/assembler/names.js';
import {UsageError, commandHelp, parseCommand} from './args.js';
import type {Define} from './flags.js';

const help = `
Usage
  $ vmtop disasm PROGRAM.s [--addresses] [--define NAME[=VALUE]]...

Assembles PROGRAM.s and prints its disassembly with the program's labels. The
listing assembles back to the identical bytes.
`;

const spec = {command: 'vmtop disasm', usage: help, flags: ['addresses', 'define']} as const;

export async function disasmCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const [file, ...extra] = parsed.input;
	if (file === undefined || extra.length > 0) throw new UsageError(`expected exactly one PROGRAM.s\n\n${commandHelp(spec)}`);
	const defines = v32Defines(parsed.flags.define ?? []);
	const result = assembleFile(file, {defines});
	if (!result.ok) {
		for (const e of result.errors) process.stderr.write(formatAsmError(e) + '\n');
		return 1;
	}
	process.stdout.write(disassemble(result.program.bytes, {labels: result.program.labels, addresses: parsed.flags.addresses}));
	return 0;
}

/** `--define` for the V32 assembler: a register, control register or mnemonic cannot be a symbol. */
export function v32Defines(defines: readonly Define[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const d of defines) {
		const reserved = reservedNameError(d.name);
		if (reserved) throw new UsageError(`--define ${d.name}: ${reserved.replace('cannot be a label', 'cannot be defined')}`);
		if (Object.hasOwn(out, d.name) && out[d.name] !== d.value) throw new UsageError(`--define ${d.name} is given twice with different values`);
		out[d.name] = d.value;
	}
	return out;
}
