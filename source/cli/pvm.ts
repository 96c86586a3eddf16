/**
 * `vmtop pvm`: runs a byte-code program under the lecture's dispatch
 * techniques and prints what each costs per dispatch.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {UsageError, parseCommand} from './args.js';
import {assembleByteCode, formatPvmAsmError} from '../pvm/assembler.js';
import {PVM_TABLE_NOTES, PVM_TIMED_SECONDS, formatPvmTable, pvmReport} from '../pvm/report.js';
import {PvmRuntimeError} from '../pvm/runtime.js';
import {TECHNIQUES, type Technique} from '../pvm/techniques.js';
import {translateToSource} from '../pvm/translated.js';

const help = `
Usage
  $ vmtop pvm [PROGRAM]

Runs a byte-code program (default: the lecture's, samples/pvm/lecture.bc)
under the lecture's dispatch techniques, prints its output and, per
technique, dispatches, ns per dispatch, speed relative to STC and the
lecture's x86 switching overhead per dispatch. The language: docs/pvm.md.

Examples
  $ vmtop pvm
  $ vmtop pvm samples/pvm/hanoi.bc --dispatch dtc
  $ vmtop pvm samples/pvm/loop.bc --bench -D N=10000000
`;

const spec = {command: 'vmtop pvm', usage: help, flags: ['dispatch', 'bench', 'define', 'maxDispatches', 'js']} as const;

/** Where output goes; tests pass their own. */
export interface PvmIo {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
}

const processIo: PvmIo = {
	stdout: (text) => void process.stdout.write(text),
	stderr: (text) => void process.stderr.write(text),
};

/** The package root is two levels up from both source/cli/ and dist/cli/. */
const LECTURE = fileURLToPath(new URL('../../samples/pvm/lecture.bc', import.meta.url));

export async function pvmCommand(argv: string[], io: PvmIo = processIo): Promise<number> {
	const usage = (message: string) => {
		io.stderr(`vmtop pvm: ${message}\n`);
		return 2;
	};
	let cli;
	try {
		cli = parseCommand(spec, argv, io.stdout);
	} catch (error) {
		if (error instanceof UsageError) return usage(error.message);
		throw error;
	}
	if ('done' in cli) return cli.done;
	const {flags} = cli;
	const techniques: readonly Technique[] = flags.dispatch === undefined || flags.dispatch === 'all' ? TECHNIQUES : [flags.dispatch];
	// Here -D NAME=VALUE overrides a `.const`: a bare NAME (the value 1, for .ifdef) has no meaning.
	const defines: Record<string, number> = {};
	for (const d of flags.define ?? []) {
		if (!d.given) return usage(`--define expects NAME=INTEGER here (the new value of a .const), got '${d.name}'`);
		defines[d.name] = d.value;
	}
	const maxDispatches = flags.maxDispatches;

	if (cli.input.length > 1) return usage(`expected at most one PROGRAM, got ${cli.input.length}`);
	const given = cli.input[0];
	const file = given ?? path.relative(process.cwd(), LECTURE);
	let text: string;
	try {
		text = readFileSync(given ?? LECTURE, 'utf8');
	} catch (error) {
		io.stderr(`vmtop pvm: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
		return 1;
	}

	const assembled = assembleByteCode(text, {file, defines});
	if (!assembled.ok) {
		io.stderr(assembled.errors.map((e) => formatPvmAsmError(e) + '\n').join(''));
		return 1;
	}
	const {program} = assembled;
	const unknown = Object.keys(defines).filter((name) => !program.constants.has(name));
	if (unknown.length > 0) {
		const known = [...program.constants.keys()];
		return usage(`--define: ${file} has no .const ${unknown.join(', ')} (it has: ${known.join(', ') || 'none'})`);
	}

	if (flags.js) {
		io.stdout(translateToSource(program) + '\n');
		return 0;
	}

	try {
		// One cold run of a short program times noise (5 dispatches: 32,560 ns each, and an order that changed from run to
		// run): even without --bench each technique is warmed up, then timed over enough runs, as the dashboard's `p` screen does.
		const seconds = flags.bench ? 0.3 : PVM_TIMED_SECONDS;
		const report = pvmReport(program, {techniques, minSeconds: seconds, run: {maxDispatches}});
		io.stdout(report.output.map((line) => line + '\n').join(''));
		const timing = `one untimed run, then repeated for ≥ ${seconds} s each${flags.bench ? '' : ' (--bench: 0.3 s)'}`;
		io.stdout(`\n${file}: ${timing}\n${formatPvmTable(report.rows)}\n\n${PVM_TABLE_NOTES.join('\n')}\n`);
		return 0;
	} catch (error) {
		if (error instanceof PvmRuntimeError) {
			io.stderr(`${error.message}\n`);
			return 1;
		}
		throw error;
	}
}
