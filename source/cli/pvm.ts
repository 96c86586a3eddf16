/**
 * `vmtop pvm`: runs a byte-code program under the lecture's dispatch
 * techniques and prints what each costs per dispatch.
 */
import {readFileSync} from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import {fileURLToPath} from 'node:url';
import {parseArgs} from './args.js';
import {assembleByteCode, formatPvmAsmError} from '../pvm/assembler.js';
import {formatPvmTable, pvmReport} from '../pvm/report.js';
import {DEFAULT_MAX_DISPATCHES, PvmRuntimeError} from '../pvm/runtime.js';
import {isTechnique, TECHNIQUES, type Technique} from '../pvm/techniques.js';
import {translateToSource} from '../pvm/translated.js';

const help = `
Usage
  $ vmtop pvm [PROGRAM]

Runs a byte-code program (default: the lecture's, samples/pvm/lecture.bc)
under the lecture's dispatch techniques, prints its output and, per
technique, dispatches, ns per dispatch, speed relative to STC and the
lecture's x86 switching overhead per dispatch. The language: docs/pvm.md.

Options
  --dispatch, -d      all|${TECHNIQUES.join('|')} (default all)
  --bench             repeat each technique for at least 0.3 s (one run otherwise)
  --define, -D        NAME=VALUE: override a .const, e.g. -D N=10000000 (repeatable)
  --max-dispatches    runaway guard per run (default ${DEFAULT_MAX_DISPATCHES})
  --js                print the JavaScript the program translates to, and exit

Examples
  $ vmtop pvm
  $ vmtop pvm samples/pvm/hanoi.bc --dispatch dtc
  $ vmtop pvm samples/pvm/loop.bc --bench -D N=10000000
`;

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
	if (argv.includes('--help') || argv.includes('-h')) {
		io.stdout(help.trim() + '\n');
		return 0;
	}
	// parseArgs answers --help and turns an unknown flag into the usage and exit 2.
	const cli = parseArgs(
		help,
		argv,
		{
			dispatch: {type: 'string', shortFlag: 'd', default: 'all'},
			bench: {type: 'boolean', default: false},
			define: {type: 'string', shortFlag: 'D', isMultiple: true},
			maxDispatches: {type: 'string'},
			js: {type: 'boolean', default: false},
		},
		import.meta,
	);
	if ('done' in cli) return cli.done;
	const {flags} = cli;
	const usage = (message: string) => {
		io.stderr(`vmtop pvm: ${message}\n`);
		return 2;
	};

	let techniques: readonly Technique[];
	if (flags.dispatch === 'all') techniques = TECHNIQUES;
	else if (isTechnique(flags.dispatch)) techniques = [flags.dispatch];
	else return usage(`--dispatch must be one of all, ${TECHNIQUES.join(', ')}; got '${flags.dispatch}'`);

	const defines: Record<string, number> = {};
	for (const d of flags.define ?? []) {
		const match = /^([A-Za-z_][A-Za-z0-9_.]*)=([+-]?\d+)$/.exec(d);
		if (!match) return usage(`--define expects NAME=INTEGER, got '${d}'`);
		defines[match[1]!] = Number(match[2]);
	}

	let maxDispatches: number | undefined;
	if (flags.maxDispatches !== undefined) {
		maxDispatches = Number(flags.maxDispatches);
		if (!Number.isSafeInteger(maxDispatches) || maxDispatches < 1) {
			return usage(`--max-dispatches expects a whole number ≥ 1, got '${flags.maxDispatches}'`);
		}
	}

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
		const report = pvmReport(program, {techniques, minSeconds: flags.bench ? 0.3 : 0, run: {maxDispatches}});
		io.stdout(report.output.map((line) => line + '\n').join(''));
		const timing = flags.bench ? 'repeated for ≥ 0.3 s each' : 'one cold run each, try --bench';
		io.stdout(`\n${file}: ${timing}\n${formatPvmTable(report.rows)}\n`);
		return 0;
	} catch (error) {
		if (error instanceof PvmRuntimeError) {
			io.stderr(`${error.message}\n`);
			return 1;
		}
		throw error;
	}
}
