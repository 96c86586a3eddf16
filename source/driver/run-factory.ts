/**
 * What the dashboard runs: a scenario (`.json`) or a bare program (`.s`),
 * with the command line's overrides, and a factory that builds it again with
 * another VMM technique or ISA profile (`v`, `i`). Errors are thrown as the
 * scenario builder throws them (ScenarioError, AssemblyFailed, …).
 */
import {assembleFile} from '../isa/assembler/index.js';
import {AssemblyFailed} from '../isa/program.js';
import {builtinProfiles} from '../isa/profiles.js';
import {buildBareSimulation, buildSimulation, scenarioProfile} from '../scenario/build.js';
import {type Scenario, defaultScenarioFile, loadScenario} from '../scenario/scenario.js';
import type {Simulation} from '../sim/simulation.js';
import {withInstructionLimit} from '../scenario/limit.js';
import {type SimulationFlags, checkBareFlags, engineOption, withSimulationFlags} from '../scenario/overrides.js';
import type {SimulationFactory} from './live-driver.js';
import type {RestartChange} from './source.js';

export interface RunRequest {
	/** A scenario `.json` or a program `.s`; default: the package's default scenario. */
	file?: string;
	/** The command line's simulation flags (--vmm --vms --type --isa --input --max-instructions --engine). */
	flags?: SimulationFlags;
	/** More console input may come (the dashboard); false for a headless run. */
	live?: boolean;
}

export interface Run {
	sim: Simulation;
	factory: SimulationFactory;
	/** The profiles `i` cycles through. */
	isaProfiles: string[];
	/** A bare program: no kernel, so no VMM to switch to. */
	bare: boolean;
	/** Stop after this many instructions (the scenario's, or --max-instructions). */
	maxInstructions?: number;
	/** The scenario running now (after restarts); undefined for a bare program. */
	scenario: () => Scenario | undefined;
}

export function isProgramFile(file: string | undefined): boolean {
	return file !== undefined && !file.endsWith('.json');
}

export function buildRun(request: RunRequest): Run {
	const live = request.live ?? true;
	const isaProfiles = Object.keys(builtinProfiles);
	const flags = request.flags ?? {};
	// The dashboard's panel measures resource control: it watches guests' memory.
	const options = {live, watchMemory: true, ...engineOption(flags)};
	if (isProgramFile(request.file)) {
		checkBareFlags(request.file!, flags);
		const result = assembleFile(request.file!);
		if (!result.ok) throw new AssemblyFailed(result.errors);
		const program = result.program;
		let isa = flags.isa;
		const max = flags.maxInstructions;
		const make = (): Simulation =>
			withInstructionLimit(
				buildBareSimulation(program, {profile: scenarioProfile({isa: isa ?? 'classic', file: ''} as Scenario), input: flags.input, ...options}),
				max,
			);
		const factory: SimulationFactory = (change: RestartChange) => {
			if (change.vmm !== undefined && change.vmm !== 'none') {
				throw new Error('a bare program runs without a kernel, so without a VMM');
			}
			if (change.isa !== undefined) isa = change.isa;
			return make();
		};
		if (isa !== undefined && !isaProfiles.includes(isa)) isaProfiles.push(isa);
		return {sim: make(), factory, isaProfiles, bare: true, scenario: () => undefined, ...(max === undefined ? {} : {maxInstructions: max})};
	}
	let scenario: Scenario = withSimulationFlags(loadScenario(request.file ?? defaultScenarioFile()), flags);
	// Live and native: built ready for a transient VMM (`A`), the VMM's memory above the kernel's.
	if (live && scenario.vmm === 'none' && !scenario.transient) scenario = {...scenario, transient: []};
	if (!isaProfiles.includes(scenario.isa)) isaProfiles.push(scenario.isa);
	const build = (s: Scenario): Simulation => withInstructionLimit(buildSimulation(s, options), s.maxInstructions);
	const factory: SimulationFactory = (change: RestartChange) => {
		// The command line's rule holds for a restart too: several guests, or Type II, need a VMM.
		const same = change.vms === undefined || change.vms === (Array.isArray(scenario.vms) ? scenario.vms.length : scenario.vms);
		const next = withSimulationFlags(scenario, {...change, ...(same ? {vms: undefined} : {})});
		const sim = build(next);
		scenario = next; // only once it built
		return sim;
	};
	const max = scenario.maxInstructions;
	return {sim: build(scenario), factory, isaProfiles, bare: false, scenario: () => scenario, ...(max === undefined ? {} : {maxInstructions: max})};
}
