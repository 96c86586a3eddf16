/** `vmtop stats`: run a scenario headless and print its VMM exits (kvm_stat style), Popek & Goldberg's three properties and effectiveness. */
import process from 'node:process';
import {type Scenario, defaultScenarioFile, loadScenario} from '../scenario/scenario.js';
import {applySimulationFlags, withSimulationFlags} from '../scenario/overrides.js';
import {type StatsRun, compareSkipped, compareTechniquesFor, statsRun, withVmm} from './stats-run.js';
import {formatCompare, formatStats} from './stats-format.js';
import {UsageError, atMost, parseCommand} from './args.js';
import {SIMULATION_FLAGS} from './flags.js';
import {reportUserError} from './user-error.js';

const help = `
Usage
  $ vmtop stats [SCENARIO.json] [flags]

Runs the scenario (default: samples/scenarios/default.json) headless and
prints every VMM exit by reason — total, share, rate and mean cost in cycles,
per guest and overall, as kvm_stat does — then Popek & Goldberg's three
properties of a virtual machine: equivalence (against the same scenario without
a VMM; for a divergence, the first instruction whose effect differs), resource
control (judged by what the guests touched) and efficiency — and beside them
the lecture's effectiveness (not comparable for a run that is not equivalent).

With --compare the scenario runs five times, under none, trap, bt, pv and hvm
(so --vmm does not go with it); without a VMM it runs one guest. The
lecture's "BT ≈ HVM" is its last line: same equivalence, different cost.
`;

const spec = {
	command: 'vmtop stats',
	usage: help,
	flags: [...SIMULATION_FLAGS, 'compare', 'json'],
} as const;

export async function statsCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	atMost(input, 1, 'at most one scenario', spec);
	if (f.compare && f.vmm !== undefined) throw new UsageError('--compare runs none, trap, bt, pv and hvm: it does not go with --vmm');
	if (f.compare && ((f.attachAt?.length ?? 0) > 0 || (f.detachAt?.length ?? 0) > 0)) {
		throw new UsageError('--compare runs each technique from the start: it does not go with --attach-at / --detach-at (without --compare, stats judges a transient run)');
	}
	const file = input[0] ?? defaultScenarioFile();
	if (/\.jsonl(\.gz)?$|\.gz$/i.test(file)) {
		process.stderr.write(`vmtop: ${file}: stats runs a scenario (.json); this looks like a trace — 'vmtop replay ${file}' replays it ('--summary' counts its events)\n`);
		return 1;
	}
	if (/\.(s|inc|asm)$/i.test(file)) {
		process.stderr.write(`vmtop: ${file}: stats runs a scenario (.json) under a VMM; a program alone has no VMM exits — 'vmtop run ${file}' runs it, or name it in a scenario's "programs"\n`);
		return 1;
	}
	let scenario: Scenario;
	try {
		scenario = loadScenario(file);
	} catch (error) {
		return reportUserError(error);
	}
	const max = f.maxInstructions;
	// Building a run assembles and loads its programs: their errors are the user's, with file:line:col.
	let runs: StatsRun[];
	try {
		if (f.compare) {
			const base = applySimulationFlags(scenario, f);
			runs = compareTechniquesFor(base).map((t) => statsRun(withVmm(base, t), max, f.engine));
		} else {
			runs = [statsRun(withSimulationFlags(scenario, f), max, f.engine)];
		}
	} catch (error) {
		if (error instanceof UsageError) throw error;
		return reportUserError(error);
	}
	if (f.compare) {
		if (f.json) process.stdout.write(JSON.stringify({compare: runs.map(strip)}) + '\n');
		else process.stdout.write([formatCompare(runs), ...compareSkipped(scenario)].join('\n') + '\n');
		return 0;
	}
	const run = runs[0]!;
	if (f.json) process.stdout.write(JSON.stringify(strip(run)) + '\n');
	else process.stdout.write(formatStats(run) + '\n');
	return 0;
}

/** JSON without the console output (it can be long; `vmtop run` shows it). */
function strip(run: StatsRun): Omit<StatsRun, 'output'> {
	const {output: _output, ...rest} = run;
	return rest;
}
