/** `vmtop record`: run a scenario headless and record its events to a trace file. */
import process from 'node:process';
import {assembleFile} from '../isa/assembler/index.js';
import {AssemblyFailed} from '../isa/program.js';
import {buildBareSimulation, buildSimulation} from '../scenario/build.js';
import {defaultScenarioFile, loadScenario} from '../scenario/scenario.js';
import type {Simulation} from '../scenario/simulation.js';
import {TraceError} from '../trace/errors.js';
import {type Detail, DEFAULT_SAMPLE_EVERY, type RecordSignal, type TraceEnd, details, recordSignals} from '../trace/format.js';
import {OutputFile, isTraceFrom} from '../trace/output-file.js';
import {Progress} from '../trace/progress.js';
import {collectSources} from '../trace/rebuild.js';
import {recordLoop, startRecording} from '../trace/recorder.js';
import {UsageError, oneOf, parseArgs, positiveInteger} from './args.js';
import {reportUserError} from './user-error.js';

const help = `
Usage
  $ vmtop record [SCENARIO.json | PROGRAM.s] -o FILE [flags]

Runs a scenario (default: the package's samples/scenarios/default.json) or a
bare program headless and records its events to FILE: JSON Lines, gzip-compressed
when FILE ends in .gz (format: docs/trace-format.md). Replay it with
'vmtop replay FILE'.

A progress line (instructions, events, bytes, rate) is shown on stderr when it
is a terminal. Ctrl-C, SIGTERM, SIGHUP or SIGQUIT stops the recording and
closes the file with its footer: everything recorded so far is kept and replays.

FILE is written beside itself (FILE.PID.partial) and moved into place when the
recording ends. It may not be one of the run's own files (the scenario, a
program, through a link too). An existing FILE is replaced only if it is a
trace 'vmtop record' wrote (re-recording), or with --force.

Flags
  -o, --output FILE         the trace to write (required)
  --force                   replace FILE even if it is not a recorded trace
  --detail exceptions|full  exceptions (default): every exception, OS and VMM
                            event, plus a CPU sample every --sample-every
                            instructions; full: every instruction too
  --max-instructions N      stop after N instructions (default: the scenario's limit)
  --sample-every N          instructions between CPU samples (default ${DEFAULT_SAMPLE_EVERY}; 0: none)
`;

const flags = {
	output: {type: 'string', shortFlag: 'o'},
	force: {type: 'boolean'},
	detail: {type: 'string'},
	maxInstructions: {type: 'number'},
	sampleEvery: {type: 'number'},
} as const;

export async function recordCommand(argv: string[]): Promise<number> {
	const parsed = parseArgs(help, argv, flags, import.meta);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length > 1) throw new UsageError(`expected one scenario or program, got ${input.length}: ${input.join(' ')}\n\n${help.trim()}`);
	if (f.output === undefined || f.output === '') throw new UsageError(`record needs -o FILE, the trace to write\n\n${help.trim()}`);
	const detail: Detail = oneOf(f.detail, details, 'detail') ?? 'exceptions';
	const sampleEvery = positiveInteger(f.sampleEvery, 'sample-every') ?? DEFAULT_SAMPLE_EVERY;

	let sim: Simulation;
	let limit: number | undefined;
	try {
		({sim, limit} = build(input[0]));
	} catch (error) {
		return reportUserError(error);
	}
	const maxInstructions = positiveInteger(f.maxInstructions, 'max-instructions') ?? limit ?? null;

	let started;
	try {
		const inputs = [input[0] ?? defaultScenarioFile(), ...Object.keys(collectSources(sim.spec))];
		const out = OutputFile.create(f.output, {inputs, force: f.force === true, replaceable: (file) => isTraceFrom(file, 'record')});
		started = startRecording(sim, out, {detail, sampleEvery, maxInstructions});
	} catch (error) {
		return reportUserError(error);
	}
	const {writer, recording} = started;

	// Signals only set a flag: the loop sees it between batches and closes the file with its footer.
	let signal: TraceEnd | null = null;
	const handlers = (Object.keys(recordSignals) as RecordSignal[]).map((name) => {
		const on = (): void => void (signal = name);
		process.on(name, on);
		return () => process.off(name, on);
	});
	const progress = new Progress({total: maxInstructions});
	const counts = () => ({instructions: sim.instret, events: writer.events, bytes: writer.bytes});
	let end: TraceEnd;
	try {
		end = await recordLoop(sim, recording, {
			maxInstructions,
			cancelled: () => signal,
			onBatch: () => progress.update(counts()),
		});
	} catch (error) {
		if (!(error instanceof TraceError)) throw error;
		// A write failed (disk full …): what reached the disk replays, without a footer.
		progress.finish(counts());
		process.stderr.write(`vmtop: ${error.message}\n`);
		return 1;
	} finally {
		for (const off of handlers) off();
		try {
			recording.stop('recording-stopped'); // a no-op unless the loop threw
		} catch {
			// already reported above
		}
	}
	const stoppedBy = end in recordSignals ? recordSignals[end as RecordSignal] : null;
	const why = stoppedBy !== null ? `stopped by ${end}` : (sim.stopped?.message ?? end);
	progress.finish(counts(), `\nvmtop: recorded ${writer.events.toLocaleString('en-US')} events to ${f.output} (${why})`);
	return stoppedBy === null ? 0 : 128 + stoppedBy;
}

/** The scenario or program to record, as `vmtop run` reads them. */
function build(file: string | undefined): {sim: Simulation; limit?: number} {
	if (file !== undefined && !file.endsWith('.json')) {
		const result = assembleFile(file);
		if (!result.ok) throw new AssemblyFailed(result.errors);
		return {sim: buildBareSimulation(result.program)};
	}
	const scenario = loadScenario(file ?? defaultScenarioFile());
	return {sim: buildSimulation(scenario), limit: scenario.maxInstructions};
}
