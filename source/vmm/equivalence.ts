/**
 * Equivalence (Popek & Goldberg): a program under the VMM behaves as on the
 * real machine. Measured, not assumed: the guest's boot state runs natively
 * (the reference, `vmm: none`) and we compare what the guest can observe —
 * its console output, how it stopped, its final registers and memory — and
 * report the first divergence with its likely cause.
 */
import {runHeadless} from '../cpu/headless.js';
import type {StopInfo} from '../cpu/machine.js';
import type {CostModel} from '../cpu/costs.js';
import type {Profile} from '../isa/profiles.js';
import {hex} from '../isa/program.js';
import {type GuestSpec, nativeMachine} from './build.js';
import type {Guest} from './guest.js';
import type {DivergencePoint} from './lockstep.js';
import type {VmmSimulation} from './vmm-simulation.js';

/** What a native run of a guest leaves: the reference. */
export interface NativeOutcome {
	output: string;
	stop: StopInfo;
	regs: Int32Array;
	pc: number;
	/** FLAGS, IF and S included. */
	flags: number;
	memory: Uint8Array;
	cycles: number;
	instructions: number;
}

export interface Divergence {
	/** What differs first, in this order of checking. */
	kind: 'console' | 'exit' | 'registers' | 'memory' | 'unfinished';
	/** Where: byte offset and line, register name, address. */
	where: string;
	native: string;
	virtual: string;
}

export interface GuestEquivalence {
	guest: number;
	name: string;
	verdict: 'equivalent' | 'not equivalent';
	/** The first visible consequence: console, exit, final registers or memory. */
	divergence?: Divergence;
	/** The first instruction whose effect differed (lockstep with the native run), and later independent ones. */
	first?: DivergencePoint;
	spread?: DivergencePoint[];
	/** Why, when not equivalent: the first divergence, what it did wrong, and how it spread. */
	cause?: string;
}

/** Run a guest's reference natively to its end (or the instruction limit). */
export function runReference(
	spec: GuestSpec,
	options: {profile: Profile; costs?: Partial<CostModel>; maxInstructions?: number},
): NativeOutcome {
	const m = nativeMachine(spec.reference ?? spec.boot, {profile: spec.profile ?? options.profile, costs: options.costs, input: spec.input});
	let output = '';
	const {stop} = runHeadless(m, {maxInstructions: options.maxInstructions ?? 50_000_000, onOutput: (t) => (output += t)});
	return {
		output,
		stop,
		regs: m.regs.slice(0, 16),
		pc: m.pc,
		flags: m.flags,
		memory: m.mem,
		cycles: m.cycles,
		instructions: m.instret,
	};
}

/** Compare guest `g` of `sim` with its native reference. */
export function compareGuest(sim: VmmSimulation, g: Guest, native: NativeOutcome): GuestEquivalence {
	const spec = sim.specs[g.index]!;
	const v = g.vcpu;
	const result = (divergence?: Divergence): GuestEquivalence =>
		divergence
			? {guest: g.index, name: g.name, verdict: 'not equivalent', divergence}
			: {guest: g.index, name: g.name, verdict: 'equivalent'};
	const out = v.outputText();
	const console = firstDifference(native.output, out);
	if (console) return result(console);
	if (!v.stopped) {
		return result({kind: 'unfinished', where: 'end of run', native: native.stop.message, virtual: 'still running (instruction limit)'});
	}
	if (v.stopped.reason !== native.stop.reason || v.stopped.code !== native.stop.code) {
		return result({kind: 'exit', where: 'stop', native: native.stop.message, virtual: v.stopped.message});
	}
	const regs = sim.registers(g.index);
	const sameBuild = spec.reference === undefined || spec.reference === spec.boot;
	// Another build (pv): kernel addresses moved, so values are compared by the label they point into.
	const label = (f: GuestSpec['symbolize'], supervisor: boolean, value: number) =>
		(f?.(supervisor, value) ?? hex(value)).replace(/\+0x[0-9a-f]+$/, '');
	const same = (supervisor: boolean, a: number, b: number) =>
		a === b || (!sameBuild && label(spec.referenceSymbolize, supervisor, a) === label(spec.symbolize, supervisor, b));
	for (let i = 0; i < 16; i++) {
		const a = native.regs[i]!;
		const b = regs.regs[i]!;
		if (!same(true, a, b)) {
			return result({kind: 'registers', where: i === 15 ? 'sp' : `r${i}`, native: hex(a), virtual: hex(b)});
		}
	}
	if (native.flags !== regs.flags) return result({kind: 'registers', where: 'FLAGS', native: hex(native.flags, 4), virtual: hex(regs.flags, 4)});
	if (!same(v.supervisor, native.pc, regs.pc)) {
		return result({kind: 'registers', where: 'pc', native: hex(native.pc), virtual: hex(regs.pc)});
	}
	const from = spec.compareMemoryFrom ?? 0;
	const mine = g.partition.view(sim.machine);
	for (let a = from; a < mine.length; a++) {
		if (mine[a] !== native.memory[a]) {
			const at = a & ~3;
			const word = (m: Uint8Array) => hex(m[at]! | (m[at + 1]! << 8) | (m[at + 2]! << 16) | (m[at + 3]! << 24));
			const where = `${hex(a)} (${spec.symbolize?.(true, a) ?? hex(a)})`;
			return result({kind: 'memory', where, native: word(native.memory), virtual: word(mine)});
		}
	}
	return result();
}

/** The first differing character of two console outputs, with its line. */
function firstDifference(native: string, virtual: string): Divergence | undefined {
	if (native === virtual) return undefined;
	let i = 0;
	while (i < native.length && i < virtual.length && native[i] === virtual[i]) i++;
	const line = native.slice(0, i).split('\n').length;
	const around = (s: string) => {
		const start = s.lastIndexOf('\n', i - 1) + 1;
		const end = s.indexOf('\n', i);
		return JSON.stringify(s.slice(start, end < 0 ? undefined : end).slice(0, 100)) + (i >= s.length ? ' (ends here)' : '');
	};
	return {kind: 'console', where: `byte ${i}, line ${line}`, native: around(native), virtual: around(virtual)};
}
