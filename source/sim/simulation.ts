/**
 * A Simulation is what a scenario builds and every front end drives: the
 * headless runner, `vmtop stats`, the live dashboard, the recorder. It is the
 * machine (bare, with the sample kernel, or under the VMM with its guests)
 * plus what is needed to show it: names for code, a description, consoles.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {Runnable} from '../cpu/headless.js';
import type {Machine} from '../cpu/machine.js';
import type {CostModel} from '../cpu/costs.js';
import type {CodeArea} from './code-map.js';

export type VmmTechnique = 'none' | 'trap' | 'bt' | 'pv' | 'hvm';
export const vmmTechniques: readonly VmmTechnique[] = ['none', 'trap', 'bt', 'pv', 'hvm'];

/**
 * Techniques a transient VMM attaches with (source/vmm/transient.ts): trap, bt and hvm unannounced
 * (transparent); pv intransparent — it asks the kernel for hypercalls on the VMM status port, and a
 * kernel that never acknowledges (one without the PV_SWITCH build) runs the interval as trap-and-emulate.
 */
export type TransientTechnique = Exclude<VmmTechnique, 'none'>;
export const transientTechniques: readonly TransientTechnique[] = vmmTechniques.filter((t): t is TransientTechnique => t !== 'none');

/** One step of a transient schedule: at guest instruction `at`, attach a VMM (Type I or II), or detach it. */
export type TransientStep = {at: number; attach: TransientTechnique; type?: 1 | 2} | {at: number; detach: true};

/** How the CPU executes: the interpreter, or the translating engine (`--engine`; passed as the build option `engine`). */
export {type Engine, engines} from '../cpu/engine.js';

/** What the status line and trace header say about a run. */
export interface RunDescription {
	/** Scenario name (file base name) or the program's file name. */
	name: string;
	/** `classic`, `pentium`, or a profile file's name. */
	isa: string;
	vmm: VmmTechnique;
	/** VMM type (1 = bare metal, 2 = hosted); 1 when vmm is none. */
	type: 1 | 2;
	/** Number of guests (1 without a VMM). */
	guests: number;
	costs: CostModel;
	/**
	 * Nested virtualization (issue 17 §2): the VMM levels under the kernel, outermost (level 1, on the
	 * real machine) first, e.g. ['vmtop trap', 'mini-vmm.s']. Absent for a run without a nested stack.
	 */
	nesting?: string[];
}

/** A guest's (or the bare machine's) state for the guests table. */
export interface GuestInfo {
	index: number;
	name: string;
	state: 'running' | 'halted' | 'stopped';
	/** Guest instructions executed (directly or emulated). */
	instructions: number;
	/** Exit code when stopped. */
	exitCode?: number;
}

export interface Simulation extends Runnable {
	readonly machine: Machine;
	readonly bus: EventBus;
	readonly description: RunDescription;
	/** Everything needed to rebuild this run (for trace headers and `replay --verify`). */
	readonly spec: unknown;
	/**
	 * Name code: `sys_write+0x8`, using the kernel's or the program's symbols.
	 * `guest` is -1 for the real machine; `supervisor` is the (virtual) mode
	 * the code ran in; `pc` is the address that mode sees. For code the CPU
	 * fetched, name it by its physical address instead (`codeMap`): the real
	 * mode does not say whose code it is under a VMM.
	 */
	symbolize(guest: number, supervisor: boolean, pc: number): string;
	/** Label tables by program, for trace headers: name → {label → address}. */
	symbolTables(): Record<string, Record<string, number>>;
	/** Where each program's image lies in real memory (keys of `symbolTables`), for trace headers too. */
	codeMap(): CodeArea[];
	/** Console input from the keyboard or the scenario (to guest `guest`, default 0). */
	pushInput(text: string, guest?: number): void;
	/** Per-guest state, for the guests table. */
	guests(): GuestInfo[];
}
