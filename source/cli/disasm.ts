/** `vmtop disasm PROGRAM.s`: assemble, then print a listing that assembles back to the same bytes. */
import process from 'node:process';
import {assembleFile} from '../isa/assembler/index.js';
import {disassemble} from '../isa/disassembler.js';
import {formatAsmError} from '../isa/program.js';
import {UsageError, parseArgs} from './args.js';

const help = `
Usage
  $ vmtop disasm PROGRAM.s [--addresses] [--define NAME]...

Assembles PROGRAM.s and prints its disassembly with the program's labels. The
listing assembles back to the identical bytes.

Flags
  --addresses      add each item's address as a comment
  --define NAME    define NAME (= 1) for .ifdef, e.g. --define PV
`;

export async function disasmCommand(argv: string[]): Promise<number> {
	const parsed = parseArgs(help, argv, {addresses: {type: 'boolean'}, define: {type: 'string', isMultiple: true}}, import.meta);
	if ('done' in parsed) return parsed.done;
	const [file, ...extra] = parsed.input;
	if (file === undefined || extra.length > 0) throw new UsageError(`expected exactly one PROGRAM.s\n${help.trim()}`);
	const defines = Object.fromEntries((parsed.flags.define ?? []).map((name) => [name, 1]));
	const result = assembleFile(file, {defines});
	if (!result.ok) {
		for (const e of result.errors) process.stderr.write(formatAsmError(e) + '\n');
		return 1;
	}
	process.stdout.write(disassemble(result.program.bytes, {labels: result.program.labels, addresses: parsed.flags.addresses}));
	return 0;
}
