/**
 * Partitioning in time: the real timer belongs to the VMM. Before resuming a
 * guest the VMM arms it for the nearer of "the guest's virtual timer is due"
 * and "the guest's time slice ends", so it regains control exactly when the
 * guest's clock says so — whatever the guest did to its own (virtual) timer or
 * interrupt flag. At the end of a slice it switches worlds: saves the real CPU
 * state into the outgoing vCPU and loads the next guest's (round robin).
 *
 * Guest time is counted here too: instructions the guest executed directly
 * since the last resume are read off the real CPU's `instret` at each entry.
 */
import {Cr} from '../isa/opcodes.js';
import type {StopReason} from '../bus/events.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import {MemoryWatch} from './resource-control.js';

/** Default time slice when several guests share the CPU (guest instructions). */
export const DEFAULT_SLICE = 5_000;
/** With a single guest the real timer only has to make sure the VMM regains control now and then. */
export const WATCHDOG_SLICE = 1_000_000;

export class GuestScheduler {
	private index = 0;
	/** Real `instret` at the last resume: what ran since then was the current guest's, directly. */
	private lastMark = 0;
	private sliceEnd = 0;
	/** Real cycles when the current guest got the CPU (for charging it). */
	private since = 0;
	/** No guest can run until console input arrives (live dashboard): the real CPU waits in `hlt`. */
	waiting = false;
	/** Resumes whose real segment was not inside the guest's partition (must stay 0). */
	segmentViolations = 0;
	/** World switches so far. */
	switches = 0;
	/** Who touched another guest's memory (resource control, judged by what happened). */
	readonly watch: MemoryWatch;

	constructor(
		private readonly vm: Monitor,
		private readonly sliceOption?: number,
	) {
		this.watch = new MemoryWatch(vm);
	}

	/** Real `instret` at the last resume. */
	get mark(): number {
		return this.lastMark;
	}

	/** The guest's clock reading at which its time slice ends. */
	get sliceEndsAt(): number {
		return this.sliceEnd;
	}

	/**
	 * The hybrid VMM's interpreter retired guest instructions on the real count itself
	 * (interpret.ts), already on the guest's clock: not instructions executed directly.
	 */
	interpreted(): void {
		this.lastMark = this.vm.machine.instret;
	}

	get slice(): number {
		return this.sliceOption ?? (this.vm.guests.length > 1 ? DEFAULT_SLICE : WATCHDOG_SLICE);
	}

	get current(): Guest | undefined {
		const g = this.vm.guests[this.index];
		return g && g.vcpu.state === 'running' && !this.waiting ? g : undefined;
	}

	/** Start the first guest on the real CPU. */
	start(): void {
		const m = this.vm.machine;
		m.setMode(false);
		m.intEnabled = true;
		this.index = 0;
		for (const g of this.vm.guests.slice(1)) this.watch.leave(g);
		this.watch.enter(this.vm.guests[0]!);
		this.load(this.vm.guests[0]!);
		this.resume(false);
	}

	/** Count what the guest executed directly since the last resume. */
	account(g: Guest): void {
		const n = this.vm.machine.instret - this.lastMark;
		if (n > 0) g.vcpu.tick(n);
		this.lastMark = this.vm.machine.instret;
	}

	/** A real timer entry: the virtual tick (if due) is pending now; a world switch happens in afterIntercept. */
	timer(g: Guest): void {
		if (!g.vcpu.intEnabled) g.timerEntriesWhileMasked++;
	}

	/** End of an entry: switch worlds if the slice is over or the guest cannot go on, then resume. */
	afterIntercept(g: Guest, retire: boolean): void {
		const expired = g.vcpu.instret >= this.sliceEnd;
		if (g.vcpu.state === 'running' && !expired) return this.resume(retire);
		const next = this.nextRunnable();
		if (next === undefined) {
			if (g.vcpu.state === 'running') {
				this.sliceEnd = g.vcpu.instret + this.slice;
				return this.resume(retire);
			}
			this.save(g);
			this.watch.leave(g);
			return this.idleOrStop();
		}
		if (next !== g) this.worldSwitch(g, next);
		else this.sliceEnd = g.vcpu.instret + this.slice;
		this.resume(retire);
	}

	/** Input arrived for a blocked guest: let the real CPU run it again. */
	wake(): boolean {
		if (!this.waiting) return true;
		const next = this.nextRunnable();
		if (!next) return false;
		this.waiting = false;
		this.vm.machine.halted = false;
		this.index = next.index;
		this.watch.enter(next);
		this.load(next);
		this.resume(false);
		return true;
	}

	stopGuest(g: Guest, reason: StopReason, code: number, message: string): void {
		const v = g.vcpu;
		if (v.state === 'stopped') return;
		v.state = 'stopped';
		v.stopped = {reason, code, message};
		const bus = this.vm.bus;
		if (bus.wanted.stop) bus.emit({kind: 'stop', reason, code, message, ...this.vm.stamp(g)});
	}

	/** Save the real CPU state of the running guest into its vCPU (world switch, or its end). */
	save(g: Guest): void {
		const m = this.vm.machine;
		const v = g.vcpu;
		v.regs.set(m.regs.subarray(0, 16));
		v.pc = m.pc;
		v.flagsCZNV = m.flags & 0xf;
		g.cycles += m.cycles - this.since;
		this.since = m.cycles;
	}

	/** Charge the running guest for the cycles since it got the CPU (end of run, reports). */
	settle(): void {
		const g = this.vm.guests[this.index];
		if (g && g.vcpu.state !== 'stopped' && !this.waiting) {
			g.cycles += this.vm.machine.cycles - this.since;
			this.since = this.vm.machine.cycles;
		}
	}

	private load(g: Guest): void {
		const m = this.vm.machine;
		const v = g.vcpu;
		m.regs.set(v.regs);
		m.pc = v.pc;
		m.setConditionFlags(v.flagsCZNV);
		m.guest = g.index;
		this.since = m.cycles;
		this.sliceEnd = v.instret + this.slice;
	}

	private worldSwitch(from: Guest, to: Guest): void {
		this.save(from);
		this.watch.leave(from);
		this.watch.enter(to);
		this.index = to.index;
		this.load(to);
		this.switches++;
		const bus = this.vm.bus;
		if (bus.wanted['vmm.worldswitch']) bus.emit({kind: 'vmm.worldswitch', from: from.index, to: to.index, ...this.vm.stamp(from)});
	}

	/** The next guest after the current one that can run, round robin (may be the current one). */
	private nextRunnable(): Guest | undefined {
		const gs = this.vm.guests;
		for (let k = 1; k <= gs.length; k++) {
			const g = gs[(this.index + k) % gs.length]!;
			if (g.vcpu.state === 'running') return g;
		}
		return undefined;
	}

	/** Nobody can run: wait for console input (live) or, when every guest is done, stop the real machine. */
	private idleOrStop(): void {
		const m = this.vm.machine;
		const gs = this.vm.guests;
		m.guest = -1;
		if (gs.some((g) => g.vcpu.state === 'blocked')) {
			// The real CPU halts until input comes; with the timer off and input open, `run` returns.
			this.waiting = true;
			m.timerPeriod = 0;
			m.irqPending = 0;
			m.halted = true;
			return;
		}
		// A transient VMM is invisible: the real machine stops as the kernel stopped it (transient.ts).
		if (this.vm.options.transient) {
			const s = gs[0]!.vcpu.stopped!;
			return m.stop(s.reason, s.code, s.message);
		}
		// The real machine's stop says so: not the guest's power-off a second time.
		const bad = gs.find((g) => g.vcpu.stopped!.reason !== 'poweroff' || g.vcpu.stopped!.code !== 0);
		if (!bad) return m.stop('poweroff', 0, gs.length === 1 ? 'the only guest powered off with code 0' : `all ${gs.length} guests powered off with code 0`);
		const s = bad.vcpu.stopped!;
		m.stop(s.reason, s.code === 0 ? 1 : s.code, `guest ${bad.index} (${bad.name}): ${s.message}`);
	}

	/**
	 * Program the real CPU for the current guest: user mode, interrupts on, its
	 * segment, and the real timer for the nearer of its virtual timer and its slice.
	 */
	private resume(retire: boolean): void {
		const g = this.current;
		if (!g) return;
		const m = this.vm.machine;
		const v = g.vcpu;
		const seg = v.supervisor
			? g.partition.kernelSegment()
			: g.partition.userSegment(v.readControl(Cr.ubase), v.readControl(Cr.ulimit));
		m.ubase = seg.ubase;
		m.ulimit = seg.ulimit;
		const p = g.partition;
		if (seg.ubase < p.base || seg.ubase + seg.ulimit > p.base + p.size) this.segmentViolations++;
		// The real IDT register holds the VMM's own table, never a guest's: an unprivileged
		// `sidt` (pentium) run directly reads the VMM's address — the red pill (Robin & Irvine).
		m.idt = this.vm.idtBase;
		m.intEnabled = true;
		let due = Math.max(1, this.sliceEnd - v.instret);
		if (v.timerPeriod > 0) due = Math.min(due, Math.max(1, v.timerCountdown));
		// A retiring trap is counted by the real timer after this hook returns; it was counted for the guest already.
		m.timerPeriod = this.slice;
		m.timerCountdown = due + (retire ? 1 : 0);
		this.lastMark = m.instret + (retire ? 1 : 0);
	}
}
