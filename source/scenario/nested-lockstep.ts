/**
 * The first divergence of a VMM nested in a copy of itself (issue 17 §2,
 * depth 2′): the inner stack — mini-vmm and everything it hosts — natively on
 * the bare machine (one layer less), against the same stack as the guest of
 * the outermost mini-vmm, instruction by instruction (source/vmm/lockstep.ts).
 *
 * The virtual side's snapshots come from the real CPU's `instruction` events
 * of the guest's code: real user mode, inside the outer layer's partition.
 * A privileged instruction of the inner stack is fetched there too (and
 * faults, and the outer mini-vmm emulates it), so each guest instruction is
 * one snapshot, as natively. Registers are the real ones (the guest's while
 * its code runs); S and IF are the outer mini-vmm's virtual ones (`v_s`,
 * `v_if` in its memory); addresses are the guest's (real − the partition).
 */
import {EventBus} from '../bus/event-bus.js';
import {disassembleInstruction} from '../isa/disassembler.js';
import {decodeInto, emptyInstruction} from '../isa/encoding.js';
import {Flag, Op} from '../isa/opcodes.js';
import {Symbolizer, hex} from '../isa/program.js';
import type {NestedSimulation} from '../sim/nested.js';
import {type LockstepReport, NativeStepper, type Snapshot, type Stepper, lockstep} from '../vmm/lockstep.js';
import {buildNestedNative} from './nested-scenario.js';
import type {Scenario} from './scenario.js';

const WRITES = new Set<number>([Op.st, Op.stb, Op.push, Op.call, Op.pushf]);

/** The guest of a nested run's outermost mini-vmm, stepped by its instructions. */
class InnerStepper implements Stepper {
	readonly queue: Snapshot[] = [];
	private count = 0;
	private output = 0;
	private lastByte = 0;
	private pending = -1;
	private readonly ins = emptyInstruction();
	private readonly base: number;
	private readonly size: number;
	private readonly names: Array<{start: number; size: number; names: Symbolizer; file: string}>;

	constructor(
		private readonly sim: NestedSimulation,
		bus: EventBus,
	) {
		const outer = sim.nested.layers[0]!;
		this.base = outer.partitionBase;
		this.size = outer.partitionSize;
		this.names = sim.nested.layers.slice(1).map((l) => ({start: l.start - this.base, size: l.program.bytes.length, names: new Symbolizer(l.program.labels), file: l.program.file}));
		bus.on('instruction', (e) => {
			const phys = e.phys >>> 0;
			if (e.supervisor || phys < this.base || phys >= this.base + this.size) return;
			this.snap(e.pc >>> 0, phys - this.base);
		});
	}

	private word(label: string): number {
		const outer = this.sim.nested.layers[0]!;
		return this.sim.machine.mem32[(outer.start + outer.program.labels.get(label)!) >>> 2]! >>> 0;
	}

	private snap(pc: number, phys: number): void {
		const m = this.sim.machine;
		const supervisor = this.word('v_s') === 1;
		const flags = (m.flags & ~(Flag.S | Flag.IF)) | (supervisor ? Flag.S : 0) | (this.word('v_if') === 1 ? Flag.IF : 0);
		const snap: Snapshot = {index: this.count++, pc, phys, supervisor, regs: m.regs.slice(0, 16), flags, output: this.output, lastByte: this.lastByte};
		if (this.pending >= 0) {
			snap.wrote = {addr: this.pending, value: m.mem32[(this.base + this.pending) >>> 2] ?? 0};
			this.pending = -1;
		}
		this.queue.push(snap);
		this.pending = this.storeAddress(snap);
	}

	/** The guest-physical word the instruction will store into, or -1 (as source/vmm/lockstep.ts). */
	private storeAddress(s: Snapshot): number {
		const m = this.sim.machine;
		const real = this.base + s.phys;
		const header = m.mem32[real >>> 2]!;
		if (!WRITES.has(header & 0xff)) return -1;
		const op = header & 0xff;
		const segment = s.supervisor ? 0 : (m.ubase >>> 0) - this.base;
		let a: number;
		if (op === Op.st || op === Op.stb) {
			const base = (header & (1 << 21)) !== 0 ? s.regs[(header >>> 12) & 15]! : 0;
			a = (base + (m.mem32[(real >>> 2) + 1] ?? 0)) >>> 0;
		} else a = (s.regs[15]! - 4) >>> 0;
		return (segment + a) & ~3;
	}

	advance(limit = Number.POSITIVE_INFINITY): boolean {
		const m = this.sim.machine;
		for (let steps = 0; this.queue.length === 0 && !m.stopped && steps < limit; steps++) {
			m.run(1);
			const out = m.takeOutput();
			if (out.length > 0) {
				this.output += out.length;
				this.lastByte = out.charCodeAt(out.length - 1);
			}
		}
		return this.queue.length > 0;
	}

	/**
	 * Why it stopped. The guest's last instruction (say `out 0xF0`) may stop the machine only once the
	 * outer mini-vmm has emulated it: let the outer level finish its work first (bounded).
	 */
	stopped(): string | undefined {
		if (this.queue.length === 0) this.advance(100_000);
		return this.sim.machine.stopped?.message;
	}

	where(s: Snapshot): string {
		const a = this.names.find((x) => s.phys >= x.start && s.phys < x.start + x.size);
		return a ? `${a.names.name(s.phys - a.start)} (${a.file.split('/').pop()})` : `${hex(s.phys)} (${s.supervisor ? 'kernel' : 'user'})`;
	}

	text(s: Snapshot): string {
		const m = this.sim.machine;
		const w = (this.base + s.phys) >>> 2;
		const ins = decodeInto(m.mem32[w] ?? 0, (k) => m.mem32[w + k], this.ins);
		return ins ? disassembleInstruction(ins) : '(undefined instruction)';
	}
}

/**
 * Depth 2′ against depth 1: `scenario` (key `nested`, two or more layers) with
 * its outermost layer, against the same stack without it on the bare machine.
 */
export function selfLockstep(scenario: Scenario, options: {limit?: number} = {}): LockstepReport {
	const layers = scenario.nested ?? [];
	if (layers.length < 2) throw new Error('selfLockstep: the scenario needs at least two VMM layers ("nested")');
	const vbus = new EventBus();
	const vsim = buildNestedNative({...scenario, vmm: 'none', type: 1}, {bus: vbus});
	// Natively the inner stack gets the memory its host's partition gives it, so both sides see the same machine.
	const memory = vsim.nested.layers[0]!.partitionSize;
	const nbus = new EventBus();
	const nsim = buildNestedNative({...scenario, vmm: 'none', type: 1, nested: layers.slice(1), memory}, {bus: nbus});
	const left = new NativeStepper(nsim.machine, nbus, nsim.codeMap(), nsim.symbolTables());
	return lockstep(left, new InnerStepper(vsim, vbus), {limit: options.limit});
}
