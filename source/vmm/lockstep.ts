/**
 * The first divergence, found by running two deterministic machines in
 * lockstep, guest instruction by guest instruction (as rr's divergence
 * report): the native reference and the guest under the VMM. Before each
 * guest instruction both sides are snapshotted (registers, pc, mode, FLAGS as
 * the guest sees them, the word the previous instruction stored, console
 * bytes); the first instruction after which a location that was equal
 * differs is the first divergence — with its location (kernel label, or
 * program and pid), the register, flag or memory word, and both values.
 * Later instructions that make *another* location differ are listed after it
 * (how the divergence spreads), until control flow parts or one side stops.
 *
 * A side is a `Stepper`, so other pairs of machines (a nested VMM, issue 17)
 * can be compared the same way: `lockstep(native, virtual)`.
 */
import {EventBus} from '../bus/event-bus.js';
import type {Machine} from '../cpu/machine.js';
import {disassembleInstruction} from '../isa/disassembler.js';
import {decodeInto, emptyInstruction} from '../isa/encoding.js';
import {Cr, Flag, Op, mnemonicOf} from '../isa/opcodes.js';
import {Symbolizer, hex} from '../isa/program.js';
import type {CodeArea} from '../sim/code-map.js';
import {type GuestSpec, buildVmmSimulation, nativeMachine} from './build.js';
import {sensitive} from './translator.js';
import type {VmmSimulation} from './vmm-simulation.js';

/** The guest's state right before one of its instructions. */
export interface Snapshot {
	/** Guest instructions before this one. */
	index: number;
	pc: number;
	/** Guest-physical address of the instruction. */
	phys: number;
	supervisor: boolean;
	regs: Int32Array;
	/** FLAGS as the guest sees them (virtual IF and S under a VMM). */
	flags: number;
	/** Console bytes written so far, and the last one. */
	output: number;
	lastByte: number;
	/** The word the previous instruction stored (guest-physical, word-aligned), if it stored one. */
	wrote?: {addr: number; value: number};
}

/** One side of the comparison. */
export interface Stepper {
	/** Snapshots taken and not yet compared. */
	readonly queue: Snapshot[];
	/** Run until at least one more snapshot is queued; false when the side cannot go on. */
	advance(): boolean;
	/** Why the side stopped (undefined while it runs). */
	stopped(): string | undefined;
	/** Where an instruction is: `idle_loop+0x14 (kernel)` or `redpill.s: _start+0x4 (pid 1)`. */
	where(s: Snapshot): string;
	/** The instruction's text (`popf`, `sidt r6`). */
	text(s: Snapshot): string;
	/** Two values of register i (or pc) at supervisor mode `sup` that mean the same (another kernel build: same label). */
	sameValue?(a: number, b: number, sup: boolean): boolean;
	/** Memory below this guest-physical address is not compared (another kernel build). */
	compareFrom?: number;
}

export interface DivergencePoint {
	/** Guest instructions before the diverging one (its index, from 0). */
	instruction: number;
	by: 'kernel' | 'user';
	/** Its location and text. */
	where: string;
	text: string;
	mnemonic: string;
	/** What differs afterwards: `r6`, `IF`, `S`, `memory 0x000011a8`, `pc`, `console`, `stop`. */
	what: string;
	native: string;
	virtual: string;
}

export interface LockstepReport {
	/** The first instruction whose effect differs (undefined: none within the limit). */
	first?: DivergencePoint;
	/** Later instructions that made other locations differ (at most `maxSpread`). */
	spread: DivergencePoint[];
	/** Guest instructions compared. */
	compared: number;
	/** How the comparison ended: `control flow parted …`, `both stopped`, `limit`. */
	ended: string;
}

const WRITES = new Set<number>([Op.st, Op.stb, Op.push, Op.call, Op.pushf]);
const sensitiveMnemonics = new Set<string>(sensitive.map((op) => mnemonicOf[op]!));
const flagBits: Array<[string, number]> = [
	['IF', Flag.IF],
	['S', Flag.S],
	['C', Flag.C],
	['Z', Flag.Z],
	['N', Flag.N],
	['V', Flag.V],
];

/** Compare two steppers instruction by instruction. */
export function lockstep(native: Stepper, virtual: Stepper, options: {limit?: number; maxSpread?: number} = {}): LockstepReport {
	const limit = options.limit ?? 20_000_000;
	const maxSpread = options.maxSpread ?? 4;
	const differs = new Set<string>();
	const spread: DivergencePoint[] = [];
	let first: DivergencePoint | undefined;
	let prevN: Snapshot | undefined;
	let prevV: Snapshot | undefined;
	let compared = 0;
	const same = (a: number, b: number, sup: boolean) => a === b || (virtual.sameValue?.(a, b, sup) ?? false);
	const point = (what: string, n: string, v: string, at: Snapshot | undefined, side: Stepper): DivergencePoint => ({
		instruction: at ? at.index : 0,
		by: at?.supervisor === false ? 'user' : 'kernel',
		where: at ? side.where(at) : 'boot',
		text: at ? side.text(at) : '',
		mnemonic: at ? side.text(at).split(' ')[0]! : '',
		what,
		native: n,
		virtual: v,
	});
	// After the first, only independent divergences are listed: a sensitive instruction (the VMM may give
	// it another effect), control flow parting, a stop. An ordinary instruction that newly differs only
	// read something that differed already (the divergence spreading).
	const found = (p: DivergencePoint): boolean => {
		if (!first) first = p;
		else if (
			(sensitiveMnemonics.has(p.mnemonic) || p.what === 'pc' || p.what === 'stop') &&
			!spread.some((s) => s.where === p.where) &&
			first.where !== p.where
		) {
			spread.push(p);
		}
		return spread.length >= maxSpread;
	};
	const track = (key: string, equal: boolean, make: () => DivergencePoint): boolean => {
		if (equal) {
			differs.delete(key);
			return false;
		}
		if (differs.has(key)) return false;
		differs.add(key);
		return found(make());
	};
	for (;;) {
		if (native.queue.length === 0 && !native.advance()) break;
		if (virtual.queue.length === 0 && !virtual.advance()) break;
		if (native.queue.length === 0 || virtual.queue.length === 0) break;
		const n = native.queue.shift()!;
		const v = virtual.queue.shift()!;
		compared++;
		if (n.pc !== v.pc && !same(n.pc, v.pc, n.supervisor) || n.supervisor !== v.supervisor) {
			const p = point('pc', native.where(n), virtual.where(v), prevV, virtual);
			found(p);
			return {first, spread, compared, ended: `control flow parted after instruction ${n.index}: native goes on at ${p.native}, virtual at ${p.virtual}`};
		}
		let full = false;
		for (let i = 0; i < 16 && !full; i++) {
			full = track(`r${i}`, same(n.regs[i]!, v.regs[i]!, n.supervisor), () =>
				point(i === 15 ? 'sp' : `r${i}`, hex(n.regs[i]!), hex(v.regs[i]!), prevV, virtual),
			);
		}
		for (const [name, bit] of flagBits) {
			if (full) break;
			full = track(name, (n.flags & bit) === (v.flags & bit), () =>
				point(name, (n.flags & bit) !== 0 ? '1' : '0', (v.flags & bit) !== 0 ? '1' : '0', prevV, virtual),
			);
		}
		const w = n.wrote ?? v.wrote;
		if (!full && w && w.addr >= (virtual.compareFrom ?? 0)) {
			const nv = n.wrote?.addr === w.addr ? n.wrote.value : undefined;
			const vv = v.wrote?.addr === w.addr ? v.wrote.value : undefined;
			full = track(`m${w.addr}`, nv === vv, () =>
				point(`memory ${hex(w.addr)}`, nv === undefined ? 'not written' : hex(nv), vv === undefined ? 'not written' : hex(vv), prevV, virtual),
			);
		}
		if (!full) {
			const out = n.output === v.output && n.lastByte === v.lastByte;
			full = track('console', out, () => point('console', byteText(n), byteText(v), prevV, virtual));
		}
		if (full) return {first, spread, compared, ended: 'enough divergences listed'};
		prevN = n;
		prevV = v;
		if (compared >= limit) return {first, spread, compared, ended: `limit of ${limit} instructions`};
	}
	const ns = native.stopped();
	const vs = virtual.stopped();
	if (native.queue.length === 0 && virtual.queue.length === 0 && ns !== undefined && vs !== undefined && ns === vs) {
		return {first, spread, compared, ended: `both stopped: ${ns}`};
	}
	const last = prevV ?? prevN;
	const how = (side: Stepper, stop: string | undefined) =>
		stop !== undefined ? `stopped (${stop})` : `goes on at ${side.queue[0] ? side.where(side.queue[0]) : 'an unknown place'}`;
	found(point('stop', how(native, ns), how(virtual, vs), last, virtual));
	return {first, spread, compared, ended: `one side stopped: native ${ns ?? 'runs on'}, virtual ${vs ?? 'runs on'}`};
}

function byteText(s: Snapshot): string {
	return `${s.output} bytes${s.output > 0 ? `, last ${JSON.stringify(String.fromCharCode(s.lastByte))}` : ''}`;
}

/** Names code by guest-physical address: the kernel image or a process's program. */
export class Places {
	private readonly areas: Array<CodeArea & {names: Symbolizer}>;
	constructor(map: readonly CodeArea[], tables: Record<string, Record<string, number>>) {
		this.areas = map.map((a) => ({...a, names: new Symbolizer(new Map(Object.entries(tables[a.symbols] ?? {})))}));
	}
	name(phys: number, supervisor: boolean): string {
		const a = this.areas.find((x) => phys >= x.start && phys < x.start + x.size);
		if (!a) return `${hex(phys)} (${supervisor ? 'kernel' : 'user'})`;
		const label = a.names.name(phys - a.start);
		return a.pid === 0 ? `${label} (kernel)` : `${a.symbols.split('/').pop()}: ${label} (pid ${a.pid})`;
	}
}

/** Shared by both adapters: snapshot on every `instruction` event, note the word the instruction will store. */
export abstract class EventStepper implements Stepper {
	readonly queue: Snapshot[] = [];
	private pending = -1;
	protected count = 0;
	private readonly ins = emptyInstruction();

	constructor(
		protected readonly machine: Machine,
		private readonly places: Places,
	) {}

	abstract advance(): boolean;
	abstract stopped(): string | undefined;
	/** Guest-physical base of the running code's segment, and of physical memory in the real machine. */
	protected abstract guestBase(): number;
	protected abstract realBase(): number;
	protected abstract view(): {supervisor: boolean; flags: number; output: number; lastByte: number; index: number};

	protected snap(pc: number): void {
		const m = this.machine;
		const s = this.view();
		const phys = (s.supervisor ? 0 : this.guestBase()) + (pc >>> 0);
		const snap: Snapshot = {index: s.index, pc: pc >>> 0, phys, supervisor: s.supervisor, regs: m.regs.slice(0, 16), flags: s.flags, output: s.output, lastByte: s.lastByte};
		if (this.pending >= 0) {
			snap.wrote = {addr: this.pending, value: m.mem32[(this.realBase() + this.pending) >>> 2] ?? 0};
			this.pending = -1;
		}
		this.queue.push(snap);
		this.pending = this.storeAddress(snap);
	}

	/** The guest-physical word the instruction at `s` will store into, or -1. */
	private storeAddress(s: Snapshot): number {
		const m = this.machine;
		const real = this.realBase() + s.phys;
		if (real + 4 > m.memorySize || (real & 3) !== 0) return -1;
		const header = m.mem32[real >>> 2]!;
		const op = header & 0xff;
		if (!WRITES.has(op)) return -1;
		let a: number;
		if (op === Op.st || op === Op.stb) {
			const base = (header & (1 << 21)) !== 0 ? s.regs[(header >>> 12) & 15]! : 0;
			a = (base + (m.mem32[(real >>> 2) + 1] ?? 0)) >>> 0;
		} else a = (s.regs[15]! - 4) >>> 0;
		return ((s.supervisor ? 0 : this.guestBase()) + a) & ~3;
	}

	where(s: Snapshot): string {
		return this.places.name(s.phys, s.supervisor);
	}

	text(s: Snapshot): string {
		const m = this.machine;
		const w = (this.realBase() + s.phys) >>> 2;
		const words = m.memorySize >>> 2;
		const ins = decodeInto(m.mem32[w] ?? 0, (k) => (w + k < words ? m.mem32[w + k]! : undefined), this.ins);
		return ins ? disassembleInstruction(ins) : '(undefined instruction)';
	}
}

/** A native machine started from a guest's boot state (the reference). */
export class NativeStepper extends EventStepper {
	private output = 0;
	private lastByte = 0;

	constructor(machine: Machine, bus: EventBus, map: readonly CodeArea[], tables: Record<string, Record<string, number>>) {
		super(machine, new Places(map, tables));
		bus.on('instruction', (e) => this.snap(e.pc));
	}

	static of(spec: GuestSpec, sim: VmmSimulation): NativeStepper {
		const bus = new EventBus();
		const m = nativeMachine(spec.reference ?? spec.boot, {profile: spec.profile ?? sim.machine.profile, costs: sim.machine.costs, input: spec.input, bus});
		const stepper = new NativeStepper(m, bus, spec.codeMap?.() ?? [], spec.symbolTables?.() ?? {});
		// Another kernel build (pv): the reference's kernel code is named by its own labels.
		if (spec.referenceSymbolize) stepper.kernelNames = (pc) => `${spec.referenceSymbolize!(true, pc)} (kernel)`;
		return stepper;
	}

	private kernelNames?: (pc: number) => string;

	override where(s: Snapshot): string {
		return s.supervisor && this.kernelNames ? this.kernelNames(s.pc) : super.where(s);
	}

	advance(): boolean {
		const m = this.machine;
		while (this.queue.length === 0 && !m.stopped) {
			m.run(1);
			const out = m.takeOutput();
			if (out.length > 0) {
				this.output += out.length;
				this.lastByte = out.charCodeAt(out.length - 1);
			}
		}
		return this.queue.length > 0;
	}

	stopped(): string | undefined {
		return this.machine.stopped?.message;
	}

	protected guestBase(): number {
		return this.machine.ubase >>> 0;
	}
	protected realBase(): number {
		return 0;
	}
	protected view() {
		const m = this.machine;
		return {supervisor: m.supervisor, flags: m.flags, output: this.output, lastByte: this.lastByte, index: this.count++};
	}
}

/** One guest of a (fresh) simulation under the VMM. */
export class GuestStepper extends EventStepper {
	readonly compareFrom: number;

	constructor(
		private readonly sim: VmmSimulation,
		bus: EventBus,
		private readonly guest: number,
	) {
		super(sim.machine, new Places(sim.specs[guest]!.codeMap?.() ?? [], sim.specs[guest]!.symbolTables?.() ?? {}));
		const spec = sim.specs[guest]!;
		this.compareFrom = spec.compareMemoryFrom ?? 0;
		const another = spec.reference !== undefined && spec.reference !== spec.boot;
		if (another) {
			const label = (f: GuestSpec['symbolize'], sup: boolean, x: number) => (f?.(sup, x) ?? hex(x)).replace(/\+0x[0-9a-f]+$/, '');
			// Only the kernel is another build: in user mode the same program runs, compared bit for bit.
			this.sameValue = (a, b, sup) => sup && label(spec.referenceSymbolize, sup, a) === label(spec.symbolize, sup, b);
		}
		bus.on('instruction', (e) => {
			if (e.guest === guest) this.snap(e.pc);
		});
	}

	sameValue?: (a: number, b: number, sup: boolean) => boolean;

	/** A fresh copy of `sim`'s configuration, its guest `guest` stepped. */
	static of(sim: VmmSimulation, guest: number): GuestStepper {
		const bus = new EventBus();
		const o = sim.monitor.options;
		const fresh = buildVmmSimulation({
			technique: o.technique,
			type: o.type,
			slice: o.slice,
			profile: sim.machine.profile,
			costs: sim.machine.costs,
			memorySize: sim.guestList[0]!.partition.size,
			guests: sim.specs,
			bus,
		});
		return new GuestStepper(fresh, bus, guest);
	}

	private get g() {
		return this.sim.guestList[this.guest]!;
	}

	advance(): boolean {
		while (this.queue.length === 0 && !this.sim.stopped && this.g.vcpu.state !== 'stopped') {
			if (this.sim.run(1) === 0 && this.sim.monitor.scheduler.waiting) break;
		}
		return this.queue.length > 0;
	}

	stopped(): string | undefined {
		return this.g.vcpu.stopped?.message;
	}

	protected guestBase(): number {
		return this.g.vcpu.readControl(Cr.ubase) >>> 0;
	}
	protected realBase(): number {
		return this.g.partition.base;
	}
	protected view() {
		const m = this.machine;
		const v = this.g.vcpu;
		return {supervisor: v.supervisor, flags: v.flags(m.flags), output: v.output.length, lastByte: v.output.at(-1) ?? 0, index: this.count++};
	}
}

/** Native reference of guest `guest` of `sim` against a fresh run of it under the same VMM. */
export function guestLockstep(sim: VmmSimulation, guest: number, options: {limit?: number} = {}): LockstepReport {
	return lockstep(NativeStepper.of(sim.specs[guest]!, sim), GuestStepper.of(sim, guest), options);
}
