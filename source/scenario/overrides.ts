/**
 * The command line's simulation flags over a scenario or a bare program — the
 * same for run, stats, record and the dashboard: each flag replaces the
 * scenario's value, and then one rule holds everywhere: several guests, or a
 * hosted (Type II) VMM, need a VMM. Breaking it is refused with a message
 * naming the flag; nothing silently runs fewer guests than asked.
 */
import {UsageError} from '../user-error.js';
import {type Scenario, transientProblem} from './scenario.js';
import type {Engine, TransientStep, TransientTechnique, VmmTechnique} from '../sim/simulation.js';

/** The flags of source/cli/flags.ts SIMULATION_FLAGS, parsed. */
export interface SimulationFlags {
	vmm?: VmmTechnique;
	vms?: number;
	type?: 1 | 2;
	isa?: string;
	input?: string;
	maxInstructions?: number;
	engine?: Engine;
	/** `--attach-at N[:technique]` and `--detach-at M`: a transient VMM's schedule. */
	attachAt?: Array<{at: number; technique: TransientTechnique}>;
	detachAt?: number[];
}

export function withSimulationFlags(scenario: Scenario, f: SimulationFlags): Scenario {
	const s = applySimulationFlags(scenario, f);
	checkNeedsVmm(s, f);
	return s;
}

/** The flags' values in place of the scenario's, unchecked (`stats --compare` sets the VMM of each run itself). */
export function applySimulationFlags(scenario: Scenario, f: SimulationFlags): Scenario {
	const s: Scenario = {...scenario};
	if (f.vmm !== undefined) s.vmm = f.vmm;
	const transient = f.attachAt !== undefined || f.detachAt !== undefined;
	// With a transient VMM, --type says which VMM attaches (2: with its host OS); the run itself starts native.
	if (f.type !== undefined && !transient) s.type = f.type;
	if (transient) s.transient = transientFlags(f, s.vmm);
	if (f.vms !== undefined) {
		// A list names each guest's programs: a count would drop them all, silently.
		if (Array.isArray(s.vms)) {
			throw new UsageError(`--vms ${f.vms}: ${s.file || 'the scenario'} lists its ${s.vms.length} guests ("vms": [...]); --vms sets a number of guests, not a list: edit the list`);
		}
		s.vms = f.vms;
	}
	if (f.isa !== undefined) s.isa = f.isa;
	if (f.input !== undefined) {
		s.input = f.input;
		// A list of guests carries an input per guest: the flag replaces each.
		if (Array.isArray(s.vms)) s.vms = s.vms.map((g) => ({...g, input: f.input!}));
	}
	if (f.maxInstructions !== undefined) s.maxInstructions = f.maxInstructions;
	return s;
}

/** `--attach-at` and `--detach-at` as a schedule, in order of the points; refused when they do not alternate. */
function transientFlags(f: SimulationFlags, vmm: VmmTechnique): TransientStep[] {
	const type = f.type ?? 1;
	const steps: TransientStep[] = [
		...(f.attachAt ?? []).map((a): TransientStep => (type === 2 ? {at: a.at, attach: a.technique, type} : {at: a.at, attach: a.technique})),
		...(f.detachAt ?? []).map((at): TransientStep => ({at, detach: true})),
	].sort((a, b) => a.at - b.at || ('attach' in a ? -1 : 1));
	const problem = transientProblem(steps, vmm, '--attach-at/--detach-at');
	if (problem) throw new UsageError(problem.replace('expected "vmm" none', 'expected --vmm none (or no --vmm)'));
	return steps;
}

/** The one rule: several guests, or Type II, need a VMM. */
function checkNeedsVmm(s: Scenario, f: SimulationFlags): void {
	if (s.vmm === 'none') {
		const guests = Array.isArray(s.vms) ? s.vms.length : s.vms;
		const noVmm = f.vmm === 'none' ? 'with --vmm none' : s.file === '' ? 'without --vmm' : 'without --vmm (the scenario\'s "vmm" is "none")';
		if (guests > 1) {
			const asked = f.vms !== undefined ? `--vms ${f.vms}` : `the scenario's ${guests} guests`;
			throw new UsageError(`several guests need a VMM: ${asked} ${noVmm}; add --vmm trap, bt, pv or hvm`);
		}
		if (s.type === 2 && !s.transient?.length) {
			const asked = f.type !== undefined ? '--type 2' : 'the scenario\'s "type": 2';
			throw new UsageError(`${asked} needs a VMM (Type II is a VMM hosted by an OS) ${noVmm}; add --vmm trap, bt, pv or hvm`);
		}
	}
}

/** A bare program has no kernel, so nothing to put under a VMM. */
export function checkBareFlags(file: string, f: SimulationFlags): void {
	const given = (['vmm', 'type', 'vms', 'attachAt', 'detachAt'] as const).filter((k) => f[k] !== undefined).map((k) => `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`);
	if (given.length > 0) {
		throw new UsageError(`${given.join(', ')}: the VMM flags need a kernel (user programs or a scenario); ${file} is a bare program`);
	}
}

/** The build options of SimulationFlags (the engine; undefined: the CPU's default). */
export function engineOption(f: SimulationFlags): {engine?: Engine} {
	return f.engine === undefined ? {} : {engine: f.engine};
}
