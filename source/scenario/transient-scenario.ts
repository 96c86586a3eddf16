/**
 * Scenario → a native run with a transient VMM (`"transient": [...]`, docs/vmm.md
 * "Transient VMM"): the kernel boots on the bare machine, told (boot info) it
 * has `memory` bytes; the real machine has the VMM's own memory above that
 * (docs/v32.md §8.4), where the VMM puts its IDT whenever it attaches.
 */
import {VMM_MEMORY} from '../vmm/build.js';
import {TransientSimulation} from '../vmm/transient.js';
import type {BuildOptions} from '../sim/kernel.js';
import {buildKernelSimulation} from './build.js';
import type {Scenario} from './scenario.js';

export function buildTransientScenario(scenario: Scenario, options: BuildOptions = {}): TransientSimulation {
	const native = buildKernelSimulation(scenario, {...options, reserve: VMM_MEMORY});
	return new TransientSimulation(native, scenario.memory, scenario.transient ?? []);
}
