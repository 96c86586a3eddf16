/**
 * One probe: a fresh machine in a given state executes exactly one
 * instruction; what it changed, or the trap it raised, is the outcome.
 *
 * A trap is observed through `trapHook` (as a VMM would see it), which also
 * stops the machine: a faulting instruction does not retire, so `run(1)` would
 * otherwise execute it again.
 *
 * Observed state, by kind:
 * - program: r0–r14, the current `sp`, the virtual `pc`, C Z N V, and the
 *   words of the program's virtual window — relative to the relocation, so the
 *   same program at two places reads the same;
 * - system: S, IF, the control registers, the other mode's banked `sp`, and
 *   physical memory outside the program's window (someone else's memory);
 * - device: halted, stopped (power off), timer period, console output, console
 *   input consumed, pending interrupt lines;
 * - clock: instructions executed (compared as a difference, never as a value).
 */
import type {Machine} from '../cpu/machine.js';
import {Flag, Vector, vectorName} from '../isa/opcodes.js';
import type {Profile} from '../isa/profiles.js';
import type {InstructionForm} from './operands.js';
import {type ProbeState, WINDOW, baseOf, buildMachine} from './states.js';

export type FieldKind = 'program' | 'system' | 'device' | 'clock';

export type Value = number | string;

/** One field whose value the instruction changed. */
export interface Change {
	field: string;
	kind: FieldKind;
	before: Value;
	after: Value;
}

export interface Trap {
	vector: number;
	/** `#GP`, `#DE` for exceptions (vectors below 32), `vector 128` for the others. */
	name: string;
	badaddr: number;
	/** A #GP for an address, not for the instruction itself (docs/v32.md §4.1: badaddr names the address). */
	memory: boolean;
}

export interface Outcome {
	trap: Trap | null;
	/** Every field the instruction changed (also when it trapped: the trap itself changes badaddr). */
	changes: Change[];
	/** Scalar fields before execution, for comparing the two states of a pair. */
	before: Map<string, Value>;
}

const scalarFields: ReadonlyArray<readonly [string, FieldKind, (m: Machine) => Value]> = [
	...Array.from({length: 15}, (_, i) => [`r${i}`, 'program', (m: Machine) => m.regs[i]!] as const),
	['sp', 'program', (m) => m.regs[15]!],
	['pc', 'program', (m) => m.pc >>> 0],
	['C Z N V', 'program', (m) => m.flags & (Flag.C | Flag.Z | Flag.N | Flag.V)],
	['S', 'system', (m) => (m.supervisor ? 1 : 0)],
	['IF', 'system', (m) => (m.intEnabled ? 1 : 0)],
	['idt', 'system', (m) => m.idt],
	['ubase', 'system', (m) => m.ubase],
	['ulimit', 'system', (m) => m.ulimit],
	['epc', 'system', (m) => m.epc],
	['eflags', 'system', (m) => m.eflags],
	['cause', 'system', (m) => m.cause],
	['badaddr', 'system', (m) => m.badaddr],
	["other mode's sp", 'system', (m) => m.otherSp],
	['halted', 'device', (m) => (m.halted ? 1 : 0)],
	['power', 'device', (m) => (m.stopped?.reason === 'poweroff' ? `off (code ${m.stopped.code})` : 'on')],
	['timer period', 'device', (m) => m.timerPeriod],
	['console input pending', 'device', (m) => m.pendingInput],
	['irq pending', 'device', (m) => m.irqPending],
	['instret', 'clock', (m) => m.instret],
];

function scalars(machine: Machine): Map<string, Value> {
	return new Map(scalarFields.map(([name, , read]) => [name, read(machine)]));
}

const kindOf = new Map<string, FieldKind>(scalarFields.map(([name, kind]) => [name, kind]));

const hex8 = (v: number): string => '0x' + (v >>> 0).toString(16).padStart(4, '0');

/** Exceptions by name; vectors from 32 up by number (a trap hook cannot tell `int 0x20` from the timer). */
function trapName(vector: number): string {
	return vector < 32 ? vectorName(vector) : `vector ${vector}`;
}

/** Execute `form` once from `state`. */
export function probe(form: InstructionForm, state: ProbeState, profile: Profile): Outcome {
	const machine = buildMachine(state, form.words, profile);
	const initial = machine.mem.slice();
	const before = scalars(machine);
	const seen: {trap: Trap | null; state: Map<string, Value> | null} = {trap: null, state: null};
	machine.trapHook = (vector, _epc, badaddr, instructionPc) => {
		seen.trap = {vector, name: trapName(vector), badaddr, memory: vector === Vector.GP && badaddr !== instructionPc};
		seen.state = scalars(machine);
		machine.stop('instruction-limit', 0, 'probe trapped');
	};
	machine.run(1);
	const after = seen.state ?? scalars(machine);
	const changes: Change[] = [];
	for (const [field, value] of after) {
		const old = before.get(field)!;
		if (old !== value) changes.push({field, kind: kindOf.get(field)!, before: old, after: value});
	}
	const output = machine.takeOutput();
	if (output !== '') changes.push({field: 'console output', kind: 'device', before: '', after: JSON.stringify(output)});
	changes.push(...memoryChanges(initial, machine.mem, baseOf(state), before.get('sp') as number));
	return {trap: seen.trap, changes, before};
}

const CHUNK = 256;

/** `[0x0840]`, or `[sp-4 = 0x0efc]` next to the stack pointer (a push reads as one). */
function windowField(virtual: number, sp: number): string {
	const offset = virtual - (sp >>> 0);
	if (Math.abs(offset) > 16) return `[${hex8(virtual)}]`;
	const rel = offset === 0 ? 'sp' : offset < 0 ? `sp-${-offset}` : `sp+${offset}`;
	return `[${rel} = ${hex8(virtual)}]`;
}

/** Words that differ, named by virtual address inside the program's window and physically outside it. */
function memoryChanges(initialBytes: Uint8Array, nowBytes: Uint8Array, base: number, sp: number): Change[] {
	const changes: Change[] = [];
	// Most instructions write nothing: compare whole chunks (memcmp) before looking at words.
	const a = Buffer.from(initialBytes.buffer, initialBytes.byteOffset, initialBytes.length);
	const b = Buffer.from(nowBytes.buffer, nowBytes.byteOffset, nowBytes.length);
	if (a.equals(b)) return changes;
	const initial = new Int32Array(initialBytes.buffer, initialBytes.byteOffset, initialBytes.length >>> 2);
	const now = new Int32Array(nowBytes.buffer, nowBytes.byteOffset, nowBytes.length >>> 2);
	for (let w = 0; w < now.length; w++) {
		if ((w * 4) % CHUNK === 0 && a.compare(b, w * 4, w * 4 + CHUNK, w * 4, w * 4 + CHUNK) === 0) {
			w += CHUNK / 4 - 1;
			continue;
		}
		if (initial[w] === now[w]) continue;
		const phys = w * 4;
		const inWindow = phys >= base && phys < base + WINDOW;
		changes.push({
			field: inWindow ? windowField(phys - base, sp) : `phys[${hex8(phys)}]`,
			kind: inWindow ? 'program' : 'system',
			before: initial[w]! >>> 0,
			after: now[w]! >>> 0,
		});
	}
	return changes;
}
