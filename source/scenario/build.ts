/**
 * Scenario → Simulation. `buildSimulation` is the one seam where a run is
 * chosen: the kernel on the bare machine (`vmm: "none"`, built by
 * source/sim/kernel.ts) or the VMM with its guests (`source/vmm/`).
 * `buildBareSimulation` (source/sim/kernel.ts) runs one program with no
 * kernel at all (`vmtop PROGRAM.s`).
 */
import {readFileSync} from 'node:fs';
import {type Profile, ProfileError, builtinProfiles, parseProfile} from '../isa/profiles.js';
import {type BuildOptions, KernelSimulation, assembleAll, kernelSimulation} from '../sim/kernel.js';
import type {Simulation} from '../sim/simulation.js';
import {type Scenario, ScenarioError} from './scenario.js';
import {machineSizeProblem} from './scenario-schema.js';
import {buildVmmScenario} from './vmm-scenario.js';
import {buildNestedScenario} from './nested-scenario.js';
import {buildTransientScenario} from './transient-scenario.js';

// The builders this layer's callers knew here.
export {type BareOptions, type BuildOptions, type KernelOptions, KernelSimulation, assembleAll, buildBareSimulation, kernelSimulation} from '../sim/kernel.js';


/**
 * Build what a scenario describes. Throws ScenarioError (bad profile),
 * AssemblyFailed (with every assembler error of every file),
 * or LoaderError (memory too small, too many programs).
 */
export function buildSimulation(scenario: Scenario, options: BuildOptions = {}): Simulation {
	// Before a byte is allocated (scenarios from flags or a trace header reach here without parseScenario).
	const tooBig = machineSizeProblem(Array.isArray(scenario.vms) ? scenario.vms.length : scenario.vms, scenario.memory);
	if (tooBig) throw new ScenarioError(`${scenario.file || 'the scenario'}: ${tooBig}`);
	// VMMs in V32 under the kernel (issue 17 §2): on the bare machine, or as the guest of vmtop's VMM.
	if (scenario.nested?.length) return buildNestedScenario(scenario, options);
	// The VMM level plugs in here: vmm ≠ none → source/vmm/ (its guests, booted as below, under the monitor).
	if (scenario.vmm !== 'none') return buildVmmScenario(scenario, options);
	// A transient VMM attaches under the native run and detaches again (docs/vmm.md); `[]`: only when asked live.
	if (scenario.transient) return buildTransientScenario(scenario, options);
	return buildKernelSimulation(scenario, options);
}

/** The scenario's kernel and its processes on the bare machine. */
export function buildKernelSimulation(scenario: Scenario, options: BuildOptions & {reserve?: number} = {}): KernelSimulation {
	const guest = Array.isArray(scenario.vms) ? scenario.vms[0]! : undefined;
	const profile = scenarioProfile(scenario);
	const [kernel, ...programs] = assembleAll([guest?.kernel ?? scenario.kernel, ...(guest?.programs ?? scenario.programs)]);
	return kernelSimulation({
		kernel: kernel!,
		programs,
		name: scenario.name,
		profile,
		memory: scenario.memory,
		input: guest?.input ?? scenario.input,
		costs: scenario.costs,
		spec: scenario,
		...options,
	});
}

/** The scenario's ISA profile: built in, or a profile file. */
export function scenarioProfile(scenario: Scenario, isa = scenario.isa, key = 'isa'): Profile {
	const builtin = builtinProfiles[isa];
	if (builtin) return builtin;
	const where = scenario.file || 'the scenario';
	let text: string;
	try {
		text = readFileSync(isa, 'utf8');
	} catch (error) {
		throw new ScenarioError(`${where}: key "${key}": cannot read ${isa}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	try {
		return parseProfile(text, isa);
	} catch (error) {
		if (error instanceof ProfileError) throw new ScenarioError(`${where}: key "${key}": ${error.message}`);
		throw error;
	}
}
