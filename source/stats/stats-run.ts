/**
 * One headless run for `vmtop stats` (and the dashboard's compare screen):
 * build the scenario (bare kernel or under the VMM), run it to its end
 * counting VMM exits (kvm_stat style, via the ExitStats subscriber), then
 * measure the three properties and effectiveness. `statsRunSteps` does it a
 * batch at a time (a screen stays responsive); `statsRun` all at once.
 */
import {EventBus} from '../bus/event-bus.js';
import {runHeadless, runInBatches} from '../cpu/headless.js';
import type {StopInfo} from '../cpu/machine.js';
import {buildKernelSimulation} from '../scenario/build.js';
import {type Engine, type VmmTechnique, vmmTechniques} from '../sim/simulation.js';
import type {Scenario} from '../scenario/scenario.js';
import {type ExitRow, ExitStats} from './exit-stats.js';
import {type PgReport, measureProperties, referenceReport} from '../vmm/properties.js';
import {buildVmmScenario} from '../scenario/vmm-scenario.js';
import {type FamilyNote, familyNote} from '../vmm/family.js';
import {buildNestedScenario} from '../scenario/nested-scenario.js';
import {type Hazard, type NestedReport, firstHazard, nestedReport, syscallJourney} from './nested-stats.js';
import type {VmmSimulation} from '../vmm/vmm-simulation.js';
import type {DivergencePoint} from '../vmm/lockstep.js';
import {selfLockstep} from '../scenario/nested-lockstep.js';
import {type TransientStatsBlock, transientStats} from './stats-transient.js';

export interface StatsRun {
	scenario: string;
	technique: Scenario['vmm'];
	isa: string;
	type: 1 | 2;
	guests: number;
	stop: StopInfo;
	/** Real instructions and cycles of the whole run. */
	instructions: number;
	cycles: number;
	/** Exit reasons, all guests merged. */
	exits: ExitRow[];
	/** Exit reasons per guest (only with several guests). */
	exitsByGuest: Array<{guest: number; name: string; rows: ExitRow[]}>;
	/** Type II: passes through the host OS, and what each cost. */
	hostOs?: {passes: number; meanCycles: number};
	properties: PgReport;
	/** Guests whose ISA differs from the real machine's (family virtualization). */
	family?: FamilyNote[];
	/** Console output (per guest tagged when there are several). */
	output: string;
	/** A nested run (scenario key `nested`): exits per level, and whether the kernel's output is the native one. */
	nested?: NestedReport & {nativeOutput: boolean; hazard?: Hazard; first?: DivergencePoint};
	/** A transient VMM's intervals, judged over those intervals only (stats-transient.ts). */
	transient?: TransientStatsBlock;
}

/**
 * The most frequent real exit of a run (a hybrid VMM's interpreted kernel instructions are not
 * exits: their row's share is 0 %), or undefined without one.
 */
export function topExit(run: Pick<StatsRun, 'exits'>): ExitRow | undefined {
	return run.exits.find((e) => e.category !== 'interpret');
}

export const DEFAULT_MAX_INSTRUCTIONS = 50_000_000;

/** `engine` (`--engine`) runs the measured run on that engine; the properties' reference runs use the default. */
export function statsRun(scenario: Scenario, maxInstructions = scenario.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS, engine?: Engine): StatsRun {
	const steps = statsRunSteps(scenario, maxInstructions, engine);
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
	}
}

/** Instructions per piece of `statsRunSteps`. */
const BATCH = 1_000_000;

/**
 * The run a batch at a time: yields how many instructions have run after
 * each batch, returns the run's statistics (the same as `statsRun`).
 */
export function* statsRunSteps(
	scenario: Scenario,
	maxInstructions = scenario.maxInstructions ?? DEFAULT_MAX_INSTRUCTIONS,
	engine?: Engine,
	batch = BATCH,
): Generator<number, StatsRun, void> {
	const bus = new EventBus();
	let output = '';
	const onOutput = (t: string) => (output += t);
	if (scenario.vmm === 'none' && scenario.transient?.length) {
		const {sim, stop, output: out, block} = transientStats(scenario, maxInstructions, engine);
		return {
			...head(scenario, sim.machine.profile.name, 1),
			stop,
			instructions: sim.instret,
			cycles: sim.machine.cycles,
			exits: [],
			exitsByGuest: [],
			properties: referenceReport(sim.native),
			output: out,
			transient: block,
		};
	}
	if (scenario.vmm === 'none') {
		const sim = scenario.nested?.length ? buildNestedScenario(scenario, {bus, ...(engine ? {engine} : {})}) : buildKernelSimulation(scenario, {bus, ...(engine ? {engine} : {})});
		const stop = yield* runInBatches(sim, maxInstructions, batch, onOutput);
		const report = referenceReport(sim);
		return {
			...head(scenario, sim.machine.profile.name, 1),
			stop,
			instructions: sim.machine.instret,
			cycles: sim.machine.cycles,
			exits: [],
			exitsByGuest: [],
			properties: report,
			output,
			...nestedPart(scenario, sim, output),
		};
	}
	const stats = new ExitStats(bus);
	const sim = scenario.nested?.length
		? (buildNestedScenario(scenario, {bus, watchMemory: true, ...(engine ? {engine} : {})}) as VmmSimulation)
		: buildVmmScenario(scenario, {bus, watchMemory: true, ...(engine ? {engine} : {})});
	const stop = yield* runInBatches(sim, maxInstructions, batch, onOutput);
	const cycles = sim.machine.cycles;
	const properties = measureProperties(sim, {maxInstructions});
	const guests = sim.guestList;
	const passes = guests.reduce((s, g) => s + g.hostPasses, 0);
	const family = sim.specs.flatMap((spec, i) => (spec.profile ? (familyNote(i, spec.name, spec.profile, sim.machine.profile) ?? []) : []));
	return {
		...head(scenario, sim.machine.profile.name, guests.length),
		stop,
		instructions: sim.machine.instret,
		cycles,
		exits: stats.rows(undefined, cycles),
		exitsByGuest:
			guests.length > 1 ? guests.map((g) => ({guest: g.index, name: g.name, rows: stats.rows(g.index, cycles)})) : [],
		...(scenario.type === 2 ? {hostOs: {passes, meanCycles: sim.machine.costs.hostOs}} : {}),
		...(family.length > 0 ? {family} : {}),
		properties,
		output,
		...nestedPart(scenario, sim, output),
	};
}

/** Issue 17 §2: the levels' exits, one system call's journey, and the kernel's output against its native run. */
function nestedPart(scenario: Scenario, sim: Parameters<typeof nestedReport>[0], output: string): {nested?: StatsRun['nested']} {
	const report = scenario.nested?.length ? nestedReport(sim) : undefined;
	if (!report) return {};
	const journey = syscallJourney(() => buildNestedScenario(scenario));
	let nativeOutput = '';
	const {nested: _, ...plain} = scenario;
	runHeadless(buildKernelSimulation({...plain, vmm: 'none', type: 1}), {onOutput: (t) => (nativeOutput += t), maxInstructions: DEFAULT_MAX_INSTRUCTIONS});
	// Not the native output: name the first sensitive instruction that ran deprivileged, untrapped.
	const hazard = nativeOutput === output ? undefined : firstHazard(() => buildNestedScenario(scenario));
	// Depth 2′: the inner stack under the outer mini-vmm against itself on the bare machine, in lockstep.
	const first =
		nativeOutput !== output && scenario.vmm === 'none' && (scenario.nested?.length ?? 0) >= 2 ? selfLockstep(scenario, {limit: 2_000_000}).first : undefined;
	return {nested: {...report, ...(journey ? {journey} : {}), nativeOutput: nativeOutput === output, ...(hazard ? {hazard} : {}), ...(first ? {first} : {})}};
}

/** The techniques `stats --compare` and the compare screen run, in the lecture's order. */
export const compareTechniques: readonly VmmTechnique[] = vmmTechniques;

/**
 * The techniques a scenario can be compared under: a nested stack (mini-vmm) has no
 * para-virtualized build, so pv is left out there (`compareSkipped` says why).
 */
export function compareTechniquesFor(s: Scenario): readonly VmmTechnique[] {
	return s.nested?.length ? compareTechniques.filter((t) => t !== 'pv') : compareTechniques;
}

/** Why a technique of `compareTechniques` is missing from `compareTechniquesFor(s)`, one line each. */
export function compareSkipped(s: Scenario): string[] {
	return s.nested?.length ? ['pv: not run — mini-vmm has no para-virtualized build (docs/vmm.md, "mini-vmm")'] : [];
}

/** The same scenario under another technique; without a VMM there is one guest and no type. */
export function withVmm(s: Scenario, vmm: VmmTechnique): Scenario {
	// A transient schedule belongs to a native run; each compared run is virtualized from its start.
	if (vmm !== 'none') return {...s, vmm, transient: undefined};
	const first = Array.isArray(s.vms) ? s.vms[0] : undefined;
	return {
		...s,
		vmm,
		type: 1,
		vms: 1,
		...(first ? {kernel: first.kernel ?? s.kernel, programs: first.programs, input: first.input} : {}),
	};
}

/**
 * Where a run's cycles went: the VMM's are those from each intercept to its
 * resume, less the host OS's passes (Type II: `hostOs` cycles each, inside
 * the VMM's entry); the rest ran on the CPU for the guest — its instructions,
 * and its own OS's exceptions — without the VMM. The three add up to `cycles`.
 */
export function cycleShares(run: StatsRun): {direct: number; vmm: number; host: number; total: number} {
	const entries = run.exits.reduce((s, r) => s + r.totalCycles, 0);
	const host = run.hostOs ? run.hostOs.passes * run.hostOs.meanCycles : 0;
	return {direct: run.cycles - entries, vmm: entries - host, host, total: run.cycles};
}

function head(scenario: Scenario, isa: string, guests: number) {
	return {scenario: scenario.name, technique: scenario.vmm, isa, type: scenario.type, guests};
}
