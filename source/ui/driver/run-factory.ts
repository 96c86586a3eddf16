/**
 * What the dashboard runs: a scenario (`.json`) or a bare program (`.s`),
 * with the command line's overrides, and a factory that builds it again with
 * another VMM technique or ISA profile (`v`, `i`). Errors are thrown as the
 * scenario builder throws them (ScenarioError, AssemblyFailed, …).
 */
import {assembleFile} from '../../isa/assembler/index.js';
import {AssemblyFailed} from '../../isa/program.js';
import {builtinProfiles} from '../../isa/profiles.js';
import {buildBareSimulation, buildSimulation, scenarioProfile} from '../../scenario/build.js';
import {type Scenario, defaultScenarioFile, loadScenario} from '../../scenario/scenario.js';
import type {Simulation, VmmTechnique} from '../../scenario/simulation.js';
import type {SimulationFactory} from './live-driver.js';
import type {RestartChange} from './source.js';

export interface RunRequest {
	/** A scenario `.json` or a program `.s`; default: the package's default scenario. */
	file?: string;
	vmm?: VmmTechnique;
	isa?: string;
	type?: 1 | 2;
	vms?: number;
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
}

export function isProgramFile(file: string | undefined): boolean {
	return file !== undefined && !file.endsWith('.json');
}

export function buildRun(request: RunRequest): Run {
	const live = request.live ?? true;
	const isaProfiles = Object.keys(builtinProfiles);
	if (isProgramFile(request.file)) {
		const result = assembleFile(request.file!);
		if (!result.ok) throw new AssemblyFailed(result.errors);
		const program = result.program;
		let isa = request.isa;
		const make = (): Simulation =>
			buildBareSimulation(program, {profile: scenarioProfile({isa: isa ?? 'classic', file: ''} as Scenario), live});
		const factory: SimulationFactory = (change: RestartChange) => {
			if (change.vmm !== undefined && change.vmm !== 'none') {
				throw new Error('a bare program runs without a kernel, so without a VMM');
			}
			if (change.isa !== undefined) isa = change.isa;
			return make();
		};
		if (isa !== undefined && !isaProfiles.includes(isa)) isaProfiles.push(isa);
		return {sim: make(), factory, isaProfiles, bare: true};
	}
	let scenario: Scenario = {...loadScenario(request.file ?? defaultScenarioFile())};
	if (request.vmm !== undefined) scenario.vmm = request.vmm;
	if (request.isa !== undefined) scenario.isa = request.isa;
	if (request.type !== undefined) scenario.type = request.type;
	if (request.vms !== undefined) scenario.vms = request.vms;
	if (!isaProfiles.includes(scenario.isa)) isaProfiles.push(scenario.isa);
	const factory: SimulationFactory = (change: RestartChange) => {
		const next = {...scenario, ...change};
		const sim = buildSimulation(next, {live});
		scenario = next; // only once it built
		return sim;
	};
	return {sim: buildSimulation(scenario, {live}), factory, isaProfiles, bare: false};
}
