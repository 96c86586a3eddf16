/**
 * The transient virtual machine monitor (the lecture's last part: "temporary
 * virtualization: anticipatory, on demand"): a VMM that slides in under a
 * kernel already running natively, and slides out again (docs/vmm.md,
 * "Transient VMM").
 *
 * Attach, at an instruction boundary: the real CPU's state — registers, pc,
 * FLAGS with IF and S, the banked sp, every control register (idt, ubase,
 * ulimit…), the pending interrupt lines, the timer's period and countdown,
 * unread console input, the instruction count — becomes a virtual CPU; the
 * kernel's memory becomes partition 0 in place (base 0: nothing is copied);
 * the VMM claims real supervisor mode and puts its own IDT above the kernel's
 * memory (docs/v32.md §8.4: the real machine is larger than the kernel is told).
 * Detach: the virtual CPU's state goes back into the real CPU — the virtual
 * IF, the guest's idt and its view of the timer included — the trap hook is
 * removed, the translations are dropped, and the VMM is gone.
 *
 * Transparent (self-virtualization): the kernel is not told. Equivalence holds
 * when every sensitive instruction the kernel runs while attached traps or is
 * translated; on pentium an attach inside a pushf/cli … popf section is not.
 *
 * Intransparent (para-virtualization, technique pv): the kernel is told through
 * the VMM status port (docs/v32.md §5.5, consent.ts) and switches its own sites
 * to hypercalls at its safe point; the detach is two-phase — the VMM announces
 * it is leaving, the kernel switches back and acknowledges, then the VMM goes.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {Machine, StopInfo} from '../cpu/machine.js';
import {Cr} from '../isa/opcodes.js';
import type {KernelSimulation} from '../sim/kernel.js';
import type {CodeArea} from '../sim/code-map.js';
import type {GuestInfo, RunDescription, Simulation, TransientStep, TransientTechnique} from '../sim/simulation.js';
import {Guest, type BootState} from './guest.js';
import {Monitor, type Technique} from './monitor.js';
import {runHybrid} from './vmm-simulation.js';
import {Partition} from './partition.js';
import {deliverPending} from './reflect.js';
import {VMM_MEMORY} from './build.js';
import {Consent} from './consent.js';

/** One virtualized interval: when it began and ended, and what it cost. */
export interface Attachment {
	technique: TransientTechnique;
	type: 1 | 2;
	/** Guest instructions (the kernel's clock) and real cycles at the attach. */
	attachAt: number;
	attachCycle: number;
	/** At the detach; undefined while attached. */
	detachAt?: number;
	detachCycle?: number;
	/** VMM entries and guest instructions through the VMM in this interval. */
	entries: number;
	emulated: number;
	/** Cycles of the attach (state capture, partition setup) and of the detach (state restore). */
	attachCost: number;
	detachCost: number;
	/**
	 * pv only (the intransparent variant): the kernel's acknowledged switches. A kernel
	 * without the switch never acknowledges, and runs the interval as trap-and-emulate.
	 */
	consent?: Consent;
	/** pv: hypercalls served in this interval (set at the detach). */
	hypercalls?: number;
}

/** What the virtualized intervals cost, over those intervals only (issue 18: stats). */
export interface TransientStats {
	intervals: number;
	/** Guest instructions while attached, and how many of them went through the VMM. */
	instructions: number;
	emulated: number;
	entries: number;
	/** Real cycles while attached (their attach and detach included). */
	cycles: number;
	/** Of those, the attaches and detaches themselves. */
	overhead: number;
	/** Efficiency over the intervals: the share of guest instructions that ran directly. */
	direct: number;
}

/** Cycles the VMM spends on one attach or detach (docs/v32.md §8.4). */
export const ATTACH_COST = {capture: 40, partition: 60, restore: 40} as const;

export class TransientSimulation implements Simulation {
	/** The VMM while attached, else null. */
	monitor: Monitor | null = null;
	readonly attachments: Attachment[] = [];
	/** Console output moved out of a console that is about to stop being the live one. */
	private carried = '';
	/** Bytes of the current guest's virtual console already handed out. */
	private taken = 0;
	private next = 0;

	/** The schedule, with the steps asked for live (`A` in the dashboard) put in at the point they were asked. */
	private readonly steps: TransientStep[];

	constructor(
		readonly native: KernelSimulation,
		/** What the kernel is told it has (boot info); the real machine has VMM_MEMORY more. */
		readonly guestMemory: number,
		schedule: readonly TransientStep[] = [],
	) {
		this.steps = [...schedule];
		if (native.machine.memorySize < guestMemory + VMM_MEMORY) {
			throw new RangeError(`a transient VMM needs ${VMM_MEMORY} bytes of real memory above the kernel's ${guestMemory}`);
		}
	}

	get machine(): Machine {
		return this.native.machine;
	}
	get bus(): EventBus {
		return this.native.bus;
	}
	get description(): RunDescription {
		const d = this.native.description;
		const a = this.attached;
		return a ? {...d, vmm: a.technique, type: a.type} : d;
	}
	/** The scenario with the steps taken so far (a live `A` included), so a rerun attaches where this run did. */
	get spec(): unknown {
		const spec = this.native.spec;
		const done = this.steps.slice(0, this.next);
		return typeof spec === 'object' && spec !== null && done.length > 0 ? {...spec, transient: done} : spec;
	}

	/** The schedule: its steps taken and to come. */
	get schedule(): readonly TransientStep[] {
		return this.steps;
	}

	/**
	 * Attach (or, while attached, detach) at the next instruction boundary at which the CPU runs
	 * (the dashboard's `A`). Returns what will happen.
	 */
	toggle(technique: TransientTechnique = this.attachments.at(-1)?.technique ?? 'trap', type: 1 | 2 = 1): 'attach' | 'detach' {
		const attached = this.monitor !== null;
		// A step not yet taken that this press undoes or repeats goes; the press is the last word.
		this.steps.splice(this.next);
		const step: TransientStep = attached ? {at: this.instret, detach: true} : {at: this.instret, attach: technique, ...(type === 2 ? {type} : {})};
		this.steps.push(step);
		// Between two runs the CPU is at an instruction boundary: now, unless it waits in `hlt`.
		if (!this.stopped && this.apply(step)) this.next++;
		return attached ? 'detach' : 'attach';
	}
	get stopped(): StopInfo | null {
		return this.machine.stopped;
	}

	/** The interval in progress, if the VMM is attached. */
	get attached(): Attachment | undefined {
		const a = this.attachments.at(-1);
		return this.monitor && a && a.detachAt === undefined ? a : undefined;
	}

	/** The one guest while attached. */
	get guest(): Guest | undefined {
		return this.monitor?.guests[0];
	}

	/** VMM entries over every interval so far. */
	get entries(): number {
		return this.attachments.reduce((n, a) => n + (a.detachAt === undefined && this.monitor ? this.monitor.entries : a.entries), 0);
	}

	/** The kernel's clock: guest instructions, whether it runs natively or under the VMM. */
	get instret(): number {
		const g = this.guest;
		if (!g || !this.monitor) return this.machine.instret;
		const live = this.monitor.current === g ? this.machine.instret - this.monitor.scheduler.mark : 0;
		return g.vcpu.instret + live;
	}

	run(budget: number): number {
		const start = this.instret;
		const end = start + budget;
		while (!this.stopped && this.instret < end) {
			const step = this.steps[this.next];
			if (step && this.instret >= step.at) {
				if (this.apply(step)) this.next++;
				else if (this.step(1) === 0) break;
				continue;
			}
			let room = Math.min(end, step ? step.at : end) - this.instret;
			// Under the VMM emulated instructions count too: approach a detach point in halves, so it lands on it.
			if (this.monitor && step) room = room > 64 ? Math.ceil(room / 2) : 1;
			if (this.step(room) === 0) break;
		}
		return this.instret - start;
	}

	/** Run natively or under the VMM; how many guest instructions ran. */
	private step(budget: number): number {
		const before = this.instret;
		const vm = this.monitor;
		if (!vm) {
			this.machine.run(budget);
			return this.instret - before;
		}
		if (vm.scheduler.waiting && !vm.scheduler.wake()) return 0;
		// hvm: the kernel (virtual supervisor mode) interpreted, its processes direct.
		if (vm.interpreter) runHybrid(this.machine, vm, budget);
		else this.machine.run(budget);
		vm.scheduler.settle();
		return this.instret - before;
	}

	/** A scheduled step; false when it cannot happen at this boundary yet (the CPU waits in `hlt`). */
	private apply(step: TransientStep): boolean {
		if ('detach' in step) {
			const consent = this.monitor?.consent;
			// pv: the kernel makes hypercalls. Announce the leave; detach once it acknowledged native mode
			// and is back in a process (its interrupt handled whole under the VMM, as it began).
			if (consent && consent.status !== 0 && consent.mode === 1) {
				consent.leave();
				return false;
			}
			if (consent && consent.switches.length > 0 && (consent.mode === 1 || this.guest!.vcpu.supervisor)) return false;
			if (this.monitor) this.detach();
			return true;
		}
		if (this.monitor) return true;
		return this.attach(step.attach, step.type ?? 1);
	}

	/**
	 * Attach a VMM under the running kernel. False when the CPU waits in `hlt`
	 * (the attach then happens at the next boundary at which it runs).
	 */
	attach(technique: TransientTechnique, type: 1 | 2 = 1): boolean {
		const m = this.machine;
		if (this.monitor || m.stopped) return false;
		if (m.halted) return false;
		const startCycle = m.cycles;
		m.accountTimer();
		this.carried += m.takeOutput();
		// State capture: the real CPU as it is, taken as a boot state the guest starts from.
		const controls = {} as BootState['controls'];
		(['epc', 'eflags', 'cause', 'badaddr', 'idt', 'ubase', 'ulimit', 'usp'] as const).forEach((name) => (controls[name] = m.readControl(Cr[name])));
		const state: BootState = {
			// The kernel's memory in place: partition 0 starts at real 0, so nothing moves.
			memory: m.mem.subarray(0, this.guestMemory),
			pc: m.pc,
			regs: m.regs.slice(0, 16),
			otherSp: m.otherSp,
			supervisor: m.supervisor,
			intEnabled: m.intEnabled,
			flags: m.flags,
			controls,
			timerPeriod: m.timerPeriod,
			timerCountdown: m.timerCountdown,
			irqPending: m.irqPending,
		};
		const input = m.drainInput();
		// The real interrupt lines become the guest's virtual ones; the real timer becomes the VMM's.
		m.irqPending = 0;
		const vm = new Monitor(m, {technique: technique as Technique, type, idtBase: this.guestMemory, transient: true, symbolize: (_g, s, pc) => this.native.symbolize(-1, s, pc)});
		const g = new Guest(0, this.native.description.name, new Partition(0, 0, this.guestMemory), m, state);
		const v = g.vcpu;
		v.instret = m.instret;
		v.inputOpen = m.inputOpen;
		v.input.push(...input);
		vm.guests.push(g);
		// pv: intransparent. The status port asks the kernel for hypercalls; until it acknowledges, trap-and-emulate.
		if (technique === 'pv') vm.consent = new Consent();
		m.jit?.flush();
		vm.scheduler.start();
		this.monitor = vm;
		this.taken = 0;
		// The kernel's OS level goes on under the VMM: its events are guest 0's now.
		this.native.observer.guest = 0;
		// An interrupt the real CPU would have taken before its next instruction: the guest takes it now.
		if (v.intEnabled && v.irqPending !== 0) {
			deliverPending(vm, g);
			vm.scheduler.afterIntercept(g, false);
		}
		m.extraCycles += ATTACH_COST.capture + ATTACH_COST.partition;
		const a: Attachment = {
			technique,
			type,
			attachAt: v.instret,
			attachCycle: startCycle,
			entries: 0,
			emulated: 0,
			attachCost: m.cycles - startCycle,
			detachCost: 0,
			...(vm.consent ? {consent: vm.consent} : {}),
		};
		this.attachments.push(a);
		if (this.bus.wanted['vmm.attach']) {
			this.bus.emit({kind: 'vmm.attach', technique, hosted: type === 2, cost: a.attachCost, pc: m.pc >>> 0, cycle: m.cycles, instret: v.instret, guest: 0});
		}
		return true;
	}

	/** Detach: the virtual CPU's state back into the real CPU; the VMM vanishes. */
	detach(): void {
		const vm = this.monitor;
		const g = this.guest;
		const a = this.attached;
		if (!vm || !g || !a) return;
		const m = this.machine;
		const v = g.vcpu;
		const startCycle = m.cycles;
		const s = vm.scheduler;
		if (s.waiting) {
			// The guest waits for console input in its virtual `hlt`: the real CPU waits in `hlt` natively.
			m.regs.set(v.regs);
			m.pc = v.pc;
			m.setConditionFlags(v.flagsCZNV);
			m.halted = true;
		} else {
			s.account(g);
			s.settle();
		}
		this.carried += this.freshOutput(g);
		// State restore: mode with its banked sp, the virtual IF, every control register, the timer.
		m.supervisor = v.supervisor;
		m.otherSp = v.otherSp;
		m.intEnabled = v.intEnabled;
		for (const name of ['epc', 'eflags', 'cause', 'badaddr', 'idt', 'ubase', 'ulimit'] as const) m.writeControl(Cr[name], v.readControl(Cr[name]));
		m.timerPeriod = v.timerPeriod;
		m.timerCountdown = v.timerCountdown;
		m.irqPending = v.irqPending;
		m.refillInput(v.input.slice(v.inputHead));
		// The guest's clock becomes the real one (the instruction counter port reads it); cycles stay as spent.
		const emulated = v.instret - m.instret;
		m.instret = v.instret;
		m.extraCycles -= emulated * m.costs.instruction;
		// A journey open across the detach (the kernel in a handler) must not be charged the re-base.
		m.journeys.reclock(emulated, -emulated * m.costs.instruction);
		m.sliceStart = m.instret;
		m.guest = -1;
		// The VMM vanishes: no trap hook, no translator, no patches, its IDT cleared.
		m.trapHook = null;
		m.decodeHook = null;
		m.journeys.fromUser = () => !m.supervisor;
		m.code.invalidateRange(0, m.memorySize);
		m.jit?.flush();
		m.mem.fill(0, this.guestMemory, this.guestMemory + VMM_MEMORY);
		m.extraCycles += ATTACH_COST.restore;
		a.entries = vm.entries;
		if (a.consent) a.hypercalls = vm.hypercalls;
		a.emulated = v.emulated;
		a.detachAt = v.instret;
		a.detachCycle = m.cycles;
		a.detachCost = m.cycles - startCycle;
		this.monitor = null;
		this.native.observer.guest = -1;
		if (this.bus.wanted['vmm.detach']) {
			this.bus.emit({
				kind: 'vmm.detach',
				technique: a.technique,
				cost: a.detachCost,
				entries: a.entries,
				pc: m.pc >>> 0,
				cycle: m.cycles,
				instret: m.instret,
				guest: -1,
			});
		}
	}

	/** The intervals so far, the one in progress counted up to now. */
	stats(): TransientStats {
		const m = this.machine;
		const live = this.attached;
		let instructions = 0;
		let emulated = 0;
		let cycles = 0;
		let overhead = 0;
		for (const a of this.attachments) {
			const now = a === live;
			instructions += (now ? this.instret : a.detachAt!) - a.attachAt;
			emulated += now ? this.guest!.vcpu.emulated : a.emulated;
			cycles += (now ? m.cycles : a.detachCycle!) - a.attachCycle;
			overhead += a.attachCost + a.detachCost;
		}
		return {intervals: this.attachments.length, instructions, emulated, entries: this.entries, cycles, overhead, direct: instructions > 0 ? 1 - emulated / instructions : 1};
	}

	private freshOutput(g: Guest): string {
		const out = g.vcpu.output;
		const text = Buffer.from(out.slice(this.taken)).toString('latin1');
		this.taken = out.length;
		return text;
	}

	takeOutput(): string {
		const g = this.guest;
		const text = this.carried + (g ? this.freshOutput(g) : this.machine.takeOutput());
		this.carried = '';
		return text;
	}

	stop(reason: StopInfo['reason'], code: number, message: string): void {
		this.monitor?.scheduler.settle();
		this.machine.stop(reason, code, message);
	}

	pushInput(text: string, _guest?: number): void {
		const g = this.guest;
		if (!g) return this.native.pushInput(text);
		g.vcpu.pushInput(new TextEncoder().encode(text));
		if (g.vcpu.state === 'blocked') g.vcpu.state = 'running';
	}

	guests(): GuestInfo[] {
		const [info] = this.native.guests();
		return [{...info!, index: this.monitor ? 0 : -1, instructions: this.instret, state: this.stopped ? 'stopped' : info!.state}];
	}

	symbolize(_guest: number, supervisor: boolean, pc: number): string {
		return this.native.symbolize(-1, supervisor, pc);
	}
	symbolTables(): Record<string, Record<string, number>> {
		return this.native.symbolTables();
	}
	codeMap(): CodeArea[] {
		return this.native.codeMap();
	}
}
