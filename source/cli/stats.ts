/** `vmtop stats`: run a scenario headless and print its VMM exits (kvm_stat style), Popek & Goldberg's three properties and effectiveness. */
import process from 'node:process';
import {type Scenario, defaultScenarioFile, loadScenario} from '../scenario/scenario.js';
import {type VmmTechnique, vmmTechniques} from '../scenario/simulation.js';
import {type StatsRun, statsRun} from '../vmm/stats-run.js';
import {formatCompare, formatStats} from '../vmm/stats-format.js';
import {UsageError, oneOf, parseArgs, positiveInteger} from './args.js';
import {loadProfile} from './profile-flag.js';

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

Flags
  --vmm none|trap|bt|pv   technique (default: the scenario's)
  --type 1|2              VMM type: 1 on bare metal, 2 under a host OS
  --vms N                 number of guests, each running the scenario's programs
  --isa classic|pentium|FILE.json   ISA profile (default: the scenario's)
  --compare               run none, trap, bt and pv and print them side by side
  --max-instructions N    stop each run after N instructions
  --json                  print the results as one JSON object
`;

const flags = {
	vmm: {type: 'string'},
	type: {type: 'number'},
	vms: {type: 'number'},
	isa: {type: 'string'},
	compare: {type: 'boolean'},
	maxInstructions: {type: 'number'},
	json: {type: 'boolean'},
} as const;

export async function statsCommand(argv: string[]): Promise<number> {
	const parsed = parseArgs(help, argv, flags, import.meta);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length > 1) throw new UsageError(`expected at most one scenario, got ${input.length}: ${input.join(' ')}\n${help}`);
	const scenario = loadScenario(input[0] ?? defaultScenarioFile());
	const vmm = oneOf(f.vmm, vmmTechniques, 'vmm');
	if (f.type !== undefined && f.type !== 1 && f.type !== 2) throw new UsageError(`--type expects 1 or 2, got ${f.type}`);
	const vms = positiveInteger(f.vms, 'vms');
	if (vms === 0) throw new UsageError('--vms expects a number of guests ≥ 1');
	if (f.isa !== undefined) loadProfile(f.isa);
	const max = positiveInteger(f.maxInstructions, 'max-instructions');
	const base: Scenario = {
		...scenario,
		isa: f.isa ?? scenario.isa,
		vmm: vmm ?? scenario.vmm,
		type: (f.type as 1 | 2 | undefined) ?? scenario.type,
		vms: vms ?? scenario.vms,
	};
	if (f.compare) {
		const runs = (['none', 'trap', 'bt', 'pv'] as const).map((t) => statsRun(withVmm(base, t), max));
		if (f.json) process.stdout.write(JSON.stringify({compare: runs.map(strip)}) + '\n');
		else process.stdout.write(formatCompare(runs) + '\n');
		return 0;
	}
	check(base);
	const run = statsRun(base, max);
	if (f.json) process.stdout.write(JSON.stringify(strip(run)) + '\n');
	else process.stdout.write(formatStats(run) + '\n');
	return 0;
}

/** The same scenario under another technique; without a VMM there is one guest and no type. */
function withVmm(s: Scenario, vmm: VmmTechnique): Scenario {
	if (vmm !== 'none') return {...s, vmm};
	const first = Array.isArray(s.vms) ? s.vms[0] : undefined;
	return {
		...s,
		vmm,
		type: 1,
		vms: 1,
		...(first ? {kernel: first.kernel ?? s.kernel, programs: first.programs, input: first.input} : {}),
	};
}

function check(s: Scenario): void {
	if (s.vmm === 'none' && s.type === 2) throw new UsageError('--type 2 needs a VMM: add --vmm trap, bt or pv');
	const n = Array.isArray(s.vms) ? s.vms.length : s.vms;
	if (s.vmm === 'none' && n > 1) throw new UsageError('several guests need a VMM: add --vmm trap, bt or pv');
}

/** JSON without the console output (it can be long; `vmtop run` shows it). */
function strip(run: StatsRun): Omit<StatsRun, 'output'> {
	const {output: _output, ...rest} = run;
	return rest;
}
