/**
 * Recursive virtualization (issue 17 §2): VMMs written in V32 assembly
 * (samples/vmm/mini-vmm.s) stacked on the bare machine, the innermost one
 * hosting the sample kernel with its processes.
 *
 * `nestedImage` is the boot loader of a stack of VMM layers, as
 * source/os/loader.ts is the kernel's: layer 0 (the outermost) at physical 0,
 * its guest's partition at the first 64 KiB boundary above its image, the
 * next layer at 0 of that partition, and so on; the innermost partition holds
 * the kernel's image exactly as the loader lays it out natively (for a
 * memory of the partition's size). Each layer is told its partition through
 * its `vmm_info` table (magic, base, size, the guest's entry).
 */
import * as path from 'node:path';
import {EventBus} from '../bus/event-bus.js';
import {type CostModel, defaultCosts} from '../cpu/costs.js';
import {Machine} from '../cpu/machine.js';
import {builtinProfiles} from '../isa/profiles.js';
import {type Program, Symbolizer} from '../isa/program.js';
import {type BootImage, LoaderError, REGION_SIZE, buildImage} from '../os/loader.js';
import {type CodeArea, bootCodeMap} from './code-map.js';
import {DEFAULT_MEMORY, type KernelOptions} from './kernel.js';
import {MachineSimulation} from './machine-simulation.js';
import type {Simulation} from './simulation.js';

/** vmm_info layout (words), mirrored by mini-vmm's VI_* constants. */
export const VmmInfo = {magic: 0, base: 4, size: 8, entry: 12, bytes: 16} as const;

/** One VMM layer in real memory. */
export interface LayerPlacement {
	program: Program;
	/** Real physical address of the layer's byte 0. */
	start: number;
	/** Its own memory: the partition its host gave it (the whole machine for layer 0). */
	memory: number;
	/** Where its guest's partition starts, in the layer's own addresses. */
	partitionBase: number;
	partitionSize: number;
}

export interface NestedImage {
	/** The whole real memory. */
	image: Uint8Array;
	layers: LayerPlacement[];
	/** The kernel's boot image inside the innermost partition (its addresses are guest-physical there). */
	kernel: BootImage;
	/** Real physical address of the kernel's guest-physical 0. */
	kernelStart: number;
}

/**
 * Lay out `layers` (outermost first) hosting `kernel` and its `programs` in
 * `memorySize` bytes. Throws LoaderError when a layer has no `vmm_info` (or no
 * VMM_MAGIC) or the memory is too small for the partitions.
 */
export function nestedImage(layers: readonly Program[], kernel: Program, programs: readonly Program[], memorySize: number): NestedImage {
	if (layers.length === 0) throw new LoaderError('a nested run needs at least one VMM layer');
	const placements: LayerPlacement[] = [];
	let start = 0;
	let memory = memorySize;
	for (const program of layers) {
		const info = program.labels.get('vmm_info');
		const magic = program.symbols.get('VMM_MAGIC');
		if (info === undefined || magic === undefined) {
			throw new LoaderError(`${program.file}: a VMM layer needs a label 'vmm_info' and a symbol 'VMM_MAGIC' (see samples/vmm/mini-vmm.s)`);
		}
		if (info % 4 !== 0 || info + VmmInfo.bytes > program.bytes.length) throw new LoaderError(`${program.file}: 'vmm_info' must be a word-aligned table of 4 words inside the image`);
		const partitionBase = Math.max(REGION_SIZE, Math.ceil(program.bytes.length / REGION_SIZE) * REGION_SIZE);
		const partitionSize = memory - partitionBase;
		if (partitionSize < REGION_SIZE) {
			throw new LoaderError(
				`${memory} bytes of memory are too small for ${program.file} at depth ${placements.length + 1}: its guest needs a partition of at least ${REGION_SIZE} bytes above ${partitionBase} (raise the scenario's "memory", or --memory)`,
			);
		}
		placements.push({program, start, memory, partitionBase, partitionSize});
		start += partitionBase;
		memory = partitionSize;
	}
	const boot = buildImage(kernel, programs, memory);
	const image = new Uint8Array(memorySize);
	image.set(boot.image, start);
	const view = new DataView(image.buffer);
	placements.forEach((p, i) => {
		image.set(p.program.bytes, p.start);
		const at = p.start + p.program.labels.get('vmm_info')!;
		view.setUint32(at + VmmInfo.magic, p.program.symbols.get('VMM_MAGIC')! >>> 0, true);
		view.setUint32(at + VmmInfo.base, p.partitionBase, true);
		view.setUint32(at + VmmInfo.size, p.partitionSize, true);
		// The guest starts at reset: a VMM layer at 0 (docs/v32.md §1.4), the kernel at its entry.
		view.setUint32(at + VmmInfo.entry, i + 1 < placements.length ? 0 : boot.entry, true);
	});
	return {image, layers: placements, kernel: boot, kernelStart: start};
}

/** Where every program of a nested image lies in real memory. */
export function nestedCodeMap(nested: NestedImage, kernel: Program): CodeArea[] {
	const layers = nested.layers.map((l) => ({start: l.start, size: l.program.bytes.length, symbols: l.program.file, guest: -1, pid: 0}));
	const inner = bootCodeMap(kernel, nested.kernel.regions).map((a) => ({...a, start: a.start + nested.kernelStart}));
	return [...layers, ...inner];
}

/** The kernel's run (kernel.ts), with the VMM layers under it; no memory is held back from the kernel. */
export interface NestedOptions extends Omit<KernelOptions, 'reserve'> {
	/** VMM layers in V32, outermost first. */
	layers: readonly Program[];
}

/** The stack of VMM layers on the bare machine: reset state, pc = 0 in supervisor mode. */
export function nestedSimulation(options: NestedOptions): NestedSimulation {
	const memory = options.memory ?? DEFAULT_MEMORY;
	const profile = options.profile ?? builtinProfiles['classic']!;
	const nested = nestedImage(options.layers, options.kernel, options.programs, memory);
	const bus = options.bus ?? new EventBus();
	const costs: CostModel = {...defaultCosts, ...options.costs};
	const machine = new Machine({memorySize: memory, profile, costs, input: options.input, inputOpen: options.live ?? false, bus, engine: options.engine});
	machine.load(nested.image);
	machine.pc = 0;
	const name = options.name ?? path.basename(options.programs[0]?.file ?? options.kernel.file, '.s');
	const description = {name, isa: profile.name, vmm: 'none' as const, type: 1 as const, guests: 1, costs, nesting: nested.layers.map((l) => path.basename(l.program.file))};
	return new NestedSimulation(machine, bus, description, options.spec ?? null, nested, options.kernel, options.programs);
}

export class NestedSimulation extends MachineSimulation {
	private readonly map: CodeArea[];

	constructor(
		machine: Machine,
		bus: EventBus,
		description: Simulation['description'],
		spec: unknown,
		readonly nested: NestedImage,
		readonly kernel: Program,
		readonly programs: readonly Program[],
	) {
		super(machine, bus, description, spec);
		this.map = nestedCodeMap(nested, kernel);
	}

	/** The outermost layer is the only code that runs in real supervisor mode; the rest is named by physical address. */
	symbolize(_guest: number, supervisor: boolean, pc: number): string {
		const outer = this.nested.layers[0]!.program;
		return supervisor ? new Symbolizer(outer.labels).name(pc) : '0x' + (pc >>> 0).toString(16).padStart(8, '0');
	}

	symbolTables(): Record<string, Record<string, number>> {
		const tables: Record<string, Record<string, number>> = {};
		for (const p of [...this.nested.layers.map((l) => l.program), this.kernel, ...this.programs]) tables[p.file] = Object.fromEntries(p.labels);
		return tables;
	}

	codeMap(): CodeArea[] {
		return this.map;
	}

	/** Nesting depth of the kernel: the number of VMM layers under it. */
	get depth(): number {
		return this.nested.layers.length;
	}
}
