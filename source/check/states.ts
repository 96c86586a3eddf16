/**
 * The machine states `vmtop check` executes every instruction from.
 *
 * A state is a point in a small grid: one value per *system* dimension (what a
 * VMM would have to virtualize: mode, IF, idt, the relocation-bounds registers,
 * the trap-state control registers, time) and a *program* variant (registers,
 * C Z N V, memory contents — ordinary data, varied only for coverage). Two
 * states that differ in exactly one system dimension form a pair; comparing an
 * instruction's outcome over such pairs is how behaviour sensitivity shows up.
 *
 * The program sees the same *virtual* image in every state: code and data sit
 * at physical 0 (what supervisor mode addresses) and again at `ubase` (what
 * user mode addresses). So a mode pair has identical physical memory (Popek &
 * Goldberg's pair <E, s, P, R> / <E, u, P, R>), and a relocation pair holds the
 * same program at two places, which is how location sensitivity is exposed.
 */
import {Machine} from '../cpu/machine.js';
import {Flag} from '../isa/opcodes.js';
import type {Profile} from '../isa/profiles.js';

/**
 * Physical memory of a probe machine: the supervisor-mode window at 0, the
 * user-mode relocations above it, two IDTs at the top. Small on purpose: every
 * probe builds a fresh machine, and its cost is proportional to memory.
 */
export const MEMORY_SIZE = 0x4000;
/** Virtual addresses the probes use: code at CODE_AT, data around DATA_AT, stack below the top. */
export const WINDOW = 0x1000;
export const CODE_AT = 0x100;
/** Console input pending in every state, so a console read has something to consume. */
export const PENDING_INPUT = 'ok';

/** The system dimensions (Popek & Goldberg's mode and relocation register, and V32's other resources). */
export type Dimension = 'mode' | 'if' | 'idt' | 'relocation' | 'control' | 'time';
export const dimensions: readonly Dimension[] = ['mode', 'if', 'idt', 'relocation', 'control', 'time'];

/** What a dimension stands for, in the words of the report. */
export const dimensionNames: Record<Dimension, string> = {
	mode: 'the mode (S)',
	if: 'the interrupt flag (IF)',
	idt: 'the IDT base (idt)',
	relocation: 'the relocation-bounds registers (ubase/ulimit)',
	control: 'the trap-state control registers (epc/eflags/cause/badaddr)',
	time: 'time (instructions executed since reset)',
};

interface Relocation {
	ubase: number;
	ulimit: number;
}

interface ControlSet {
	epc: number;
	eflags: number;
	cause: number;
	badaddr: number;
}

/** One program variant: general registers, C Z N V and the words the stack and memory operands reach. */
interface ProgramVariant {
	name: string;
	regs: readonly number[];
	sp: number;
	cznv: number;
	seed: number;
	/** Words placed at fixed virtual addresses (the top of the stack, for pop/popf/ret). */
	words: ReadonlyArray<readonly [number, number]>;
}

// The values each dimension takes. The first value of each is the "plain" one,
// so the first pair found for an instruction reads naturally in the evidence.
const modes = [true, false] as const;
const interruptFlags = [1, 0] as const;
const idts = [0x3000, 0x3400] as const;
const relocations: readonly Relocation[] = [
	{ubase: 0x1000, ulimit: 0x1000},
	{ubase: 0x2000, ulimit: 0x1000},
	{ubase: 0x1000, ulimit: 0x2000},
];
const controls: readonly ControlSet[] = [
	// eflags of the first would return to user mode with IF = 1, of the second to supervisor mode with C.
	{epc: 0x300, eflags: Flag.IF, cause: 13, badaddr: 0x844},
	{epc: 0x340, eflags: Flag.S | Flag.C, cause: 32, badaddr: 0},
];
const times = [0, 0x10000] as const;

/**
 * Register r2 is a word-aligned pointer into the data area (memory operands,
 * jump targets); r3 is a source ('A', a printable byte for `out 0x10`), 0 in variant B so a divide traps there.
 */
const programs: readonly ProgramVariant[] = [
	{
		name: 'A',
		regs: [0, 0x1234, 0x800, 0x41, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee],
		sp: 0xf00,
		cznv: 0,
		seed: 0x9e3779b1,
		words: [[0xf00, Flag.S | Flag.IF | Flag.C | Flag.Z | Flag.N | Flag.V]],
	},
	{
		name: 'B',
		regs: [7, -2, 0x900, 0, -1, 0x7fffffff, -0x80000000, 3, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70],
		sp: 0xe00,
		cznv: Flag.C | Flag.Z | Flag.N | Flag.V,
		seed: 0x85ebca6b,
		words: [[0xe00, Flag.C | Flag.N]],
	},
];

/** A probe state: one value index per dimension plus a program variant. */
export interface ProbeState {
	index: number;
	supervisor: boolean;
	interruptFlag: 0 | 1;
	idt: number;
	ubase: number;
	ulimit: number;
	control: ControlSet;
	instret: number;
	program: string;
	/** Value index per dimension, and `program`, for finding pairs. */
	coords: Record<Dimension | 'program', number>;
}

/** Two states that differ in exactly one dimension. */
export interface StatePair {
	dimension: Dimension;
	a: number;
	b: number;
}

export interface StateSpace {
	states: ProbeState[];
	pairs: StatePair[];
}

const sizes: Record<Dimension | 'program', number> = {
	mode: modes.length,
	if: interruptFlags.length,
	idt: idts.length,
	relocation: relocations.length,
	control: controls.length,
	time: times.length,
	program: programs.length,
};

const order: ReadonlyArray<Dimension | 'program'> = ['program', 'time', 'control', 'relocation', 'idt', 'if', 'mode'];

/** Every combination of the dimensions' values, and every pair differing in one of them. */
export function stateSpace(): StateSpace {
	const states: ProbeState[] = [];
	const total = order.reduce((n, d) => n * sizes[d], 1);
	for (let index = 0; index < total; index++) {
		// Mixed-radix digits, `mode` fastest: state 0 and 1 are a mode pair.
		let rest = index;
		const coords = {} as Record<Dimension | 'program', number>;
		for (const d of [...order].reverse()) {
			coords[d] = rest % sizes[d];
			rest = Math.floor(rest / sizes[d]);
		}
		const relocation = relocations[coords.relocation]!;
		states.push({
			index,
			supervisor: modes[coords.mode]!,
			interruptFlag: interruptFlags[coords.if]!,
			idt: idts[coords.idt]!,
			ubase: relocation.ubase,
			ulimit: relocation.ulimit,
			control: controls[coords.control]!,
			instret: times[coords.time]!,
			program: programs[coords.program]!.name,
			coords,
		});
	}
	const byKey = new Map(states.map((s) => [key(s.coords), s.index]));
	const pairs: StatePair[] = [];
	for (const s of states) {
		for (const dimension of dimensions) {
			for (let v = s.coords[dimension] + 1; v < sizes[dimension]; v++) {
				const b = byKey.get(key({...s.coords, [dimension]: v}))!;
				pairs.push({dimension, a: s.index, b});
			}
		}
	}
	return {states, pairs};
}

function key(coords: Record<Dimension | 'program', number>): string {
	return order.map((d) => coords[d]).join(',');
}

/** The virtual image of a program variant, without the instruction (WINDOW bytes). */
function programImage(variant: ProgramVariant): Int32Array {
	const image = new Int32Array(WINDOW / 4);
	// Data that is neither 0 nor a pattern an instruction could produce by accident.
	for (let i = 0; i < image.length; i++) image[i] = Math.imul(i + 1, variant.seed) ^ 0x5a5a5a5a;
	for (const [at, value] of variant.words) image[at >>> 2] = value;
	return image;
}

const images = new Map(programs.map((p) => [p.name, programImage(p)]));

/** The virtual image (code included) the state's program sees, as words. */
export function virtualImage(state: ProbeState, code: readonly number[]): Int32Array {
	const image = new Int32Array(images.get(state.program)!);
	code.forEach((w, i) => (image[(CODE_AT >>> 2) + i] = w));
	return image;
}

/** A fresh machine in `state`, about to execute the instruction `code` at virtual CODE_AT. */
export function buildMachine(state: ProbeState, code: readonly number[], profile: Profile): Machine {
	const variant = programs.find((p) => p.name === state.program)!;
	// A probe executes one instruction: nothing to translate, so the interpreter (the reference).
	const machine = new Machine({memorySize: MEMORY_SIZE, profile, input: PENDING_INPUT, engine: 'interp'});
	// The input raised IRQ 1; a pending interrupt would be taken before the instruction.
	machine.irqPending = 0;
	const bytes = new Uint8Array(virtualImage(state, code).buffer);
	machine.load(bytes, 0);
	machine.load(bytes, state.ubase);
	variant.regs.forEach((v, i) => (machine.regs[i] = v));
	// Both banked stack pointers hold the program's sp, so switching mode does not move the stack.
	machine.regs[15] = variant.sp;
	machine.otherSp = variant.sp;
	machine.setFlags(variant.cznv | (state.interruptFlag ? Flag.IF : 0) | (state.supervisor ? Flag.S : 0));
	machine.idt = state.idt;
	machine.ubase = state.ubase;
	machine.ulimit = state.ulimit;
	machine.epc = state.control.epc;
	machine.eflags = state.control.eflags;
	machine.cause = state.control.cause;
	machine.badaddr = state.control.badaddr;
	machine.instret = state.instret;
	machine.pc = CODE_AT;
	return machine;
}

/** The physical address where the state's program sees virtual address 0. */
export function baseOf(state: ProbeState): number {
	return state.supervisor ? 0 : state.ubase;
}

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);

/** A state in words, always naming mode and IF, plus the value of `extra` dimensions. */
export function describeState(state: ProbeState, extra: readonly Dimension[] = []): string {
	const parts = [state.supervisor ? 'supervisor' : 'user', `IF=${state.interruptFlag}`];
	for (const d of extra) {
		if (d === 'idt') parts.push(`idt=${hex(state.idt)}`);
		else if (d === 'relocation') parts.push(`ubase=${hex(state.ubase)} ulimit=${hex(state.ulimit)}`);
		else if (d === 'control') parts.push(`epc=${hex(state.control.epc)} eflags=${hex(state.control.eflags)}`);
		else if (d === 'time') parts.push(`instret=${hex(state.instret)}`);
	}
	return parts.join(', ');
}
