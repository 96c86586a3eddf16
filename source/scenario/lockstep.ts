/**
 * The first divergence (source/vmm/lockstep.ts) between two scenarios: the
 * scenario level builds both runs, the VMM level steps them in lockstep.
 */
import {EventBus} from '../bus/event-bus.js';
import {GuestStepper, type LockstepReport, NativeStepper, lockstep} from '../vmm/lockstep.js';
import {buildKernelSimulation} from './build.js';
import type {Scenario} from './scenario.js';
import {buildVmmScenario} from './vmm-scenario.js';
import {buildNestedNative, buildNestedScenario} from './nested-scenario.js';
import type {VmmSimulation} from '../vmm/vmm-simulation.js';
import {buildTransientScenario} from './transient-scenario.js';
import {transientLockstep} from '../vmm/transient-lockstep.js';

/**
 * Scenario level: the native run of `native` (its `vmm` is ignored: it runs on the bare machine)
 * against guest `guest` of `virtual` under its VMM — e.g. a kernel natively against the same kernel
 * under trap, or (issue 17) under a VMM nested in a VMM.
 */
export function scenarioLockstep(native: Scenario, virtual: Scenario, options: {guest?: number; limit?: number} = {}): LockstepReport {
	// Issue 17 §2: a stack of VMM layers (key `nested`) — natively on the bare machine, virtually under vmtop's VMM.
	if (virtual.nested?.length) return nestedLockstep(native, virtual, options);
	const nbus = new EventBus();
	const vms = Array.isArray(native.vms) ? [native.vms[options.guest ?? 0]!] : 1;
	const nsim = buildKernelSimulation({...native, vmm: 'none', type: 1, vms}, {bus: nbus});
	const left = new NativeStepper(nsim.machine, nbus, nsim.codeMap(), nsim.symbolTables());
	const vbus = new EventBus();
	const vsim = buildVmmScenario(virtual, {bus: vbus});
	const right = new GuestStepper(vsim, vbus, options.guest ?? 0);
	return lockstep(left, right, {limit: options.limit});
}

/** The VMM stack of `native` on the bare machine against the stack of `virtual` hosted by vmtop's VMM (depth + 1). */
function nestedLockstep(native: Scenario, virtual: Scenario, options: {limit?: number}): LockstepReport {
	if (virtual.vmm === 'none') throw new Error('scenarioLockstep: a nested virtual run needs vmtop\'s VMM (vmm trap or bt) to host the stack');
	const nbus = new EventBus();
	const nsim = buildNestedNative({...native, vmm: 'none', type: 1}, {bus: nbus});
	const left = new NativeStepper(nsim.machine, nbus, nsim.codeMap(), nsim.symbolTables());
	const vbus = new EventBus();
	const vsim = buildNestedScenario(virtual, {bus: vbus}) as VmmSimulation;
	return lockstep(left, new GuestStepper(vsim, vbus, 0), {limit: options.limit});
}

/**
 * A scenario with a transient schedule (`"transient"`, docs/vmm.md) against its native run:
 * does attaching and detaching there keep the kernel's run equivalent, and if not, why first.
 */
export function transientScenarioLockstep(scenario: Scenario, options: {limit?: number} = {}): LockstepReport {
	const nbus = new EventBus();
	const nsim = buildKernelSimulation({...scenario, transient: undefined}, {bus: nbus});
	const tbus = new EventBus();
	const tsim = buildTransientScenario(scenario, {bus: tbus});
	return transientLockstep({sim: nsim, bus: nbus}, {sim: tsim, bus: tbus}, options);
}
