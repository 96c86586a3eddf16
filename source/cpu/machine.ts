/**
 * The V32 machine: CPU state, memory with the base/limit MMU, devices, and the
 * fetch-execute loop (docs/v32.md §1–§6).
 *
 * Decode once: each 4-byte-aligned physical word has a slot in the decoded
 * cache (typed arrays, see decoded-cache.ts); a store invalidates the slots
 * that could hold an instruction covering it, so self-modifying code and the
 * binary translator's patches stay correct.
 *
 * Run in batches: `run(n)` executes up to n instructions and returns. The hot
 * loop (`slice`) keeps pc, flags and the instruction count in locals; every
 * instruction that touches machine-wide state (exceptions, `iret`, `out`,
 * control registers …) leaves the slice so the outer loop can take interrupts
 * and account time. Exceptions are values: an instruction that faults sets
 * `pc` and calls `raise`, it never throws.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {EventOf, StopReason} from '../bus/events.js';
import {Cr, Flag, IDT_KERNEL_ONLY, Op, Port, Vector} from '../isa/opcodes.js';
import {type Profile, classic, privilegeTable} from '../isa/profiles.js';
import {type CostModel, defaultCosts} from './costs.js';
import {DecodedCache, FETCH_FAULT, PATCHED, UNDECODED, UNDEFINED_OP} from './decoded-cache.js';
import {JourneyTracker} from './journey.js';
import {EXIT_COUNT, type Engine, defaultEngine} from './engine.js';
import {Translation} from './translate/translation.js';
import {Console} from './devices/console.js';
import {instretCounter} from './devices/instret.js';
import {type Device, PORTS, openBus, portTable} from './devices/port-table.js';
import {power} from './devices/power.js';
import {timer} from './devices/timer.js';

export interface MachineConfig {
	/** Bytes of physical memory, a multiple of 4 (default 1 MiB). */
	memorySize?: number;
	profile?: Profile;
	costs?: CostModel;
	/** Console input available from reset (headless runs). */
	input?: string;
	/** More console input may arrive later (live dashboard): `hlt` may then wait for it. */
	inputOpen?: boolean;
	bus?: EventBus | null;
	/** Interpret every instruction, or translate hot code to JavaScript (default: `defaultEngine()`). */
	engine?: Engine;
	/** With the jit: block entries before a region is translated (default 16; tests use less). */
	hot?: number;
}

export interface StopInfo {
	reason: StopReason;
	code: number;
	message: string;
}

/**
 * Host code that takes exceptions instead of the IDT: the VMM. Returns after
 * it has set the CPU state to continue with.
 */
export type TrapHook = (vector: number, epc: number, badaddr: number, instructionPc: number) => void;

/** Called when an instruction is decoded into an empty slot (the binary translator). */
export type DecodeHook = (phys: number) => void;

/**
 * Names code as it is at this moment, for the events that name code (`exception.raised`,
 * `interrupt.taken`, `iret`): the simulation installs it (the code map and the OS's state
 * live above the CPU). `phys` is NaN when `pc` does not translate. Called only for an event
 * someone listens to, so a row drawn later never asks who runs then.
 */
export interface CodeNamer {
	symbol(supervisor: boolean, pc: number, phys: number): string;
	/** The process the kernel says runs now; undefined without an OS. */
	pid(): number | undefined;
}

const DEFAULT_MEMORY = 1 << 20;
/** Slices in a row that retire nothing before the machine gives up (see run). */
const EXCEPTION_LOOP_LIMIT = 100_000;
const EXIT_GP = 1;
const EXIT_DE = 2;
const EXIT_SYSTEM = 3;
/** regs[16] is always 0: absolute memory operands and immediate sources use it as their base. */
export const ZERO_REG = 16;

/**
 * Opcodes as types: a case label is written `case 3 satisfies O['add']`, a
 * literal (V8 builds a jump table only for literal labels) that fails to
 * compile if it is not `Op.add`.
 */
type O = typeof Op;

/**
 * The physical address of a `bytes`-wide data access (1 or 4) at virtual
 * address `a`, or -1 when it raises #GP: in user mode the whole access must lie
 * below the limit and is relocated by the base (docs/machine.md); a word must be
 * aligned; and it must lie in physical memory. Every data access of the
 * fetch-execute loop goes through this one check (V8 inlines it); translated
 * code (translate/compile.ts) writes the same condition out per instruction.
 */
export function physical(a: number, bytes: number, user: boolean, base: number, limit: number, size: number): number {
	if (user && a + bytes - 1 >= limit) return -1;
	const p = user ? base + a : a;
	if ((bytes === 4 && (a & 3) !== 0) || p + bytes > size) return -1;
	return p;
}

export class Machine {
	readonly memorySize: number;
	readonly mem: Uint8Array;
	readonly mem32: Int32Array;
	readonly code: DecodedCache;
	/** r0–r14, sp (current mode's), and the zero register. */
	readonly regs = new Int32Array(17);
	/** The banked stack pointer of the mode not running. */
	otherSp = 0;
	pc = 0;
	c = false;
	z = false;
	n = false;
	v = false;
	intEnabled = false;
	supervisor = true;
	epc = 0;
	eflags = 0;
	cause = 0;
	badaddr = 0;
	idt = 0;
	ubase = 0;
	ulimit = 0;

	/** Instructions executed (retired) since reset. */
	instret = 0;
	/** Cycles other than 1-per-instruction: exceptions, `iret`, VMM work, idle time. */
	extraCycles = 0;
	/** Idle slots spent in `hlt` (counted by the timer and in cycles, not in instret). */
	idle = 0;
	timerPeriod = 0;
	timerCountdown = 0;
	/** Slices in a row that retired no instruction (an exception loop). */
	private fruitless = 0;
	/** instret when the timer was last charged (see accountTimer). */
	sliceStart = 0;
	/** Pending interrupt lines, bit i = IRQ i. */
	irqPending = 0;
	halted = false;
	stopped: StopInfo | null = null;
	/** Exceptions delivered (through the IDT or to the trap hook), by vector. */
	readonly exceptionCounts = new Float64Array(256);

	profile: Profile;
	/** Opcode → privileged in this profile (the translator reads it too). */
	priv: Uint8Array;
	readonly costs: CostModel;
	bus: EventBus | null;
	/** Guest index stamped on events (set by the VMM), -1 for the real machine. */
	guest = -1;
	trapHook: TrapHook | null = null;
	/**
	 * Set by the trap hook: `run` returns after this slice, so the host takes over — a hybrid VMM
	 * interprets its guest's virtual supervisor mode itself (source/vmm/interpret.ts) instead of
	 * letting the real CPU run it.
	 */
	returnToHost = false;
	decodeHook: DecodeHook | null = null;
	/** Names code when an event happens (set by the simulation), null: events carry no names. */
	codeNamer: CodeNamer | null = null;
	/** Exception journeys and their cost by level (journey.ts); a VMM tells it the guest's virtual mode. */
	readonly journeys: JourneyTracker = new JourneyTracker(this, () => !this.supervisor);
	/** The translating engine, or null when every instruction is interpreted. */
	readonly jit: Translation | null;

	inputOpen: boolean;
	private readonly console = new Console(this);
	/** Port → device, every port filled (devices/port-table.ts). */
	private readonly ports: Device[] = portTable({
		[Port.CONSOLE_OUT]: this.console.out,
		[Port.CONSOLE_IN]: this.console.in,
		[Port.TIMER]: timer(this),
		[Port.INSTRET]: instretCounter(this),
		[Port.POWER]: power(this),
	});

	constructor(config: MachineConfig = {}) {
		const size = config.memorySize ?? DEFAULT_MEMORY;
		if (!Number.isInteger(size) || size <= 0 || size % 4 !== 0 || size > 1 << 30) {
			throw new RangeError(`memory size must be a positive multiple of 4 up to 1 GiB, got ${size}`);
		}
		this.memorySize = size;
		this.mem = new Uint8Array(size);
		this.mem32 = new Int32Array(this.mem.buffer);
		this.code = new DecodedCache(size);
		this.profile = config.profile ?? classic;
		this.priv = privilegeTable(this.profile);
		this.costs = {...defaultCosts, ...config.costs};
		this.bus = config.bus ?? null;
		this.inputOpen = config.inputOpen ?? false;
		if (config.input) this.pushInput(config.input);
		this.jit = (config.engine ?? defaultEngine()) === 'jit' ? new Translation(this, config.hot) : null;
	}

	get engine(): Engine {
		return this.jit ? 'jit' : 'interp';
	}

	// ---- configuration and loading ----------------------------------------------

	setProfile(profile: Profile): void {
		this.profile = profile;
		this.priv = privilegeTable(profile);
		// Translated code has the old profile's privilege checks compiled in.
		this.jit?.flush();
	}

	/** Copy bytes into physical memory (loader), invalidating decoded code there. */
	load(bytes: Uint8Array, at = 0): void {
		if (at < 0 || at + bytes.length > this.memorySize) {
			throw new RangeError(`image of ${bytes.length} bytes at ${at} does not fit in ${this.memorySize} bytes of memory`);
		}
		this.mem.set(bytes, at);
		this.code.invalidateRange(at, bytes.length);
	}

	get cycles(): number {
		return this.instret * this.costs.instruction + this.extraCycles + this.idle;
	}

	/** FLAGS as a word (docs/v32.md §1.2). */
	get flags(): number {
		return (
			(this.c ? Flag.C : 0) |
			(this.z ? Flag.Z : 0) |
			(this.n ? Flag.N : 0) |
			(this.v ? Flag.V : 0) |
			(this.intEnabled ? Flag.IF : 0) |
			(this.supervisor ? Flag.S : 0)
		);
	}

	/** Load C Z N V from a FLAGS word (what user-mode `popf` can change). */
	setConditionFlags(value: number): void {
		this.c = (value & Flag.C) !== 0;
		this.z = (value & Flag.Z) !== 0;
		this.n = (value & Flag.N) !== 0;
		this.v = (value & Flag.V) !== 0;
	}

	/** Load all of FLAGS, switching the banked `sp` if S changes. */
	setFlags(value: number): void {
		this.setConditionFlags(value);
		this.intEnabled = (value & Flag.IF) !== 0;
		this.setMode((value & Flag.S) !== 0);
	}

	/** Switch mode, banking `sp`. */
	setMode(supervisor: boolean): void {
		if (supervisor === this.supervisor) return;
		const sp = this.regs[15]!;
		this.regs[15] = this.otherSp;
		this.otherSp = sp;
		this.supervisor = supervisor;
	}

	/** The user-mode stack pointer, whichever mode is running. */
	get usp(): number {
		return this.supervisor ? this.otherSp : this.regs[15]!;
	}

	set usp(value: number) {
		if (this.supervisor) this.otherSp = value | 0;
		else this.regs[15] = value;
	}

	/** The supervisor stack pointer, whichever mode is running. */
	get ssp(): number {
		return this.supervisor ? this.regs[15]! : this.otherSp;
	}

	readControl(cr: number): number {
		switch (cr) {
			case Cr.epc:
				return this.epc;
			case Cr.eflags:
				return this.eflags;
			case Cr.cause:
				return this.cause;
			case Cr.badaddr:
				return this.badaddr;
			case Cr.idt:
				return this.idt;
			case Cr.ubase:
				return this.ubase;
			case Cr.ulimit:
				return this.ulimit;
			default:
				return this.usp;
		}
	}

	writeControl(cr: number, value: number): void {
		value |= 0;
		switch (cr) {
			case Cr.epc:
				this.epc = value;
				break;
			case Cr.eflags:
				this.eflags = value;
				break;
			case Cr.cause:
				this.cause = value;
				break;
			case Cr.badaddr:
				this.badaddr = value;
				break;
			case Cr.idt:
				this.idt = value;
				break;
			case Cr.ubase:
				// The base register is word-granular (docs/v32.md §1.3): the low two bits read as 0.
				this.ubase = value & ~3;
				break;
			case Cr.ulimit:
				this.ulimit = value;
				break;
			default:
				this.usp = value;
		}
	}

	// ---- devices -------------------------------------------------------------------

	/** Append console input; raises IRQ 1. */
	pushInput(text: string | Uint8Array): void {
		const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
		if (bytes.length === 0) return;
		this.console.push(bytes);
		this.raiseIrq(1);
	}

	/** No more console input will come (so `hlt` with the timer stopped cannot wake). */
	closeInput(): void {
		this.inputOpen = false;
	}

	get pendingInput(): number {
		return this.console.pending;
	}

	/** Unread console input, removed (a transient VMM takes it into a virtual console: no IRQ either way). */
	drainInput(): number[] {
		return this.console.drain();
	}

	/** Put unread console input back without raising IRQ 1 (a transient VMM detaching: it was signalled already). */
	refillInput(bytes: readonly number[]): void {
		this.console.push(Uint8Array.from(bytes));
	}

	/** Console output written since the last call. */
	takeOutput(): string {
		return this.console.take();
	}

	raiseIrq(irq: number): void {
		this.irqPending |= 1 << irq;
		const bus = this.bus;
		if (bus?.wanted['interrupt.raised']) {
			const journey = this.journeys.current;
			const cycle = this.cycles;
			const instret = this.instret;
			const guest = this.guest;
			bus.emit(
				journey === 0
					? {kind: 'interrupt.raised', irq, vector: 32 + irq, cycle, instret, guest}
					: {kind: 'interrupt.raised', irq, vector: 32 + irq, cycle, instret, guest, journey},
			);
		}
	}

	/** `in rd, port`. Unknown ports read as 0xFFFFFFFF (an open bus). */
	portIn(port: number): number {
		const value = (port < PORTS ? this.ports[port]! : openBus).read();
		const bus = this.bus;
		if (bus?.wanted.io) bus.emit({kind: 'io', port, direction: 'in', value, ...this.stamp()});
		return value;
	}

	/** `out port, value`. Writes to unknown ports are ignored. */
	portOut(port: number, value: number): void {
		const bus = this.bus;
		if (bus?.wanted.io) bus.emit({kind: 'io', port, direction: 'out', value, ...this.stamp()});
		(port < PORTS ? this.ports[port]! : openBus).write(value);
	}

	/** `portOut(Port.CONSOLE_OUT, value)` without the device table (translated code's `out 0x10`). */
	consoleOut(value: number): void {
		const bus = this.bus;
		if (bus?.wanted.io) bus.emit({kind: 'io', port: Port.CONSOLE_OUT, direction: 'out', value, ...this.stamp()});
		this.console.write(value);
	}

	stop(reason: StopReason, code: number, message: string): void {
		if (this.stopped) return;
		this.stopped = {reason, code, message};
		this.halted = false;
		const bus = this.bus;
		if (bus?.wanted.stop) bus.emit({kind: 'stop', reason, code, message, ...this.stamp()});
		this.journeys.stopped();
	}

	/** When, for whom, and in which journey an event happens. */
	/** The code at `pc` and its process, named now (nothing when no simulation named code). */
	named(supervisor: boolean, pc: number, phys: number): {symbol?: string; pid?: number} {
		const namer = this.codeNamer;
		if (!namer) return {};
		const pid = namer.pid();
		const symbol = namer.symbol(supervisor, pc, phys);
		return pid === undefined ? {symbol} : {symbol, pid};
	}

	stamp(): {cycle: number; instret: number; guest: number; journey?: number} {
		const journey = this.journeys.current;
		return journey === 0
			? {cycle: this.cycles, instret: this.instret, guest: this.guest}
			: {cycle: this.cycles, instret: this.instret, guest: this.guest, journey};
	}

	// ---- exceptions ----------------------------------------------------------------

	/**
	 * Raise an exception: deliver it through the IDT (docs/v32.md §4.2), or hand it to the
	 * trap hook (the VMM). `epc` is already chosen by the caller by the table's rule.
	 * `irq` ≥ 0: an interrupt taken between instructions. Opens a journey (journey.ts).
	 */
	raise(vector: number, epc: number, instructionPc: number, irq = -1): void {
		this.accountTimer();
		this.exceptionCounts[vector]!++;
		const bus = this.bus;
		// A trap retires (epc is past it), a fault does not.
		const journey = bus?.wanted['journey.end'] ? this.journeys.open(vector, irq >= 0 ? 'interrupt' : epc !== instructionPc ? 'trap' : 'fault') : null;
		if (bus?.wanted['exception.raised']) {
			// Where the instruction is in memory, the only thing that says whose code it is (a VMM's guest
			// kernel runs in user mode); left out when pc does not translate (a fetch beyond the segment).
			const pc = instructionPc >>> 0;
			const phys = this.physOf(pc);
			const namer = this.codeNamer;
			const pid = namer === null ? undefined : namer.pid();
			const symbol = namer === null ? undefined : namer.symbol(this.supervisor, pc, phys);
			const current = this.journeys.current;
			// Every field in one literal, in the order the trace writes them: one shape for every
			// exception raised (a field that does not apply is undefined, which JSON leaves out, as a
			// trace does); adding fields one by one gave each combination its own shape and copies.
			const e: EventOf<'exception.raised'> = {
				kind: 'exception.raised',
				vector,
				pc: instructionPc,
				badaddr: this.badaddr,
				supervisor: this.supervisor,
				phys: Number.isNaN(phys) ? undefined : phys,
				type: journey === null ? undefined : journey.type,
				parent: journey === null || journey.parent === null ? undefined : journey.parent,
				irq: irq >= 0 ? irq : undefined,
				symbol,
				pid,
				cycle: this.cycles,
				instret: this.instret,
				guest: this.guest,
				journey: current !== 0 ? current : undefined,
			};
			bus.emit(e);
		}
		// The interrupt is taken after it is raised: the rows read in that order.
		if (irq >= 0) this.interruptTaken(irq, vector);
		if (this.trapHook) {
			this.halted = false;
			this.trapHook(vector, epc, this.badaddr, instructionPc);
			return;
		}
		this.deliver(vector, epc);
	}

	/** IDT delivery with double and triple fault. */
	deliver(vector: number, epc: number): void {
		let handler = this.idtEntry(vector);
		if (handler === 0) {
			if (vector === Vector.DF) {
				this.stop('triple-fault', 1, `triple fault: no usable #DF handler (while delivering vector ${vector})`);
				return;
			}
			const df = this.idtEntry(Vector.DF);
			if (df === 0) {
				this.stop(
					'triple-fault',
					1,
					`triple fault: vector ${vector} could not be delivered, and neither could #DF (idt = 0x${(this.idt >>> 0).toString(16)})`,
				);
				return;
			}
			this.exceptionCounts[Vector.DF]!++;
			vector = Vector.DF;
			handler = df;
		}
		this.eflags = this.flags;
		this.epc = epc | 0;
		this.cause = vector;
		this.setMode(true);
		this.intEnabled = false;
		this.halted = false;
		this.pc = handler >>> 0;
		this.extraCycles += this.costs.exception;
		this.journeys.phase('handler');
		const bus = this.bus;
		if (bus?.wanted['exception.delivered']) {
			const journey = this.journeys.current;
			const cycle = this.cycles;
			const instret = this.instret;
			const guest = this.guest;
			const fromSupervisor = (this.eflags & Flag.S) !== 0;
			bus.emit(
				journey === 0
					? {kind: 'exception.delivered', vector, epc: epc >>> 0, handler: handler >>> 0, fromSupervisor, cycle, instret, guest}
					: {kind: 'exception.delivered', vector, epc: epc >>> 0, handler: handler >>> 0, fromSupervisor, cycle, instret, guest, journey},
			);
		}
	}

	/** The handler of a vector's IDT entry (without the kernel-only bit), or 0 when there is none or it cannot be read. */
	private idtEntry(vector: number): number {
		return this.idtWord(vector) & ~IDT_KERNEL_ONLY;
	}

	private idtWord(vector: number): number {
		const at = (this.idt >>> 0) + 4 * vector;
		if (at % 4 !== 0 || at + 4 > this.memorySize) return 0;
		return this.mem32[at >>> 2]!;
	}

	/**
	 * Has the kernel marked this gate kernel-only (user `int n` → #GP)? Not
	 * under a trap hook: there the real `idt` is not the one the program set
	 * (a VMM checks its guest's virtual IDT itself, monitor.ts).
	 */
	private kernelOnlyGate(vector: number): boolean {
		return this.trapHook === null && (this.idtWord(vector) & IDT_KERNEL_ONLY) !== 0;
	}

	/** A #GP caused by a memory access or a privileged instruction. */
	private gp(badaddr: number, pc: number): void {
		this.badaddr = badaddr | 0;
		this.raise(Vector.GP, pc, pc);
	}

	// ---- running ------------------------------------------------------------------

	/**
	 * Run up to `budget` instructions (fewer if the machine stops or `hlt`
	 * must wait for input). Returns the number executed.
	 */
	run(budget: number): number {
		const start = this.instret;
		const end = start + budget;
		while (!this.stopped && this.instret < end) {
			if (this.irqPending !== 0 && this.intEnabled) {
				this.takeInterrupt();
				if (this.returnToHost) {
					this.returnToHost = false;
					break;
				}
			}
			if (this.halted) {
				if (!this.idleUntilInterrupt()) break;
				continue;
			}
			let slice = end - this.instret;
			if (this.timerPeriod > 0 && this.timerCountdown < slice) slice = this.timerCountdown;
			const retiredBefore = this.instret;
			this.sliceStart = this.instret;
			if (this.bus?.wanted.instruction) {
				// The traced path: one instruction at a time, so the hot loop carries no event code —
				// through the whole slice here, as `interpret(slice)` would run it: it stops where that
				// would (an exception, a system instruction), and the slice's bookkeeping is paid once.
				const bus = this.bus;
				let left = slice;
				do {
					this.emitFetch();
					left--;
				} while (this.interpret(1) === EXIT_COUNT && left > 0 && bus.wanted.instruction && !this.stopped);
			} else if (this.jit !== null) this.jit.execute(slice);
			else this.interpret(slice);
			this.accountTimer();
			if (this.instret !== retiredBefore) this.fruitless = 0;
			else if (++this.fruitless >= EXCEPTION_LOOP_LIMIT) {
				// Real hardware would loop forever (say, a handler address that faults
				// on fetch); a simulator must return, and say why.
				this.stop(
					'exception-loop',
					1,
					`stuck: ${EXCEPTION_LOOP_LIMIT} exceptions in a row without executing an instruction (last: vector ${this.cause} at pc 0x${this.haltPc()})`,
				);
			}
			if (this.returnToHost) {
				this.returnToHost = false;
				break;
			}
		}
		return this.instret - start;
	}

	/**
	 * Charge the instructions retired since `sliceStart` to the timer. Called at
	 * the end of a slice and before anything that may read or reprogram the
	 * timer mid-slice (an exception, `out 0x20`), so the timer counts the same
	 * whatever the batch size or tracing.
	 */
	accountTimer(): void {
		this.tick(this.instret - this.sliceStart);
		this.sliceStart = this.instret;
	}

	/** Advance the timer by `count` executed (or idle) instruction slots. */
	private tick(count: number): void {
		if (this.timerPeriod === 0 || count === 0) return;
		this.timerCountdown -= count;
		if (this.timerCountdown <= 0) {
			this.timerCountdown = this.timerPeriod;
			this.raiseIrq(0);
		}
	}

	private takeInterrupt(): void {
		const irq = this.irqPending & 1 ? 0 : 1;
		this.irqPending &= ~(1 << irq);
		this.raise(32 + irq, this.pc, this.pc, irq);
	}

	/**
	 * Where `pc` of the mode running lies in physical memory — what says whose code it is (a VMM's guest
	 * kernel runs in user mode) — or NaN when it does not translate (beyond the segment or memory).
	 */
	private physOf(pc: number): number {
		const at = pc >>> 0;
		const phys = this.supervisor ? at : (this.ubase >>> 0) + at;
		return (this.supervisor || at < this.ulimit >>> 0) && phys < this.memorySize ? phys : Number.NaN;
	}

	/** The events of an interrupt taken, after its `exception.raised`. */
	private interruptTaken(irq: number, vector: number): void {
		const bus = this.bus;
		if (bus?.wanted['interrupt.taken']) {
			const pc = this.pc >>> 0;
			const namer = this.codeNamer;
			const pid = namer === null ? undefined : namer.pid();
			const symbol = namer === null ? undefined : namer.symbol(this.supervisor, pc, this.physOf(pc));
			const current = this.journeys.current;
			// One literal, one shape (see raise).
			const e: EventOf<'interrupt.taken'> = {
				kind: 'interrupt.taken',
				irq,
				vector,
				pc: this.pc,
				symbol,
				pid,
				cycle: this.cycles,
				instret: this.instret,
				guest: this.guest,
				journey: current !== 0 ? current : undefined,
			};
			bus.emit(e);
		}
		if (this.halted && bus?.wanted.halt) bus.emit({kind: 'halt', state: 'woke', pc: this.pc, ...this.stamp()});
		this.halted = false;
	}

	/**
	 * `hlt`: let time pass until an interrupt can be taken. Returns false when
	 * the CPU must wait for input from outside (live console), after stopping the
	 * machine if nothing can ever wake it.
	 */
	private idleUntilInterrupt(): boolean {
		if (!this.intEnabled) {
			this.stop('halt-interrupts-disabled', 1, `halted with interrupts disabled at pc 0x${this.haltPc()}`);
			return false;
		}
		if (this.irqPending !== 0) return true;
		if (this.timerPeriod > 0) {
			// Idle slots count for the timer as executed instructions would.
			const wait = this.timerCountdown;
			this.idle += wait;
			this.tick(wait);
			return true;
		}
		if (this.inputOpen) return false;
		this.stop('halt-nothing-can-wake', 1, `halted: nothing can wake it (timer stopped, no console input to come) at pc 0x${this.haltPc()}`);
		return false;
	}

	private haltPc(): string {
		return (this.pc >>> 0).toString(16).padStart(8, '0');
	}

	/** Decode the instruction at a physical address into its cache slot. */
	private decode(phys: number): number {
		this.code.decode(this.mem32, phys);
		if (this.decodeHook) this.decodeHook(phys);
		return this.code.op[phys >>> 2]!;
	}

	/** The `instruction` event for the instruction at `pc`, if it can be fetched. */
	private emitFetch(): void {
		const pc = this.pc >>> 0;
		const phys = this.supervisor ? pc : (this.ubase >>> 0) + pc;
		if ((pc & 3) !== 0 || phys + 4 > this.memorySize || (!this.supervisor && pc >= this.ulimit >>> 0)) return;
		// Once per instruction while traced: the fields as arguments — the bus builds an object only
		// for a listener that wants one (the recorder takes the fields: event-bus.ts InstructionSink).
		this.bus!.emitInstruction(pc, phys, this.supervisor, this.mem32[phys >>> 2]!, this.cycles, this.instret, this.guest, this.journeys.current);
	}

	/**
	 * The fetch-execute loop. Runs up to `count` instructions; returns early
	 * after any instruction that changes machine-wide state or raises an
	 * exception, so `run` can take interrupts and account time. Returns how it
	 * ended: EXIT_COUNT when it ran `count` (the translating engine calls it for
	 * the code it does not translate, and must know whether the slice ended).
	 */
	interpret(count: number): number {
		const r = this.regs;
		const m32 = this.mem32;
		const m8 = this.mem;
		const code = this.code;
		const dOp = code.op;
		const dA = code.a;
		const dB = code.b;
		const dC = code.c;
		const dImm = code.imm;
		const dSize = code.size;
		const size = this.memorySize;
		const user = !this.supervisor;
		const base = user ? this.ubase >>> 0 : 0;
		// The fetch limit: the first virtual address an instruction may not reach.
		// In user mode it is ulimit, cut at the end of physical memory and rounded
		// down to a word (instructions are whole words, so the rounding is exact).
		// Kept below 2^31 so V8 compares small integers, not doubles.
		const ulimit = user ? Math.min(this.ulimit >>> 0, size) : size;
		const limit = user ? Math.max(0, Math.min(ulimit, size - base)) & ~3 : size;
		const start = this.instret;
		const priv = this.priv;
		let pc = this.pc >>> 0;
		let c = this.c;
		let z = this.z;
		let n = this.n;
		let v = this.v;
		let done = 0;
		// How the slice ends. Leaving through one exit keeps pc and the flags in
		// registers: a closure over them would force V8 to keep them in memory.
		let exit = EXIT_COUNT;
		let exitAddr = 0;
		let w = 0;
		let op = 0;
		let next = 0;

		loop: while (done < count) {
			// ---- fetch ----
			// In supervisor mode base = 0 and the limit is the end of memory.
			const phys = base + pc;
			if ((pc & 3) !== 0 || pc >= limit) {
				exit = EXIT_GP;
				exitAddr = pc;
				break loop;
			}
			w = phys >>> 2;
			op = dOp[w]!;
			if (op === UNDECODED) {
				// The decode hook's events (the binary translator's) are stamped with the true count.
				this.instret = start + done;
				op = this.decode(phys);
			}
			const len = dSize[w]!;
			if (pc + len > limit) {
				exit = EXIT_GP;
				exitAddr = user ? Math.max(pc, Math.min(this.ulimit >>> 0, size - base)) : size;
				break loop;
			}
			if (user && priv[op] !== 0) {
				exit = EXIT_GP;
				exitAddr = pc;
				break loop;
			}
			next = (pc + len) >>> 0;
			// ---- execute ----
			// Case labels are literals (checked against Op, see O) so V8 builds a jump table.
			// add/sub/cmp/mul/and/or/xor have a case each; the shifts, div/rem, the loads and
			// stores, push/call and pop/ret share one per group and branch on the opcode again.
			switch (op) {
				case 1 satisfies O['nop']:
					pc = next;
					break;
				case 2 satisfies O['mov']:
					r[dA[w]!] = r[dC[w]!]! + dImm[w]!;
					pc = next;
					break;
				case 3 satisfies O['add']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = (x + y) | 0;
					c = (x >>> 0) + (y >>> 0) > 0xffffffff;
					v = ((x ^ res) & (y ^ res)) < 0;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 4 satisfies O['sub']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = (x - y) | 0;
					c = x >>> 0 < y >>> 0;
					v = ((x ^ y) & (x ^ res)) < 0;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 14 satisfies O['cmp']: {
					const x = r[dA[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = (x - y) | 0;
					c = x >>> 0 < y >>> 0;
					v = ((x ^ y) & (x ^ res)) < 0;
					z = res === 0;
					n = res < 0;
					pc = next;
					break;
				}
				case 5 satisfies O['mul']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = Math.imul(x, y);
					c = false;
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 6 satisfies O['and']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = x & y;
					c = false;
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 7 satisfies O['or']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = x | y;
					c = false;
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 8 satisfies O['xor']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					const res = x ^ y;
					c = false;
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 9 satisfies O['shl']:
				case 10 satisfies O['shr']:
				case 11 satisfies O['sar']: {
					const x = r[dB[w]!]!;
					const k = (r[dC[w]!]! + dImm[w]!) & 31;
					let res: number;
					if (op === (9 satisfies O['shl'])) {
						res = x << k;
						c = k !== 0 && ((x >>> (32 - k)) & 1) !== 0;
					} else if (op === (10 satisfies O['shr'])) {
						res = (x >>> k) | 0;
						c = k !== 0 && ((x >>> (k - 1)) & 1) !== 0;
					} else {
						res = x >> k;
						c = k !== 0 && ((x >> (k - 1)) & 1) !== 0;
					}
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 12 satisfies O['div']:
				case 13 satisfies O['rem']: {
					const x = r[dB[w]!]!;
					const y = (r[dC[w]!]! + dImm[w]!) | 0;
					if (y === 0) {
						exit = EXIT_DE;
						break loop;
					}
					let res: number;
					if (x === -0x80000000 && y === -1) res = op === (12 satisfies O['div']) ? x : 0;
					else res = op === (12 satisfies O['div']) ? (x / y) | 0 : x % y | 0;
					c = false;
					v = false;
					z = res === 0;
					n = res < 0;
					r[dA[w]!] = res;
					pc = next;
					break;
				}
				case 15 satisfies O['ld']:
				case 17 satisfies O['ldb']:
				case 16 satisfies O['st']:
				case 18 satisfies O['stb']: {
					const a = (r[dB[w]!]! + dImm[w]!) >>> 0;
					const word = op === (15 satisfies O['ld']) || op === (16 satisfies O['st']);
					const p = physical(a, word ? 4 : 1, user, base, ulimit, size);
					if (p < 0) {
						exit = EXIT_GP;
						exitAddr = a;
						break loop;
					}
					if (op === (15 satisfies O['ld'])) r[dA[w]!] = m32[p >>> 2]!;
					else if (op === (17 satisfies O['ldb'])) r[dA[w]!] = m8[p]!;
					else {
						if (op === (16 satisfies O['st'])) m32[p >>> 2] = r[dA[w]!]!;
						else m8[p] = r[dA[w]!]!;
						code.invalidate(p);
					}
					pc = next;
					break;
				}
				case 19 satisfies O['push']:
				case 32 satisfies O['call']: {
					const value = op === (19 satisfies O['push']) ? r[dC[w]!]! + dImm[w]! : next;
					const a = (r[15]! - 4) >>> 0;
					const p = physical(a, 4, user, base, ulimit, size);
					if (p < 0) {
						exit = EXIT_GP;
						exitAddr = a;
						break loop;
					}
					m32[p >>> 2] = value;
					code.invalidate(p);
					r[15] = a;
					pc = op === (19 satisfies O['push']) ? next : (r[dC[w]!]! + dImm[w]!) >>> 0;
					break;
				}
				case 20 satisfies O['pop']:
				case 33 satisfies O['ret']: {
					const a = r[15]! >>> 0;
					const p = physical(a, 4, user, base, ulimit, size);
					if (p < 0) {
						exit = EXIT_GP;
						exitAddr = a;
						break loop;
					}
					const value = m32[p >>> 2]!;
					r[15] = a + 4;
					if (op === (20 satisfies O['pop'])) {
						r[dA[w]!] = value;
						pc = next;
					} else pc = value >>> 0;
					break;
				}
				case 21 satisfies O['jmp']:
					pc = (r[dC[w]!]! + dImm[w]!) >>> 0;
					break;
				case 22 satisfies O['jz']:
					pc = z ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 23 satisfies O['jnz']:
					pc = z ? next : (r[dC[w]!]! + dImm[w]!) >>> 0;
					break;
				case 24 satisfies O['jl']:
					pc = n !== v ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 25 satisfies O['jle']:
					pc = z || n !== v ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 26 satisfies O['jg']:
					pc = !z && n === v ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 27 satisfies O['jge']:
					pc = n === v ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 28 satisfies O['jb']:
					pc = c ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 29 satisfies O['jbe']:
					pc = c || z ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 30 satisfies O['ja']:
					pc = !c && !z ? (r[dC[w]!]! + dImm[w]!) >>> 0 : next;
					break;
				case 31 satisfies O['jae']:
					pc = c ? next : (r[dC[w]!]! + dImm[w]!) >>> 0;
					break;
				default:
					// Everything else touches machine-wide state: run it out of line.
					exit = EXIT_SYSTEM;
					break loop;
			}
			done++;
		}
		this.pc = pc;
		this.c = c;
		this.z = z;
		this.n = n;
		this.v = v;
		this.instret = start + done;
		if (exit === EXIT_GP) this.gp(exitAddr, pc);
		else if (exit === EXIT_DE) this.raise(Vector.DE, pc, pc);
		else if (exit === EXIT_SYSTEM) {
			this.pc = next;
			// A system instruction that faults does not retire.
			if (this.system(op, w, pc, next)) this.instret++;
		}
		return exit;
	}

	/**
	 * System instructions, traps and undefined opcodes. `this.pc` is already
	 * `next`; returns false if the instruction faulted (and did not retire).
	 */
	private system(op: number, w: number, at: number, next: number): boolean {
		const code = this.code;
		const r = this.regs;
		switch (op) {
			case Op.int: {
				const vector = code.n[w]!;
				if (!this.supervisor && (vector < 32 || this.kernelOnlyGate(vector))) {
					this.pc = at;
					this.gp(at, at);
					return false;
				}
				this.raise(vector, next, at);
				return true;
			}
			case Op.brk:
				this.raise(Vector.BP, next, at);
				return true;
			case Op.iret: {
				const to = this.epc >>> 0;
				this.pc = to;
				this.setFlags(this.eflags);
				this.journeys.phase('return');
				this.extraCycles += this.costs.iret;
				const bus = this.bus;
				if (bus?.wanted.iret) {
					const toPhys = this.physOf(to);
					const namer = this.codeNamer;
					const pid = namer === null ? undefined : namer.pid();
					const symbol = namer === null ? undefined : namer.symbol(this.supervisor, to, toPhys);
					const current = this.journeys.current;
					// One literal, one shape (see raise).
					const e: EventOf<'iret'> = {
						kind: 'iret',
						pc: at,
						to,
						toSupervisor: this.supervisor,
						toPhys: Number.isNaN(toPhys) ? undefined : toPhys,
						symbol,
						pid,
						cycle: this.cycles,
						instret: this.instret,
						guest: this.guest,
						journey: current !== 0 ? current : undefined,
					};
					bus.emit(e);
				}
				this.journeys.returned(!this.supervisor);
				return true;
			}
			case Op.cli:
				this.intEnabled = false;
				return true;
			case Op.sti:
				this.intEnabled = true;
				return true;
			case Op.hlt:
				this.halted = true;
				if (this.bus?.wanted.halt) this.bus.emit({kind: 'halt', state: 'waiting', pc: next, ...this.stamp()});
				return true;
			case Op.lidt:
				this.idt = r[code.a[w]!]!;
				return true;
			case Op.sidt:
				r[code.a[w]!] = this.idt;
				return true;
			case Op.smsw:
				r[code.a[w]!] = this.supervisor ? 1 : 0;
				return true;
			case Op.mfcr:
				r[code.a[w]!] = this.readControl(code.n[w]!);
				return true;
			case Op.mtcr:
				this.writeControl(code.n[w]!, r[code.a[w]!]!);
				return true;
			case Op.in:
				r[code.a[w]!] = this.portIn(code.imm[w]! >>> 0);
				return true;
			case Op.out: {
				// `out port, src`: the source is register c, or imm2 when immediate.
				const value = code.c[w] === 16 ? code.imm2[w]! : r[code.c[w]!]!;
				this.portOut(code.imm[w]! >>> 0, value);
				return true;
			}
			case Op.pushf:
			case Op.popf:
				return this.pushfPopf(op, at);
			case PATCHED:
				// A binary-translation patch behaves as `int n` to the VMM.
				this.raise(code.n[w]!, next, at);
				return true;
			case FETCH_FAULT:
				// The instruction's immediate words lie beyond physical memory.
				this.pc = at;
				this.gp(this.memorySize, at);
				return false;
			case UNDEFINED_OP:
			default:
				this.pc = at;
				this.raise(Vector.UD, at, at);
				return false;
		}
	}

	/** `pushf`/`popf`: full in supervisor mode; the Pentium's lossy user-mode form when unprivileged. */
	private pushfPopf(op: number, at: number): boolean {
		const r = this.regs;
		const a = op === Op.pushf ? (r[15]! - 4) >>> 0 : r[15]! >>> 0;
		// The limit as written (not cut at the end of memory, as the loop's is): the same outcome.
		const p = physical(a, 4, !this.supervisor, this.ubase >>> 0, this.ulimit >>> 0, this.memorySize);
		if (p < 0) {
			this.pc = at;
			this.gp(a, at);
			return false;
		}
		if (op === Op.pushf) {
			this.mem32[p >>> 2] = this.flags;
			this.code.invalidate(p);
			r[15] = a;
			return true;
		}
		const value = this.mem32[p >>> 2]!;
		r[15] = a + 4;
		this.setConditionFlags(value);
		// In user mode (pentium) IF and S are silently unchanged; in supervisor mode IF loads, S never.
		if (this.supervisor) this.intEnabled = (value & Flag.IF) !== 0;
		return true;
	}
}
