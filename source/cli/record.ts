/** `vmtop record`: run a scenario headless and record its events to a trace file. */
import process from 'node:process';
import {assembleFile} from '../isa/assembler/index.js';
import {AssemblyFailed} from '../isa/program.js';
import {buildBareSimulation, buildSimulation} from '../scenario/build.js';
import {type SimulationFlags, checkBareFlags, engineOption, withSimulationFlags} from '../scenario/overrides.js';
import {defaultScenarioFile, loadScenario} from '../scenario/scenario.js';
import type {Simulation} from '../sim/simulation.js';
import {TraceError} from '../trace/errors.js';
import {type Detail, DEFAULT_SAMPLE_EVERY, type RecordSignal, type TraceEnd, recordSignals} from '../trace/format.js';
import {OutputFile, isTraceFrom} from '../trace/output-file.js';
import {Progress} from '../trace/progress.js';
import {collectSources} from '../trace/rebuild.js';
import {recordLoop, startRecording} from '../trace/recorder.js';
import {UsageError, atMost, parseCommand} from './args.js';
import {SIMULATION_FLAGS} from './flags.js';
import {loadProfile} from './profile-flag.js';
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
`;

const spec = {
	command: 'vmtop record',
	usage: help,
	flags: ['output', 'force', ...SIMULATION_FLAGS, 'detail', 'sampleEvery'],
} as const;

export async function recordCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	atMost(input, 1, 'one scenario or program', spec);
	if (f.output === undefined) throw new UsageError(`record needs -o FILE, the trace to write\n(vmtop record --help lists its flags)`);
	const detail: Detail = f.detail ?? 'exceptions';
	const sampleEvery = f.sampleEvery ?? DEFAULT_SAMPLE_EVERY;

	let sim: Simulation;
	let limit: number | undefined;
	try {
		({sim, limit} = build(input[0], f));
	} catch (error) {
		return reportUserError(error);
	}
	const maxInstructions = limit ?? null;

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

/** The scenario or program to record, with the flags every simulation command takes, as `vmtop run` reads them. */
function build(file: string | undefined, f: SimulationFlags): {sim: Simulation; limit?: number} {
	if (file !== undefined && !file.endsWith('.json')) {
		checkBareFlags(file, f);
		const result = assembleFile(file);
		if (!result.ok) throw new AssemblyFailed(result.errors);
		return {sim: buildBareSimulation(result.program, {profile: loadProfile(f.isa), input: f.input, ...engineOption(f)}), limit: f.maxInstructions};
	}
	const scenario = withSimulationFlags(loadScenario(file ?? defaultScenarioFile()), f);
	return {sim: buildSimulation(scenario, engineOption(f)), limit: scenario.maxInstructions};
}
