/**
 * The virtual machine monitor: partial interpretation (the lecture). The guest
 * runs directly on the real CPU — its kernel deprivileged in user mode — and
 * every exception the CPU raises comes here instead of through an IDT
 * (`machine.trapHook`). Each such *intercept* has a reason and one action:
 *
 *   privileged instruction of the guest kernel → emulate it on the vCPU
 *   patched sensitive instruction (bt)         → emulate what was patched
 *   `int 0x82` from the guest kernel (pv)      → hypercall
 *   anything meant for the guest               → reflect it into the guest kernel
 *   the real timer (the VMM's own)             → virtual timer tick, time slice
 *
 * then delivers pending virtual interrupts, maybe switches worlds, and resumes.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {ExitCategory} from '../bus/events.js';
import type {Machine} from '../cpu/machine.js';
import {FETCH_FAULT, PATCHED, UNDECODED, UNDEFINED_OP} from '../cpu/decoded-cache.js';
import {type Instruction, decodeInto, emptyInstruction} from '../isa/encoding.js';
import {Op, Vector, formats, mnemonicOf, vectorName} from '../isa/opcodes.js';
import {privilegeTable} from '../isa/profiles.js';
import type {Guest} from './guest.js';
import {emulate} from './emulate.js';
import {deliverPending, guestKernelOnlyGate, reflect} from './reflect.js';
import type {Consent} from './consent.js';
import {type Descriptor, HYPERCALL_VECTOR, hypercall, readDescriptor} from './hypercalls.js';
import {passThroughHost} from './host-os.js';
import {GuestScheduler} from './scheduler.js';
import {Translator, sensitive} from './translator.js';
import {logGuestFault} from './resource-control.js';
import {Interpreter} from './interpret.js';

/**
 * trap: trap-and-emulate; bt: binary translation of the guest kernel; pv: a para-virtualized
 * kernel's hypercalls; hvm: the hybrid VMM — the guest kernel interpreted (interpret.ts).
 */
export type Technique = 'trap' | 'bt' | 'pv' | 'hvm';

/** Per opcode, from its format: MEMORY (a memory operand, maybe with a base), SOURCE (a register-or-immediate source). */
const MEMORY = 1;
const SOURCE = 2;
const OPERANDS = Uint8Array.from({length: 256}, (_, op) => {
	const mnemonic = mnemonicOf[op];
	const format = mnemonic === undefined ? undefined : formats[mnemonic];
	if (format === 'rd_mem' || format === 'rs_mem') return MEMORY;
	return format === 'rd_src' || format === 'rd_rs_src' || format === 'rs_src' || format === 'src' || format === 'target' || format === 'port_src' ? SOURCE : 0;
});

/** VMM entries in a row without a guest instruction after which a guest counts as stuck. */
export const GUEST_LOOP_LIMIT = 10_000;

export interface MonitorOptions {
	technique: Technique;
	/**
	 * Real address of the VMM's own interrupt descriptor table, above every
	 * partition. The real `idt` register holds it while guests run — as on a
	 * real VMM, whose table must take the real exceptions — so a guest's
	 * unprivileged `sidt` (pentium) reads it: the red pill. Default: the end of
	 * real memory minus one table.
	 */
	idtBase?: number;
	type: 1 | 2;
	/** Guest instructions per time slice when several guests share the CPU. */
	slice?: number;
	/** Attached under a running kernel (transient.ts): the real machine stops as the guest stopped. */
	transient?: boolean;
	/** Names guest code for events: `(guest, supervisor, pc) → 'sys_write+0x8'`. */
	symbolize?: (guest: number, supervisor: boolean, pc: number) => string;
}

/**
 * What a VMM entry is (classify's answer). A number, not an object: an entry
 * allocates nothing; the operands it needs wait in the monitor's `exit*` fields
 * until `runExit` uses them, in the same entry.
 */
export const ExitKind = {
	timer: 0,
	patch: 1,
	hypercall: 2,
	family: 3,
	privileged: 4,
	kernelInt: 5,
	forgedGate: 6,
	exception: 7,
} as const;
export type ExitKind = (typeof ExitKind)[keyof typeof ExitKind];

const categoryOfKind: readonly ExitCategory[] = ['timer', 'bt', 'hypercall', 'privileged', 'privileged', 'exception', 'exception', 'exception'];

export class Monitor {
	readonly bus: EventBus;
	readonly guests: Guest[] = [];
	readonly scheduler: GuestScheduler;
	readonly translator: Translator | null;
	/** hvm: interprets the guest's virtual supervisor mode (null for the other techniques). */
	readonly interpreter: Interpreter | null;
	/** VMM entries, all guests. */
	entries = 0;
	/** With several guests: which guest completed each console line, in order (for interleaved output). */
	readonly lineOrder: number[] = [];
	/** Real opcode → privileged in the real CPU's profile. */
	readonly privileged: Uint8Array;
	/** Real address of the VMM's own IDT (what the real `idt` register holds). */
	readonly idtBase: number;
	/** An intransparent transient VMM (pv attached under a running kernel): its status port (consent.ts). */
	consent: Consent | null = null;
	/** Hypercalls served, all guests (pv). */
	hypercalls = 0;

	constructor(
		readonly machine: Machine,
		readonly options: MonitorOptions,
	) {
		if (!machine.bus) throw new Error('the VMM needs an event bus on the machine');
		this.bus = machine.bus;
		this.idtBase = options.idtBase ?? machine.memorySize - 1024;
		// Its entries stay 0: the trap hook takes every real exception before the CPU would read them.
		machine.idt = this.idtBase;
		this.privileged = privilegeTable(machine.profile);
		this.scheduler = new GuestScheduler(this, options.slice);
		const sensitiveUnprivileged = sensitive.some((op) => this.privileged[op] === 0);
		// bt translates; trap only records what it cannot intercept (for the equivalence report).
		const translate = options.technique === 'bt' || (options.technique === 'trap' && sensitiveUnprivileged);
		this.translator = translate ? new Translator(this, options.technique === 'bt') : null;
		this.interpreter = options.technique === 'hvm' ? new Interpreter(this) : null;
		machine.trapHook = (vector, epc, badaddr, at) => this.intercept(vector, epc, badaddr, at);
		// Under a VMM, "from user mode" is the guest's virtual mode: its kernel runs in real user mode.
		machine.journeys.fromUser = () => {
			const g = this.guests[machine.guest];
			return g === undefined || !g.vcpu.supervisor;
		};
		machine.decodeHook = this.translator ? (phys) => this.translator!.onDecode(phys) : null;
	}

	get technique(): Technique {
		return this.options.technique;
	}

	get current(): Guest | undefined {
		return this.scheduler.current;
	}

	symbolize(g: Guest, supervisor: boolean, pc: number): string {
		return this.options.symbolize?.(g.index, supervisor, pc) ?? '0x' + (pc >>> 0).toString(16).padStart(8, '0');
	}

	/** When, and for which guest, an event happens. */
	stamp(g: Guest): {cycle: number; instret: number; guest: number; journey?: number} {
		const journey = this.machine.journeys.current;
		const m = this.machine;
		return journey === 0 ? {cycle: m.cycles, instret: m.instret, guest: g.index} : {cycle: m.cycles, instret: m.instret, guest: g.index, journey};
	}

	/** The trap hook: one VMM entry. */
	private intercept(vector: number, epc: number, badaddr: number, at: number): void {
		const m = this.machine;
		const g = this.scheduler.current;
		if (!g) return m.journeys.resumed();
		m.journeys.phase('vmm');
		const start = m.cycles;
		const progress = g.vcpu.instret;
		this.scheduler.account(g);
		// The real timer line is the VMM's own wake-up; its work is done by being here.
		m.irqPending &= ~1;
		// A trap (int, brk, a bt patch) retires on the real CPU after this hook returns.
		const retire = epc !== at;
		const kind = this.classify(g, vector, epc, badaddr, at);
		g.entries++;
		this.entries++;
		const bus = this.bus;
		if (bus.wanted['vmm.intercept']) {
			bus.emit({kind: 'vmm.intercept', reason: this.exitReason(kind), category: categoryOfKind[kind]!, pc: at >>> 0, ...this.stamp(g)});
		}
		m.extraCycles += m.costs.vmmRoundTrip;
		if (this.options.type === 2) passThroughHost(this, g, bus.wanted['host.enter'] ? this.exitReason(kind) : '');
		if (retire) {
			// The guest executed this instruction; count it now, before its effect (its time is the native time).
			g.vcpu.tick(1);
			g.vcpu.emulated++;
		}
		this.runExit(kind, g, vector, epc, badaddr, at);
		if (g.vcpu.state === 'running') deliverPending(this, g);
		if (g.vcpu.instret !== progress) g.fruitless = 0;
		else if (++g.fruitless >= GUEST_LOOP_LIMIT && g.vcpu.state === 'running') {
			// A guest caught in an exception loop (a handler that faults on fetch) stops alone,
			// long before the real machine's own limit would stop everyone.
			this.scheduler.stopGuest(
				g,
				'exception-loop',
				1,
				`stuck: ${GUEST_LOOP_LIMIT} exceptions in a row without executing an instruction (last: vector ${vector} at pc 0x${(at >>> 0).toString(16).padStart(8, '0')})`,
			);
		}
		this.scheduler.afterIntercept(g, retire);
		// A guest that stopped (powered off, stuck) is not resumed: no `resume @` for it.
		if (bus.wanted['vmm.resume'] && g.vcpu.state !== 'stopped') {
			bus.emit({kind: 'vmm.resume', pc: m.pc >>> 0, cost: m.cycles - start, ...this.stamp(g)});
		}
		m.journeys.resumed();
		// hvm: a guest now in virtual supervisor mode is not resumed on the real CPU but interpreted.
		if (this.interpreter && this.current?.vcpu.supervisor) m.returnToHost = true;
	}

	/** The instruction an entry acts on (patch, family, privileged, kernel `int`); set by classify. */
	private exitIns: Instruction | undefined = undefined;
	/** Where the guest continues after the emulated instruction (family, privileged, kernel `int`). */
	private exitNext = 0;
	/** The hypercall an entry asks for (pv). */
	private exitCall: Descriptor | undefined = undefined;
	/** The vector an exception entry reflects (remembered for the reason). */
	private exitVector = 0;

	/** Why the VMM was entered: the kind of exit, its operands in the `exit*` fields. */
	private classify(g: Guest, vector: number, epc: number, badaddr: number, at: number): ExitKind {
		const m = this.machine;
		const v = g.vcpu;
		const phys = (m.ubase >>> 0) + (at >>> 0);
		this.exitVector = vector;
		if (epc === at && (vector === Vector.TIMER || vector === Vector.CONSOLE)) {
			// A real interrupt. The console is not the guests' (each has a virtual one), so only the timer matters.
			return ExitKind.timer;
		}
		if (epc !== at && phys < m.memorySize && m.code.op[phys >>> 2] === PATCHED) {
			this.exitIns = this.instructionAt(phys);
			return ExitKind.patch;
		}
		if (epc !== at && vector === HYPERCALL_VECTOR && v.supervisor && this.technique === 'pv') {
			this.exitCall = readDescriptor(this, g, epc);
			return ExitKind.hypercall;
		}
		if (vector === Vector.GP && epc === at && !v.supervisor && g.privileged) {
			// Family virtualization: privileged on the real machine, not in the guest's ISA — a guest
			// process may run it there: emulate it with its user-mode meaning instead of reflecting #GP.
			const ins = this.fetchable(at) ? this.instructionAt(phys) : undefined;
			if (ins && this.privileged[ins.op] && !g.privileged[ins.op]) {
				this.exitIns = ins;
				this.exitNext = (at + ins.size) >>> 0;
				return ExitKind.family;
			}
		}
		if (vector === Vector.GP && epc === at && v.supervisor) {
			const ins = this.fetchable(at) ? this.instructionAt(phys) : undefined;
			if (ins && this.privileged[ins.op]) {
				this.exitIns = ins;
				this.exitNext = (at + ins.size) >>> 0;
				return ExitKind.privileged;
			}
			if (ins && ins.op === Op.int) {
				// `int n` with n < 32 is a #GP from user mode; the guest kernel may use it: deliver vector n.
				this.exitIns = ins;
				this.exitNext = (at + ins.size) >>> 0;
				return ExitKind.kernelInt;
			}
		}
		if (epc !== at && vector >= 32 && !v.supervisor && guestKernelOnlyGate(this, g, vector)) {
			// The guest's user mode forged `int n` through a gate its kernel marked kernel-only: #GP, as natively.
			return ExitKind.forgedGate;
		}
		return ExitKind.exception;
	}

	/** The entry's reason as events and `vmtop stats` name it (only made when someone listens). */
	private exitReason(kind: ExitKind): string {
		const ins = this.exitIns;
		switch (kind) {
			case ExitKind.timer:
				return 'timer';
			case ExitKind.patch:
				return `bt: ${ins ? mnemonicOf[ins.op]! : 'patch'}`;
			case ExitKind.hypercall:
				return `hypercall: ${this.exitCall!.name}`;
			case ExitKind.family:
				return `family: ${mnemonicOf[ins!.op]}`;
			case ExitKind.privileged:
				return `privileged: ${mnemonicOf[ins!.op]}`;
			case ExitKind.kernelInt:
				return `exception: ${vectorName(ins!.n)}`;
			case ExitKind.forgedGate:
				return 'exception: #GP';
			default:
				return `exception: ${vectorName(this.exitVector)}`;
		}
	}

	/** What to do about the entry classify named. */
	private runExit(kind: ExitKind, g: Guest, vector: number, epc: number, badaddr: number, at: number): void {
		const ins = this.exitIns;
		switch (kind) {
			case ExitKind.timer:
				return this.scheduler.timer(g);
			case ExitKind.patch:
				if (ins) emulate(this, g, ins, at, epc);
				return;
			case ExitKind.hypercall:
				this.hypercalls++;
				return hypercall(this, g, this.exitCall!, at);
			case ExitKind.family:
			case ExitKind.privileged:
				return this.emulateTrapped(g, ins!, at, this.exitNext);
			case ExitKind.kernelInt:
				g.vcpu.tick(1);
				g.vcpu.emulated++;
				return reflect(this, g, ins!.n, this.exitNext);
			case ExitKind.forgedGate:
				return reflect(this, g, Vector.GP, at, at);
			default:
				if (vector === Vector.GP) logGuestFault(this, g, at, badaddr);
				return reflect(this, g, vector, epc, vector === Vector.GP ? badaddr : undefined);
		}
	}

	/** A privileged instruction of the guest kernel, trapped: it did not retire, so count it here. */
	private emulateTrapped(g: Guest, ins: Instruction, at: number, next: number): void {
		g.vcpu.tick(1);
		g.vcpu.emulated++;
		emulate(this, g, ins, at, next);
	}

	/** Could the real CPU fetch the instruction at `at` (so the #GP came from executing it)? */
	fetchable(at: number): boolean {
		const m = this.machine;
		const pc = at >>> 0;
		return (pc & 3) === 0 && pc + 4 <= m.ulimit >>> 0 && (m.ubase >>> 0) + pc + 4 <= m.memorySize;
	}

	/**
	 * The guest's instruction at `phys`: from the decoded cache, where the CPU
	 * just decoded what trapped; from memory when the slot holds no instruction
	 * (a patch lives only in the cache: its original is in memory).
	 */
	instructionAt(phys: number): Instruction | undefined {
		const m = this.machine;
		const w = phys >>> 2;
		// One instruction per monitor, reused: an entry classifies, then runs, before the next decode.
		const ins = this.scratch;
		const code = m.code;
		const op = code.op[w]!;
		if (op !== UNDECODED && op !== PATCHED && op !== UNDEFINED_OP && op !== FETCH_FAULT) {
			// The cache's normal form (decoded-cache.ts): register 16 stands for "an immediate" or "no base".
			const b = code.b[w]!;
			const c = code.c[w]!;
			ins.op = op;
			ins.a = code.a[w]!;
			ins.b = b === 16 ? 0 : b;
			ins.c = c === 16 ? 0 : c;
			ins.n = code.n[w]!;
			ins.imm = code.imm[w]!;
			ins.imm2 = code.imm2[w]!;
			ins.isImm = c === 16 && OPERANDS[op] === SOURCE;
			ins.hasBase = b !== 16 && OPERANDS[op] === MEMORY;
			ins.size = code.size[w]!;
			return ins;
		}
		this.decodeAt = w;
		return decodeInto(m.mem32[w]!, this.wordAfter, ins);
	}

	private readonly scratch = emptyInstruction();
	private decodeAt = 0;
	private readonly wordAfter = (k: number): number | undefined => {
		const m = this.machine;
		const w = this.decodeAt + k;
		return w < m.memorySize >>> 2 ? m.mem32[w]! : undefined;
	};
}
