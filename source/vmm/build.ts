/**
 * Build a machine under the VMM from guests as the boot loader prepared them.
 *
 * Each guest is given as the state a native machine has right after loading
 * (`BootState`, see guest.ts): the VMM copies that into the guest's partition
 * and virtual CPU. The same state (or, for `pv`, the native build's) runs
 * natively for the equivalence reference, so both start from identical bits.
 */
import {EventBus} from '../bus/event-bus.js';
import {type CostModel, defaultCosts} from '../cpu/costs.js';
import type {Engine} from '../cpu/engine.js';
import {Machine} from '../cpu/machine.js';
import {controlRegisters} from '../isa/opcodes.js';
import {type Profile, privilegeTable} from '../isa/profiles.js';
import type {CodeArea} from '../sim/code-map.js';
import type {RunDescription} from '../sim/simulation.js';
import {Guest, type BootState} from './guest.js';
import {Monitor, type Technique} from './monitor.js';
import {Partition} from './partition.js';
import {VmmSimulation} from './vmm-simulation.js';

/** Real memory of the VMM itself, above every partition: its interrupt descriptor table (256 words). */
export const VMM_MEMORY = 1024;

export interface GuestSpec {
	name: string;
	/**
	 * The guest's ISA profile when it differs from the real machine's (family virtualization):
	 * its native reference runs on it, and the VMM gives its processes this profile's meaning of
	 * an instruction the real machine traps but the guest's ISA does not.
	 */
	profile?: Profile;
	/** What the VMM runs (pv: loaded with the para-virtualized kernel build). */
	boot: BootState;
	/** The native reference run's start (pv: the native kernel build); default `boot`. */
	reference?: BootState;
	/** Console input from the scenario. */
	input?: string;
	/** pv: guest-physical address of the kernel's shared vCPU page (label `pv_vcpu`). */
	sharedPage?: number;
	/**
	 * pv: guest-physical bytes below this differ by construction (the kernel is
	 * another build); equivalence compares memory from here on. Default 0.
	 */
	compareMemoryFrom?: number;
	/** Names for this guest's code (kernel and program symbols). */
	symbolize?: (supervisor: boolean, pc: number) => string;
	symbolTables?: () => Record<string, Record<string, number>>;
	/** Where the guest's programs lie in its guest-physical memory (keys of `symbolTables`). */
	codeMap?: () => CodeArea[];
	/** Names for the reference build's code, when it is another build (pv): registers are compared by name. */
	referenceSymbolize?: (supervisor: boolean, pc: number) => string;
}

export interface VmmConfig {
	technique: Technique;
	type?: 1 | 2;
	profile: Profile;
	costs?: Partial<CostModel>;
	/** Bytes of memory of each guest (the native machine's size); the real machine has guests × this, plus the VMM's own. */
	memorySize: number;
	guests: GuestSpec[];
	/** Guest instructions per time slice (default 5,000 with several guests). */
	slice?: number;
	/** More console input may come (live dashboard). */
	inputOpen?: boolean;
	bus?: EventBus;
	/** How the CPU executes (default: the machine's default). */
	engine?: Engine;
	/** Scenario name for the status line. */
	name?: string;
	/** Everything needed to rebuild the run (trace headers). */
	spec?: unknown;
	/** Watch who touches another guest's memory (resource control; costs a copy per world switch). Default false. */
	watchMemory?: boolean;
}

export function buildVmmSimulation(config: VmmConfig): VmmSimulation {
	const n = config.guests.length;
	if (n < 1) throw new RangeError('the VMM needs at least one guest');
	const size = config.memorySize;
	const bus = config.bus ?? new EventBus();
	const machine = new Machine({
		// The guests' partitions, then the VMM's own memory (its IDT: see Monitor.idtBase).
		memorySize: size * n + VMM_MEMORY,
		profile: config.profile,
		costs: {...defaultCosts, ...config.costs},
		inputOpen: config.inputOpen ?? false,
		bus,
		engine: config.engine,
	});
	const type = config.type ?? 1;
	const monitor = new Monitor(machine, {
		idtBase: size * n,
		technique: config.technique,
		type,
		slice: config.slice,
		symbolize: (guest, supervisor, pc) => config.guests[guest]?.symbolize?.(supervisor, pc) ?? hex(pc),
	});
	config.guests.forEach((spec, i) => {
		const g = new Guest(i, spec.name, new Partition(i, i * size, size), machine, spec.boot, spec.sharedPage);
		if (spec.profile) g.privileged = privilegeTable(spec.profile);
		g.vcpu.inputOpen = config.inputOpen ?? false;
		if (spec.input) g.vcpu.pushInput(new TextEncoder().encode(spec.input));
		monitor.guests.push(g);
	});
	monitor.scheduler.watch.enabled = config.watchMemory ?? false;
	monitor.scheduler.start();
	const description: RunDescription = {
		name: config.name ?? config.guests[0]!.name,
		isa: config.profile.name,
		vmm: config.technique,
		type,
		guests: n,
		costs: machine.costs,
	};
	return new VmmSimulation(machine, monitor, description, config.guests, config.spec ?? null);
}

function hex(pc: number): string {
	return '0x' + (pc >>> 0).toString(16).padStart(8, '0');
}

/** A native machine started from a boot state (the equivalence reference, `vmm: none`). */
export function nativeMachine(
	boot: BootState,
	options: {profile: Profile; costs?: Partial<CostModel>; input?: string; bus?: EventBus | null},
): Machine {
	const m = new Machine({memorySize: boot.memory.length, profile: options.profile, costs: {...defaultCosts, ...options.costs}, bus: options.bus ?? null});
	m.load(boot.memory);
	if (options.input) m.pushInput(options.input);
	// Registers are per mode already (sp of the current mode, otherSp of the other): no banking here.
	m.supervisor = boot.supervisor;
	m.regs.set(boot.regs);
	m.otherSp = boot.otherSp;
	m.setConditionFlags(boot.flags);
	m.intEnabled = boot.intEnabled;
	m.pc = boot.pc;
	controlRegisters.forEach((name, cr) => {
		if (name !== 'usp') m.writeControl(cr, boot.controls[name]);
	});
	m.timerPeriod = boot.timerPeriod;
	m.timerCountdown = boot.timerCountdown;
	m.irqPending |= boot.irqPending;
	return m;
}
