/** Test helpers for the OS level: assemble, boot the sample kernel, run, collect. */
import {EventBus} from '../../source/bus/event-bus.js';
import type {EventKind, VmEvent} from '../../source/bus/events.js';
import {runHeadless} from '../../source/cpu/headless.js';
import type {StopInfo} from '../../source/cpu/machine.js';
import {assemble, assembleFile} from '../../source/isa/assembler/index.js';
import type {Profile} from '../../source/isa/profiles.js';
import {type Program, formatAsmError} from '../../source/isa/program.js';
import {type KernelSimulation, kernelSimulation} from '../../source/scenario/build.js';

export const KERNEL = 'samples/os/kernel.s';

export function file(path: string, defines?: Record<string, number>): Program {
	const r = assembleFile(path, {defines});
	if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n'));
	return r.program;
}

/** A user program from text; it may `.include "lib.inc"` (it is assembled as if in samples/user/). */
export function user(source: string, name = 'inline.s'): Program {
	const r = assemble(source, {file: `samples/user/${name}`});
	if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n'));
	return r.program;
}

export const sample = (name: string): Program => file(`samples/user/${name}.s`);

export interface BootOptions {
	input?: string;
	kernel?: Program;
	profile?: Profile;
	memory?: number;
	maxInstructions?: number;
	live?: boolean;
}

export interface Run {
	sim: KernelSimulation;
	output: string;
	stop: StopInfo;
	events: VmEvent[];
	/** The output without the kernel's own lines. */
	userOutput: string;
}

const osKinds: EventKind[] = ['os.handler', 'os.syscall', 'os.switch', 'os.return', 'os.kill', 'os.exit'];

/** Boot the kernel with these programs and run to the end, recording the OS events. */
export function boot(programs: Program[], options: BootOptions = {}): Run {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	bus.onMany(osKinds, (e) => events.push(e));
	const sim = kernelSimulation({
		kernel: options.kernel ?? file(KERNEL),
		programs,
		input: options.input,
		profile: options.profile,
		memory: options.memory,
		live: options.live,
		bus,
	});
	let output = '';
	const {stop} = runHeadless(sim, {maxInstructions: options.maxInstructions ?? 20_000_000, onOutput: (t) => (output += t)});
	return {sim, output, stop, events, userOutput: withoutKernelLines(output)};
}

export function withoutKernelLines(output: string): string {
	return output
		.split(/(?<=\n)/)
		.filter((line) => !line.startsWith('[kernel]'))
		.join('');
}

export function hex8(value: number): string {
	return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}

/** The events of one kind, typed. */
export function ofKind<K extends EventKind>(events: VmEvent[], kind: K): Array<Extract<VmEvent, {kind: K}>> {
	return events.filter((e): e is Extract<VmEvent, {kind: K}> => e.kind === kind);
}
