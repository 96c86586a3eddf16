/** `vmtop import`: a Linux KVM trace (trace-cmd report / ftrace text) → a vmtop trace. */
import process from 'node:process';
import {importKvm, printable} from '../trace/kvm-import.js';
import {OutputFile} from '../trace/output-file.js';
import {UsageError, commandHelp, parseCommand} from './args.js';
import {reportUserError} from './user-error.js';

const help = `
Usage
  $ vmtop import FTRACE.txt -o FILE

Converts a real Linux KVM trace into a vmtop trace, so 'vmtop replay FILE'
shows the exits of a real host: guest → exit reason → KVM → entry, with exit
durations. FTRACE.txt is 'trace-cmd report' output or raw ftrace text with
kvm_exit / kvm_entry lines, e.g. from

  $ sudo trace-cmd record -e kvm:kvm_exit -e kvm:kvm_entry -- sleep 5
  $ trace-cmd report > FTRACE.txt

Lines that cannot be parsed are reported with their numbers and skipped.
FILE ending in .gz is compressed. FILE appears only when the import found
kvm_exit lines; it may not be FTRACE.txt itself (or a link to it), and an
existing FILE is replaced only with --force.
`;

const spec = {command: 'vmtop import', usage: help, flags: ['output', 'force']} as const;

/** Unparseable lines shown one by one; the rest are counted. */
const SHOWN = 20;

export async function importCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length !== 1) throw new UsageError(`expected one ftrace file, got ${input.length}\n\n${commandHelp(spec)}`);
	if (f.output === undefined) throw new UsageError(`import needs -o FILE, the trace to write\n\n${commandHelp(spec)}`);
	const file = input[0]!;
	let result;
	let out: OutputFile | undefined;
	try {
		out = OutputFile.create(f.output, {inputs: [file], force: f.force === true});
		result = await importKvm(file, out);
	} catch (error) {
		out?.discard();
		return reportUserError(error);
	}
	for (const u of result.unparsed.slice(0, SHOWN)) process.stderr.write(`${file}:${u.line}: ${u.why ?? 'cannot parse'}, skipped: ${printable(u.text)}\n`);
	if (result.unparsed.length > SHOWN) process.stderr.write(`${file}: … and ${result.unparsed.length - SHOWN} more lines that cannot be parsed\n`);
	for (const w of result.warnings) process.stderr.write(`${file}: ${w}\n`);
	if (result.exits === 0) {
		process.stderr.write(`vmtop: ${file}: no kvm_exit lines found in ${result.lines} lines — is this a KVM trace (trace-cmd report, or ftrace with the kvm:kvm_exit and kvm:kvm_entry events)? ${f.output} was not written\n`);
		return 1;
	}
	process.stdout.write(
		`imported ${result.exits} exits and ${result.entries} entries of ${result.vcpus.length} vcpu${result.vcpus.length === 1 ? '' : 's'} ` +
			`from ${file} (${result.lines} lines, ${result.otherEvents} other events skipped, ${result.unparsed.length} unparseable) → ${f.output}\n`,
	);
	return 0;
}
