/** `vmtop export`: a trace in another tool's format (Chrome trace-event JSON for Perfetto). */
import process from 'node:process';
import {exportChrome} from '../trace/chrome-export.js';
import {formatProblem} from '../trace/errors.js';
import {OutputFile} from '../trace/output-file.js';
import {TraceReader} from '../trace/reader.js';
import {UsageError, commandHelp, parseCommand} from './args.js';
import {reportUserError} from './user-error.js';

const help = `
Usage
  $ vmtop export FILE --chrome OUT.json

Writes the trace FILE as Chrome trace-event JSON, which Perfetto
(https://ui.perfetto.dev) and chrome://tracing open: a process per guest, a
track per level (cpu, exception, os, processes, vmm, host), exception handlers,
system calls and VMM exits as nested slices (the exit reason in args),
exceptions as instants. 1 cycle is shown as 1 ns.

OUT.json appears only when the export is complete. It may not be FILE itself
(or a link to it), and an existing OUT.json is replaced only with --force.
`;

const spec = {command: 'vmtop export', usage: help, flags: ['chrome', 'force']} as const;

export async function exportCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length !== 1) throw new UsageError(`expected one trace file, got ${input.length}\n\n${commandHelp(spec)}`);
	if (f.chrome === undefined) throw new UsageError(`export needs --chrome OUT.json (the only format so far)\n\n${commandHelp(spec)}`);
	const file = input[0]!;
	try {
		const reader = await TraceReader.open(file);
		try {
			const out = OutputFile.create(f.chrome, {inputs: [file], force: f.force === true});
			const summary = exportChrome(reader, out);
			for (const p of reader.problems) process.stderr.write(`vmtop: ${formatProblem(file, p)}\n`);
			process.stdout.write(
				`exported ${summary.events} events of ${file} → ${f.chrome} (${summary.slices} slices, ${summary.instants} instants); open it in https://ui.perfetto.dev\n`,
			);
			return reader.problems.length > 0 ? 1 : 0;
		} finally {
			reader.close();
		}
	} catch (error) {
		return reportUserError(error);
	}
}
