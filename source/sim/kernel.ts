/**
 * The machine and kernel builders every level above uses: assembled programs
 * booted on a new machine — the sample kernel with its processes
 * (`kernelSimulation`), or one program with no kernel (`buildBareSimulation`).
 * Scenario files (source/scenario/) and the VMM's guests (source/vmm/) are
 * built from these.
 */
import * as path from 'node:path';
import {EventBus} from '../bus/event-bus.js';
import {type CostModel, defaultCosts} from '../cpu/costs.js';
import type {Engine} from '../cpu/engine.js';
import {Machine} from '../cpu/machine.js';
import {assembleFile} from '../isa/assembler/index.js';
import {type Profile, builtinProfiles} from '../isa/profiles.js';
import {type AsmError, AssemblyFailed, type Program, Symbolizer} from '../isa/program.js';
import {type BootImage, LoaderError, buildImage} from '../os/loader.js';
import {OsObserver} from '../os/observer.js';
import {type CodeArea, bootCodeMap} from './code-map.js';
import {MachineSimulation} from './machine-simulation.js';
import type {Simulation} from './simulation.js';

/** Physical memory when a scenario or flag names none: 1 MiB. */
export const DEFAULT_MEMORY = 1 << 20;

export interface BuildOptions {
	/** The bus to emit on (default: a new one). */
	bus?: EventBus;
	/** More console input may come later (the live dashboard): `hlt` then waits for it. */
	live?: boolean;
	/** How the CPU executes (`--engine`); undefined: the CPU's default. */
	engine?: Engine;
	/** Under a VMM: watch who touches another guest's memory (where Popek & Goldberg's properties are measured). */
	watchMemory?: boolean;
}

export interface KernelOptions extends BuildOptions {
	kernel: Program;
	/** User programs in boot order: pid i + 1 runs programs[i]. */
	programs: readonly Program[];
	name?: string;
	profile?: Profile;
	memory?: number;
	input?: string;
	costs?: Partial<CostModel>;
	/** What rebuilds this run (the scenario). */
	spec?: unknown;
	/** Real memory above `memory` the kernel is not told of (boot info says `memory`): a transient VMM's (docs/v32.md §8.4). */
	reserve?: number;
}

/**
 * Boot assembled programs: the loader's image (source/os/loader.ts) in a new
 * machine, the CPU at the kernel's entry in supervisor mode, and an OS
 * observer for the bare machine (guest -1).
 */
export function kernelSimulation(options: KernelOptions): KernelSimulation {
	const memory = options.memory ?? DEFAULT_MEMORY;
	const profile = options.profile ?? builtinProfiles['classic']!;
	const boot = buildImage(options.kernel, options.programs, memory);
	const bus = options.bus ?? new EventBus();
	const costs: CostModel = {...defaultCosts, ...options.costs};
	const machine = new Machine({memorySize: memory + (options.reserve ?? 0), profile, costs, input: options.input, inputOpen: options.live ?? false, bus, engine: options.engine});
	machine.load(boot.image);
	machine.pc = boot.entry;
	const observer = new OsObserver({
		bus,
		guest: -1,
		readWord: (address) => machine.mem32[address >>> 2] ?? 0,
		readRegister: (index) => machine.regs[index] ?? 0,
		kernel: options.kernel,
		programs: options.programs,
	});
	const name = options.name ?? path.basename(options.programs[0]?.file ?? options.kernel.file, '.s');
	const description = {name, isa: profile.name, vmm: 'none' as const, type: 1 as const, guests: 1, costs};
	const spec = options.spec ?? {kernel: options.kernel.file, programs: options.programs.map((p) => p.file), memory, isa: profile.name};
	return new KernelSimulation(machine, bus, description, spec, options.kernel, options.programs, observer, boot);
}

export class KernelSimulation extends MachineSimulation {
	private readonly kernelSymbols: Symbolizer;

	constructor(
		machine: Machine,
		bus: EventBus,
		description: Simulation['description'],
		spec: unknown,
		readonly kernel: Program,
		readonly programs: readonly Program[],
		readonly observer: OsObserver,
		/** Where the loader put everything. */
		readonly boot: BootImage,
	) {
		super(machine, bus, description, spec);
		this.kernelSymbols = observer.kernelSymbols;
	}

	/** Kernel code by the kernel's labels; user code by the labels of the process running. */
	symbolize(_guest: number, supervisor: boolean, pc: number): string {
		return supervisor ? this.kernelSymbols.name(pc) : this.observer.symbolizeUser(pc);
	}

	/** The kernel's `current_pid`, not the observer's: the observer learns of a switch only at the `iret`. */
	protected override nameByMode(supervisor: boolean, pc: number): string {
		return supervisor ? this.kernelSymbols.name(pc) : this.observer.symbolizeUser(pc, this.observer.kernelCurrentPid());
	}

	protected override runningPid(): number {
		return this.observer.kernelCurrentPid();
	}

	symbolTables(): Record<string, Record<string, number>> {
		const tables: Record<string, Record<string, number>> = {};
		for (const p of [this.kernel, ...this.programs]) tables[p.file] = Object.fromEntries(p.labels);
		return tables;
	}

	codeMap(): CodeArea[] {
		return bootCodeMap(this.kernel, this.boot.regions);
	}
}

export interface BareOptions {
	/** Shown as the run's name (default: the program's file name). */
	name?: string;
	profile?: Profile;
	memory?: number;
	input?: string;
	costs?: Partial<CostModel>;
	bus?: EventBus;
	live?: boolean;
	/** How the CPU executes (`--engine`); undefined: the CPU's default. */
	engine?: Engine;
}

/** One program on the bare machine: loaded at 0, started at reset (pc = 0, supervisor mode; docs/v32.md §1.4). */
export function buildBareSimulation(program: Program, options: BareOptions = {}): Simulation {
	const bus = options.bus ?? new EventBus();
	const costs: CostModel = {...defaultCosts, ...options.costs};
	const profile = options.profile ?? builtinProfiles['classic']!;
	const memorySize = options.memory ?? DEFAULT_MEMORY;
	// The input's mistake, not the machine's: say so before Machine.load's RangeError (a bug guard) could.
	if (program.bytes.length > memorySize) {
		throw new LoaderError(`${program.file}: the program's image of ${program.bytes.length} bytes does not fit in ${memorySize} bytes of memory (--memory)`);
	}
	const machine = new Machine({
		memorySize,
		profile,
		costs,
		input: options.input,
		inputOpen: options.live ?? false,
		bus,
		engine: options.engine,
	});
	machine.load(program.bytes);
	// docs/v32.md §1.4: a bare program starts at reset, pc = 0 — `_start` is the kernel ABI's entry
	// for user programs, not the bare machine's.
	machine.pc = 0;
	const name = options.name ?? path.basename(program.file);
	const spec = {program: program.file, isa: profile.name, memory: machine.memorySize, input: options.input ?? ''};
	return new BareSimulation(machine, bus, {name, isa: profile.name, vmm: 'none', type: 1, guests: 1, costs}, spec, program);
}

class BareSimulation extends MachineSimulation {
	private readonly symbols: Symbolizer;

	constructor(machine: Machine, bus: EventBus, description: Simulation['description'], spec: unknown, readonly program: Program) {
		super(machine, bus, description, spec);
		this.symbols = new Symbolizer(program.labels);
	}

	symbolize(_guest: number, _supervisor: boolean, pc: number): string {
		return this.symbols.name(pc);
	}

	symbolTables(): Record<string, Record<string, number>> {
		return {[this.program.file]: Object.fromEntries(this.program.labels)};
	}

	/** Loaded at 0: physical addresses are its own. */
	codeMap(): CodeArea[] {
		return [{start: 0, size: this.program.bytes.length, symbols: this.program.file, guest: -1, pid: 0}];
	}
}

/**
 * Assemble every file, collecting the errors of all of them; throws
 * AssemblyFailed when any fails, so nothing runs. A file named twice is
 * assembled once.
 */
export function assembleAll(files: readonly string[], defines?: Record<string, number>): Program[] {
	const done = new Map<string, Program>();
	const errors: AsmError[] = [];
	for (const file of files) {
		if (done.has(file)) continue;
		const r = assembleFile(file, {defines});
		if (r.ok) done.set(file, r.program);
		else errors.push(...r.errors);
	}
	if (errors.length > 0) throw new AssemblyFailed(errors);
	return files.map((f) => done.get(f)!);
}

