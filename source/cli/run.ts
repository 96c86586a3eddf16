/** `vmtop run`: run a scenario, user programs on the sample kernel, or a bare program, without the dashboard. */
import {nestedReport} from '../stats/nested-stats.js';
import process from 'node:process';
import {runHeadless} from '../cpu/headless.js';
import {formatSummary, summarize} from '../cpu/summary.js';
import {assembleFile} from '../isa/assembler/index.js';
import {AssemblyFailed} from '../isa/program.js';
import type {ProcessInfo} from '../os/observer.js';
import {KernelSimulation, buildBareSimulation, buildSimulation} from '../scenario/build.js';
import {checkBareFlags, engineOption, withSimulationFlags} from '../scenario/overrides.js';
import {defaultScenarioFile, loadScenario, scenarioFromFlags} from '../scenario/scenario.js';
import type {Simulation} from '../sim/simulation.js';
import {VmmSimulation} from '../vmm/vmm-simulation.js';
import {formatTransientRunSummary, formatVmmRunSummary, transientRunSummary, vmmRunSummary} from './run-summary.js';
import {TransientSimulation} from '../vmm/transient.js';
import {loadProfile} from './profile-flag.js';
import {UsageError, atMost, parseCommand} from './args.js';
import {SIMULATION_FLAGS} from './flags.js';
import {reportUserError} from './user-error.js';
import {JourneyLog} from '../stats/journey-log.js';

const help = `
Usage
  $ vmtop run [SCENARIO.json] --headless [flags]
  $ vmtop run --user A.s [--user B.s …] --headless [flags]
  $ vmtop run PROGRAM.s --headless [flags]

Runs without the dashboard: streams the console output, then prints a summary.

  SCENARIO.json   the kernel and user programs a scenario names (docs/scenarios.md);
                  with no argument, the package's samples/scenarios/default.json
  --user A.s      these user programs as processes (pid 1, 2, … in order) on the
                  sample kernel samples/os/kernel.s, or on --kernel
  PROGRAM.s       a bare program: loaded at 0, started at reset in supervisor
                  mode, no kernel

The exit code is the machine's power-off code; a triple fault, hlt with
interrupts disabled, or the instruction limit end with a message and a nonzero
code. A scenario or program that is not valid is reported (assembler errors as
file:line:col) and nothing runs.
`;

const spec = {
	command: 'vmtop run',
	usage: help,
	flags: [...SIMULATION_FLAGS, 'user', 'kernel', 'memory', 'headless', 'json', 'journeys'],
} as const;

export async function runCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	atMost(input, 1, 'one scenario or program', spec);
	const users = f.user ?? [];
	const file = input[0];
	if (file !== undefined && users.length > 0) {
		throw new UsageError(`--user runs programs on the sample kernel; it does not go with ${file}`);
	}
	if (f.journeys && !f.json) throw new UsageError('--journeys adds the journeys to the JSON summary: it goes with --json');

	let sim: Simulation;
	let label: Record<string, string>;
	let limit = f.maxInstructions;
	try {
		if (file !== undefined && !file.endsWith('.json')) {
			if (f.kernel !== undefined) throw new UsageError(`--kernel needs user programs or a scenario; ${file} is a bare program`);
			checkBareFlags(file, f);
			const result = assembleFile(file);
			if (!result.ok) throw new AssemblyFailed(result.errors);
			sim = buildBareSimulation(result.program, {profile: loadProfile(f.isa), memory: f.memory, input: f.input, ...engineOption(f)});
			label = {program: file};
		} else {
			const loaded = users.length > 0 ? scenarioFromFlags({programs: users}) : loadScenario(file ?? defaultScenarioFile());
			// --kernel and --memory (run's own flags) replace the scenario's, then the flags every command shares.
			const scenario = withSimulationFlags({...loaded, ...(f.kernel === undefined ? {} : {kernel: f.kernel}), ...(f.memory === undefined ? {} : {memory: f.memory})}, f);
			limit = scenario.maxInstructions;
			sim = buildSimulation(scenario, engineOption(f));
			label = {scenario: scenario.file || 'flags'};
		}
	} catch (error) {
		return reportUserError(error);
	}

	const log = f.journeys ? new JourneyLog(sim.bus) : undefined;
	// With --json the console output goes into the object (`output`), so stdout stays one JSON line.
	let output = '';
	const {stop, elapsedMs} = runHeadless(sim, {
		maxInstructions: limit,
		onOutput: f.json ? (text) => void (output += text) : (text) => process.stdout.write(text),
	});
	const summary = summarize(sim.machine, elapsedMs, stop);
	// A transient VMM's run is the kernel's native run with intervals under the VMM: its OS level is the kernel's.
	const kernel = sim instanceof TransientSimulation ? sim.native : sim instanceof KernelSimulation ? sim : undefined;
	const processes = kernel?.observer.processes();
	const vmmSummary = sim instanceof VmmSimulation ? vmmRunSummary(sim) : sim instanceof TransientSimulation ? transientRunSummary(sim) : undefined;
	if (f.json) {
		const os = kernel ? {processes, ...kernel.observer.counts} : undefined;
		const journeys = log ? {journeys: log.journeys} : {};
		process.stdout.write(JSON.stringify({...label, ...summary, output, os, vmm: vmmSummary, ...journeys}) + '\n');
	} else {
		const lines = [formatSummary(summary)];
		if (kernel) lines.push(formatOs(processes!, kernel.observer.counts));
		if (vmmSummary) lines.push('intervals' in vmmSummary ? formatTransientRunSummary(vmmSummary) : formatVmmRunSummary(vmmSummary));
		// Issue 17 §2: a nested stack — the VMM levels and their exits (vmtop stats has the rest).
		const nested = nestedReport(sim);
		if (nested) lines.push(`nested:       ${nested.levels.map((l) => `level ${l.level} ${l.name} ${l.exits} exits`).join(', ')} → the kernel (${nested.syscalls} system calls)`);
		process.stdout.write(`${sim.takeOutput()}\n${lines.join('\n')}\n`);
	}
	if (stop.reason !== 'poweroff') process.stderr.write(`vmtop: ${stop.message}\n`);
	return summary.exitCode;
}

function formatOs(processes: ProcessInfo[], counts: {syscalls: number; switches: number}): string {
	const states = new Map<string, number>();
	for (const p of processes) states.set(p.state, (states.get(p.state) ?? 0) + 1);
	const byState = [...states].map(([state, n]) => `${n} ${state}`).join(', ');
	const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
	return `processes:    ${processes.length} (${byState || 'none'}); ${plural(counts.syscalls, 'system call', 'system calls')}, ${plural(counts.switches, 'switch', 'switches')}`;
}
