/**
 * The command line's simulation flags over a scenario or a bare program — the
 * same for run, stats, record and the dashboard: each flag replaces the
 * scenario's value, and then one rule holds everywhere: several guests, or a
 * hosted (Type II) VMM, need a VMM. Breaking it is refused with a message
 * naming the flag; nothing silently runs fewer guests than asked.
 */
import {UsageError} from '../user-error.js';
import type {Scenario} from './scenario.js';
import type {Engine, VmmTechnique} from '../sim/simulation.js';

/** The flags of source/cli/flags.ts SIMULATION_FLAGS, parsed. */
export interface SimulationFlags {
	vmm?: VmmTechnique;
	vms?: number;
	type?: 1 | 2;
	isa?: string;
	input?: string;
	maxInstructions?: number;
	engine?: Engine;
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
	if (f.type !== undefined) s.type = f.type;
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

/** The one rule: several guests, or Type II, need a VMM. */
function checkNeedsVmm(s: Scenario, f: SimulationFlags): void {
	if (s.vmm === 'none') {
		const guests = Array.isArray(s.vms) ? s.vms.length : s.vms;
		const noVmm = f.vmm === 'none' ? 'with --vmm none' : s.file === '' ? 'without --vmm' : 'without --vmm (the scenario\'s "vmm" is "none")';
		if (guests > 1) {
			const asked = f.vms !== undefined ? `--vms ${f.vms}` : `the scenario's ${guests} guests`;
			throw new UsageError(`several guests need a VMM: ${asked} ${noVmm}; add --vmm trap, bt, pv or hvm`);
		}
		if (s.type === 2) {
			const asked = f.type !== undefined ? '--type 2' : 'the scenario\'s "type": 2';
			throw new UsageError(`${asked} needs a VMM (Type II is a VMM hosted by an OS) ${noVmm}; add --vmm trap, bt, pv or hvm`);
		}
	}
}

/** A bare program has no kernel, so nothing to put under a VMM. */
export function checkBareFlags(file: string, f: SimulationFlags): void {
	const given = (['vmm', 'type', 'vms'] as const).filter((k) => f[k] !== undefined).map((k) => `--${k}`);
	if (given.length > 0) {
		throw new UsageError(`${given.join(', ')}: the VMM flags need a kernel (user programs or a scenario); ${file} is a bare program`);
	}
}

/** The build options of SimulationFlags (the engine; undefined: the CPU's default). */
export function engineOption(f: SimulationFlags): {engine?: Engine} {
	return f.engine === undefined ? {} : {engine: f.engine};
}
