/** `vmtop run`: run a scenario, user programs on the sample kernel, or a bare program, without the dashboard. */
import process from 'node:process';
import {engines} from '../cpu/engine.js';
import {runHeadless} from '../cpu/headless.js';
import {formatSummary, summarize} from '../cpu/summary.js';
import {assembleFile} from '../isa/assembler/index.js';
import {AssemblyFailed} from '../isa/program.js';
import type {ProcessInfo} from '../os/observer.js';
import {KernelSimulation, buildBareSimulation, buildSimulation} from '../scenario/build.js';
import {MAX_GUESTS, type Scenario, defaultScenarioFile, loadScenario, scenarioFromFlags} from '../scenario/scenario.js';
import {type Simulation, type VmmTechnique, vmmTechniques} from '../scenario/simulation.js';
import {VmmSimulation} from '../vmm/vmm-simulation.js';
import {formatVmmRunSummary, vmmRunSummary} from '../vmm/run-summary.js';
import {loadProfile} from './profile-flag.js';
import {UsageError, oneOf, parseArgs, positiveInteger} from './args.js';
import {reportUserError} from './user-error.js';

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

Flags
  --headless              run without the dashboard (the only mode of 'run')
  --user FILE.s           a user program; repeat for more (not with an argument)
  --kernel FILE.s         the kernel (replaces the scenario's)
  --input TEXT            console input available from reset (replaces the scenario's)
  --isa classic|pentium|FILE.json   ISA profile (replaces the scenario's; default classic)
  --max-instructions N    stop after N instructions
  --memory BYTES          physical memory size (default 1048576)
  --vmm none|trap|bt|pv   run the kernel under the VMM with this technique (replaces the scenario's)
  --type 1|2              VMM type: 1 on bare metal, 2 under a host OS
  --vms N                 number of guests, each running the programs (each its own partition)
  --json                  print the summary as one JSON object (console output in "output")
  --engine interp|jit     interpret every instruction, or translate hot code to JavaScript
                          (default jit; both give the same instructions, cycles and output)
`;

const flags = {
	headless: {type: 'boolean'},
	user: {type: 'string', isMultiple: true},
	kernel: {type: 'string'},
	isa: {type: 'string'},
	maxInstructions: {type: 'number'},
	input: {type: 'string'},
	memory: {type: 'number'},
	vmm: {type: 'string'},
	type: {type: 'number'},
	vms: {type: 'number'},
	json: {type: 'boolean'},
	engine: {type: 'string'},
} as const;

export async function runCommand(argv: string[]): Promise<number> {
	const parsed = parseArgs(help, argv, flags, import.meta);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length > 1) throw new UsageError(`expected one scenario or program, got ${input.length}: ${input.join(' ')}\n${help}`);
	const users = f.user ?? [];
	const file = input[0];
	if (file !== undefined && users.length > 0) {
		throw new UsageError(`--user runs programs on the sample kernel; it does not go with ${file}`);
	}
	const maxInstructions = positiveInteger(f.maxInstructions, 'max-instructions');
	const memory = positiveInteger(f.memory, 'memory');
	const profile = loadProfile(f.isa); // validates --isa now, with the flag's own messages
	const vmm = vmmFlags(f);
	const engine = oneOf(f.engine, engines, 'engine');

	let sim: Simulation;
	let label: Record<string, string>;
	let limit = maxInstructions;
	try {
		if (file !== undefined && !file.endsWith('.json')) {
			if (f.kernel !== undefined) throw new UsageError(`--kernel needs user programs or a scenario; ${file} is a bare program`);
			if (vmm.vmm !== undefined || vmm.vms !== undefined || vmm.type !== undefined) {
				throw new UsageError(`--vmm, --type and --vms need a kernel (user programs or a scenario); ${file} is a bare program`);
			}
			const result = assembleFile(file);
			if (!result.ok) throw new AssemblyFailed(result.errors);
			sim = buildBareSimulation(result.program, {profile, memory, input: f.input, engine});
			label = {program: file};
		} else {
			const scenario: Scenario = withVmm(
				users.length > 0
					? scenarioFromFlags({programs: users, kernel: f.kernel, input: f.input, isa: f.isa, memory, maxInstructions})
					: override(loadScenario(file ?? defaultScenarioFile()), f, memory, maxInstructions),
				vmm,
			);
			limit = scenario.maxInstructions;
			sim = buildSimulation(scenario, {engine});
			label = {scenario: scenario.file || 'flags'};
		}
	} catch (error) {
		return reportUserError(error);
	}

	// With --json the console output goes into the object (`output`), so stdout stays one JSON line.
	let output = '';
	const {stop, elapsedMs} = runHeadless(sim, {
		maxInstructions: limit,
		onOutput: f.json ? (text) => void (output += text) : (text) => process.stdout.write(text),
	});
	const summary = summarize(sim.machine, elapsedMs, stop);
	const processes = sim instanceof KernelSimulation ? sim.observer.processes() : undefined;
	const vmmSummary = sim instanceof VmmSimulation ? vmmRunSummary(sim) : undefined;
	if (f.json) {
		const os = sim instanceof KernelSimulation ? {processes, ...sim.observer.counts} : undefined;
		process.stdout.write(JSON.stringify({...label, ...summary, output, os, vmm: vmmSummary}) + '\n');
	} else {
		const lines = [formatSummary(summary)];
		if (sim instanceof KernelSimulation) lines.push(formatOs(processes!, sim.observer.counts));
		if (vmmSummary) lines.push(formatVmmRunSummary(vmmSummary));
		process.stdout.write(`${sim.takeOutput()}\n${lines.join('\n')}\n`);
	}
	if (stop.reason !== 'poweroff') process.stderr.write(`vmtop: ${stop.message}\n`);
	return summary.exitCode;
}

/** `--vmm`, `--type`, `--vms`, checked. */
function vmmFlags(f: {vmm?: string; type?: number; vms?: number}): {vmm?: VmmTechnique; type?: 1 | 2; vms?: number} {
	const vmm = oneOf(f.vmm, vmmTechniques, 'vmm');
	if (f.type !== undefined && f.type !== 1 && f.type !== 2) throw new UsageError(`--type expects 1 or 2, got ${f.type}`);
	const vms = positiveInteger(f.vms, 'vms');
	if (vms !== undefined && (vms < 1 || vms > MAX_GUESTS)) throw new UsageError(`--vms expects a number of guests from 1 to ${MAX_GUESTS}, got ${vms}`);
	return {vmm, type: f.type as 1 | 2 | undefined, vms};
}

/** The VMM flags replace the scenario's; a type or several guests need a VMM. */
function withVmm(scenario: Scenario, flags: {vmm?: VmmTechnique; type?: 1 | 2; vms?: number}): Scenario {
	const s = {...scenario};
	if (flags.vmm !== undefined) s.vmm = flags.vmm;
	if (flags.type !== undefined) s.type = flags.type;
	if (flags.vms !== undefined) s.vms = flags.vms;
	if (s.vmm === 'none') {
		if (s.type === 2) throw new UsageError('--type 2 needs a VMM: add --vmm trap, bt or pv');
		if ((Array.isArray(s.vms) ? s.vms.length : s.vms) > 1) throw new UsageError('several guests need a VMM: add --vmm trap, bt or pv');
	}
	return s;
}

/** Flags given with a scenario replace its values. */
function override(
	scenario: Scenario,
	f: {kernel?: string; input?: string; isa?: string},
	memory: number | undefined,
	maxInstructions: number | undefined,
): Scenario {
	const s = {...scenario};
	if (f.kernel !== undefined) s.kernel = f.kernel;
	if (f.input !== undefined) s.input = f.input;
	if (f.isa !== undefined) s.isa = f.isa;
	if (memory !== undefined) s.memory = memory;
	if (maxInstructions !== undefined) s.maxInstructions = maxInstructions;
	return s;
}

function formatOs(processes: ProcessInfo[], counts: {syscalls: number; switches: number}): string {
	const states = new Map<string, number>();
	for (const p of processes) states.set(p.state, (states.get(p.state) ?? 0) + 1);
	const byState = [...states].map(([state, n]) => `${n} ${state}`).join(', ');
	return `processes:    ${processes.length} (${byState || 'none'}); ${counts.syscalls} system calls, ${counts.switches} switches`;
}
