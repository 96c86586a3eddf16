/**
 * Scenario → a nested run (issue 17 §2, key `nested`): the VMM layers written
 * in V32 (samples/vmm/mini-vmm.s) stacked under the scenario's kernel.
 *
 * - `vmm: "none"`: the outermost layer runs on the bare machine — depth =
 *   the number of layers (nested-1.json: depth 1; nested-2.json: depth 2′,
 *   mini-vmm under a copy of itself).
 * - `vmm: "trap"` or `"bt"`: vmtop's TypeScript VMM (source/vmm/) hosts the
 *   whole stack as its one guest, booted from the same image — one level
 *   deeper (nested-1.json with --vmm trap: depth 2).
 *
 * The console output of every depth must equal the native run of the kernel
 * and its processes (test/scenario/nested.test.ts).
 */
import type {BuildOptions} from '../sim/kernel.js';
import {type NestedImage, type NestedSimulation, nestedSimulation} from '../sim/nested.js';
import type {Simulation} from '../sim/simulation.js';
import {buildVmmSimulation} from '../vmm/build.js';
import {bootStateOf} from '../vmm/guest.js';
import {assembleAll, scenarioProfile} from './build.js';
import {type Scenario, ScenarioError} from './scenario.js';

/** The stack on the bare machine, whatever the scenario's `vmm` (the native reference of a nested run). */
export function buildNestedNative(scenario: Scenario, options: BuildOptions = {}): NestedSimulation {
	const layers = scenario.nested ?? [];
	if (layers.length === 0) throw new ScenarioError(`${scenario.file || 'the scenario'}: key "nested": expected at least one VMM layer`);
	const guest = Array.isArray(scenario.vms) ? scenario.vms[0] : undefined;
	const guests = Array.isArray(scenario.vms) ? scenario.vms.length : scenario.vms;
	if (guests !== 1) {
		throw new ScenarioError(`${scenario.file || 'the scenario'}: keys "nested" and "vms": a VMM layer in V32 hosts one guest, got ${guests} (--vms)`);
	}
	const kernelFile = guest?.kernel ?? scenario.kernel;
	const programFiles = guest?.programs ?? scenario.programs;
	const assembled = assembleAll([...layers, kernelFile, ...programFiles]);
	const vmmLayers = assembled.slice(0, layers.length);
	const [kernel, ...programs] = assembled.slice(layers.length);
	return nestedSimulation({
		layers: vmmLayers,
		kernel: kernel!,
		programs,
		name: scenario.name,
		profile: scenarioProfile(scenario),
		memory: scenario.memory,
		input: guest?.input ?? scenario.input,
		costs: scenario.costs,
		spec: scenario,
		...options,
	});
}

/** The stack inside each simulation that vmtop's VMM hosts (its guest is the image, not a kernel). */
const hosted = new WeakMap<object, NestedImage>();

/** The nested image a VMM simulation built here hosts; undefined for any other simulation. */
export function nestedLayoutOf(sim: Simulation): NestedImage | undefined {
	return hosted.get(sim);
}

/** What a nested scenario describes: the stack on the bare machine, or under vmtop's VMM. */
export function buildNestedScenario(scenario: Scenario, options: BuildOptions = {}): Simulation {
	if (scenario.vmm === 'none') return buildNestedNative(scenario, options);
	if (scenario.vmm === 'pv') {
		throw new ScenarioError(`${scenario.file || 'the scenario'}: keys "nested" and "vmm": mini-vmm has no para-virtualized build; use "trap", "bt" or "hvm" (--vmm)`);
	}
	// The guest of vmtop's VMM is the whole stack, booted exactly as on the bare machine.
	const native = buildNestedNative(scenario, {engine: options.engine});
	const input = Array.isArray(scenario.vms) ? scenario.vms[0]!.input : scenario.input;
	const map = native.codeMap();
	const sim = buildVmmSimulation({
		technique: scenario.vmm,
		type: scenario.type,
		profile: native.machine.profile,
		costs: scenario.costs,
		memorySize: scenario.memory,
		guests: [
			{
				name: scenario.name,
				boot: bootStateOf(native.machine),
				input,
				symbolize: (supervisor, pc) => native.symbolize(0, supervisor, pc),
				symbolTables: () => native.symbolTables(),
				codeMap: () => map,
			},
		],
		inputOpen: options.live ?? false,
		bus: options.bus,
		engine: options.engine,
		name: scenario.name,
		spec: scenario,
	});
	hosted.set(sim, native.nested);
	// The depth tag of the dashboard's VMM rows (RunDescription.nesting): vmtop's VMM is level 1.
	Object.assign(sim.description, {nesting: [`vmtop ${scenario.vmm}`, ...(native.description.nesting ?? [])]});
	return sim;
}
