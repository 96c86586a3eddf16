/** Test helpers for the transient VMM: one workload assembled once, run natively or with a schedule. */
import {runHeadless} from '../../source/cpu/headless.js';
import {builtinProfiles} from '../../source/isa/profiles.js';
import type {Program} from '../../source/isa/program.js';
import {assembleAll, kernelSimulation} from '../../source/sim/kernel.js';
import type {TransientStep} from '../../source/sim/simulation.js';
import {VMM_MEMORY} from '../../source/vmm/build.js';
import {TransientSimulation} from '../../source/vmm/transient.js';
import {EventBus} from '../../source/bus/event-bus.js';

export const MEMORY = 1 << 20;

/** hello, fault and hanoi on the sample kernel: ~30,000 instructions with timer ticks, system calls, a kill and switches. */
export const MIXED = ['samples/user/hello.s', 'samples/user/fault.s', 'samples/user/hanoi.s'];
/** echo and hello (samples/scenarios/echo.json): both yield, so the kernel idles in its IRQ-save section. */
export const ECHO = ['samples/user/echo.s', 'samples/user/hello.s'];
export const ECHO_INPUT = 'Hello, echo!\nq';

const assembled = new Map<string, Program[]>();
export function workload(users = MIXED, kernel = 'samples/os/kernel.s'): Program[] {
	const key = [kernel, ...users].join(' ');
	if (!assembled.has(key)) assembled.set(key, assembleAll([kernel, ...users]));
	return assembled.get(key)!;
}

export interface Outcome {
	output: string;
	stop: string;
	/** The kernel's clock at the end. */
	instret: number;
	memory: Uint8Array;
	/** r0–r15, pc, FLAGS, and the control registers, as the kernel sees them. */
	cpu: number[];
	sim: TransientSimulation;
}

/** Run the workload with a transient schedule (empty: natively, on the same larger machine). */
export function runTransient(schedule: TransientStep[], options: {isa?: string; bus?: EventBus; input?: string; users?: string[]; kernel?: string} = {}): Outcome {
	const [kernel, ...users] = workload(options.users, options.kernel);
	const profile = builtinProfiles[options.isa ?? 'classic']!;
	const native = kernelSimulation({kernel: kernel!, programs: users, memory: MEMORY, reserve: VMM_MEMORY, profile, bus: options.bus, input: options.input});
	const sim = new TransientSimulation(native, MEMORY, schedule);
	let output = '';
	const {stop} = runHeadless(sim, {maxInstructions: 5_000_000, onOutput: (t) => (output += t)});
	const m = sim.machine;
	const g = sim.guest;
	// Still attached at the end: the kernel's CPU is the virtual one.
	const cpu = g
		? [...g.vcpu.regs, g.vcpu.pc, g.vcpu.flags(g.vcpu.flagsCZNV), ...[0, 1, 2, 3, 4, 5, 6].map((cr) => g.vcpu.readControl(cr))]
		: [...m.regs.slice(0, 16), m.pc, m.flags, ...[0, 1, 2, 3, 4, 5, 6].map((cr) => m.readControl(cr))];
	return {output, stop: `${stop.reason} ${stop.code}: ${stop.message}`, instret: sim.instret, memory: m.mem.slice(0, MEMORY), cpu, sim};
}
