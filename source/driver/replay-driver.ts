/**
 * The replay driver: a trace's events sent again on an EventBus, paced,
 * paused, stepped forward and back, sought. It has every member of the
 * dashboard's DashboardSource (ui/driver/source.ts) without importing the UI
 * (trace/ never does), so cli/replay.ts mounts the dashboard on it as is.
 *
 * Pacing and turn scheduling are the live driver's (driver/paced-driver.ts).
 *
 * Position: `position` events have been sent; the current event is number
 * `position` (1-based; event #N is on line N + 1 of the file), 0 before the
 * first. Going back cannot un-send events, so a rewind tells the listeners
 * the run was replaced (`generation`, as a live restart does) and sends the
 * events again up to the new position — at most `rewindWindow` of them, so a
 * rewind costs the same anywhere in a 10-million-event trace. The tables then
 * count from the window's start; `notice` says so.
 */
import {EventBus} from '../bus/event-bus.js';
import {CATCH_UP_MS, PacedDriver, type TurnPace} from './paced-driver.js';
import {type Scheduler, type SourceState, type Speed, defaultSpeed, showsInstructions} from './pacing.js';
import type {VmEvent} from '../bus/events.js';
import type {StopInfo} from '../cpu/machine.js';
import type {GuestInfo, RunDescription} from '../sim/simulation.js';
import {formatProblem} from '../trace/errors.js';
import {type TraceEvent, type TraceEventKind, exceptionKindsFor} from '../trace/format.js';
import type {TraceReader} from '../trace/reader.js';
import {TraceCursor} from '../trace/seek.js';
import {TraceSymbols} from '../trace/symbols.js';

export interface ReplayOptions {
	/** Instructions (recordings) or cycles (imports) per second of wall time, or `max`. */
	speed?: Speed;
	paused?: boolean;
	/** Whether per-instruction events are sent at a speed; default the dashboard's rule (≤ 10,000/s). */
	detailAt?: (speed: Speed) => boolean;
	/** Most events sent again by a rewind or a long jump (default 100,000). */
	rewindWindow?: number;
	/** Longest stretch of work before yielding (ms). */
	sliceMs?: number;
	/** Turn period at finite speeds (ms). */
	frameMs?: number;
	clock?: Scheduler;
	/** Disassembly of code, when the run could be rebuilt (cli/replay.ts). */
	disassemble?: (phys: number) => string | undefined;
}

/** Instructions the dashboard keeps rows for: instructions older than this in a rewind are not parsed. */
const DETAIL_TAIL = 10_000;

export class ReplayDriver extends PacedDriver {
	readonly bus = new EventBus();
	readonly description: RunDescription;
	readonly speedBase: number;
	generation = 0;
	/** Events sent; also the current event number. */
	position = 0;
	/** Something the user should know (a rewind's window, a bad line reached), or undefined. */
	notice: string | undefined;
	private readonly cursor: TraceCursor;
	private readonly symbols: TraceSymbols;
	private readonly exceptionKinds: TraceEventKind[];
	/** Whether the trace has `instruction` events (`--detail full`): without them no row is per instruction. */
	readonly hasInstructions: boolean;
	/** `instret` for recordings, `cycle` for imports: what speed counts. */
	private readonly clockOf: (e: TraceEvent) => number;
	/** An import's events carry host time (ns, as `cycle`), not instruction counts. */
	readonly clock: 'instructions' | 'host-ns';
	private speedValue: Speed;
	private wantRun: boolean;
	private stepping = false;
	/** Journey mode (`runUntil`): sending events until this says so. */
	private until: (() => boolean) | null = null;
	/** The replay's own clock, in the trace's units: events up to it have been sent. */
	private vclock: number;
	private last: TraceEvent | undefined;
	private ubase = Number.NaN;
	private readonly guestInstret = new Map<number, number>();
	private readonly detailAt: (speed: Speed) => boolean;
	private readonly window: number;

	constructor(
		readonly reader: TraceReader,
		private readonly options: ReplayOptions = {},
	) {
		super(options.clock, options);
		const h = reader.header;
		this.description = {name: h.scenario.name, isa: h.isa, vmm: h.vmm.technique, type: h.vmm.type, guests: h.vmm.guests, costs: h.costs};
		this.cursor = new TraceCursor(reader);
		this.symbols = new TraceSymbols(h);
		this.exceptionKinds = exceptionKindsFor(reader.counts);
		this.hasInstructions = (reader.counts.instruction ?? 0) > 0;
		this.clockOf = h.source === 'import' ? (e) => e.cycle : (e) => e.instret;
		this.clock = h.source === 'import' ? 'host-ns' : 'instructions';
		this.speedValue = options.speed ?? defaultSpeed;
		// 1× is the pace the replay starts at (for imports: the chosen host-time pace).
		this.speedBase = this.speedValue === 'max' ? defaultSpeed : this.speedValue;
		this.wantRun = !(options.paused ?? false);
		this.detailAt = options.detailAt ?? showsInstructions;
		this.window = options.rewindWindow ?? 100_000;
		const first = this.cursor.event(0);
		this.vclock = first ? this.clockOf(first) : 0;
		this.schedule();
	}

	/** Events in the trace (that can be replayed). */
	get length(): number {
		return this.cursor.length;
	}

	/** The current event number, for the status line (rr's `when`). */
	get events(): number {
		return this.position;
	}

	get instret(): number {
		return this.last?.instret ?? this.reader.header.scenario.startInstret;
	}

	get cycle(): number {
		return this.last?.cycle ?? 0;
	}

	get stopped(): StopInfo | null {
		if (this.position < this.length) return null;
		const footer = this.reader.footer;
		const problems = this.reader.problems.map((p) => formatProblem(this.reader.file, p));
		const end = problems.length > 0 ? ` (${problems.join('; ')})` : '';
		if (footer?.stop) return {reason: footer.stop.reason as StopInfo['reason'], code: footer.stop.code, message: `end of trace: ${footer.stop.message}${end}`};
		const why = footer ? `recording ended by ${footer.end}` : 'no footer';
		return {reason: 'instruction-limit', code: 1, message: `end of trace (${why})${end}`};
	}

	get state(): SourceState {
		return {mode: this.mode(), speed: this.speedValue, detail: this.hasInstructions && (this.stepping || this.detailAt(this.speedValue))};
	}

	private mode(): SourceState['mode'] {
		if (this.position >= this.length) return 'stopped';
		if (this.until) return 'seeking';
		return this.wantRun ? 'running' : 'paused';
	}

	symbolize(guest: number, supervisor: boolean, pc: number): string {
		return this.symbols.symbolize(guest, supervisor, pc);
	}

	symbolizeInstruction(guest: number, supervisor: boolean, pc: number, phys: number): string {
		return this.symbols.instruction(guest, supervisor, pc, phys);
	}

	symbolizeProcess(guest: number, pid: number, pc: number): string {
		return this.symbols.process(guest, pid, pc);
	}

	/** As live (`U/vS` for the guest kernel), from the header's code map. */
	virtualSupervisor(_guest: number, phys: number): boolean | undefined {
		if (this.description.vmm === 'none' || !Number.isFinite(phys)) return undefined;
		return this.symbols.virtualSupervisor(phys);
	}

	disassemble(phys: number): string | undefined {
		return Number.isFinite(phys) ? this.options.disassemble?.(phys) : undefined;
	}

	physical(supervisor: boolean, pc: number): number {
		return supervisor ? pc >>> 0 : (pc >>> 0) + this.ubase;
	}

	guests(): GuestInfo[] {
		const h = this.reader.header;
		const names = guestNames(h.scenario.spec, h.vmm.guests, h.scenario.name);
		const ended = this.position >= this.length;
		// Without a VMM the machine is the one "guest" (-1, as live); with one, the guests seen or named.
		const indices =
			h.vmm.technique === 'none' ? [-1] : [...new Set([...names.keys(), ...this.guestInstret.keys()])].filter((g) => g >= 0).sort((a, b) => a - b);
		return indices.map((index) => ({
			index,
			name: names.get(index) ?? (index < 0 ? h.scenario.name : `guest ${index}`),
			state: ended ? 'stopped' : 'running',
			instructions: this.guestInstret.get(index) ?? 0,
		}));
	}

	pause(): void {
		this.wantRun = false;
		this.until = null;
		this.changed();
	}

	resume(): void {
		if (this.position >= this.length) return;
		this.wantRun = true;
		this.stepping = false;
		this.until = null;
		this.syncClock();
		this.lastTurn = this.sched.now();
		this.changed();
	}

	setSpeed(speed: Speed): void {
		this.speedValue = speed;
		this.syncClock();
		this.changed();
	}

	/**
	 * `s`: one instruction forward (the next `instruction` event becomes the
	 * current one), then pause. A trace without instruction events can only
	 * go one event; the notice says so.
	 */
	step(): void {
		if (!this.hasInstructions) return this.oneEvent(this.position + 1);
		const k = this.cursor.findNext(['instruction'], this.position);
		this.stepHere(() => this.moveTo(k < 0 ? this.length : k + 1));
	}

	/** `b`: one instruction back (the previous `instruction` event), then pause. */
	stepBack(): void {
		if (!this.hasInstructions) return this.oneEvent(this.position - 1);
		const k = this.position >= 2 ? this.cursor.findPrev(['instruction'], this.position - 2) : -1;
		this.stepHere(() => this.moveTo(k + 1));
	}

	private oneEvent(target: number): void {
		this.stepHere(() => this.moveTo(target));
		this.notice = 'this trace has no instruction events (recorded without --detail full): s and b move one event';
		this.changed();
	}

	/** Make event number `event` the current one (0: before the first), then pause. */
	seek(event: number): void {
		this.stepHere(() => this.moveTo(event));
	}

	/** The first event at or after `cycle` becomes the current one. */
	seekCycle(cycle: number): void {
		this.seek(this.cursor.findCycle(cycle) + 1);
	}

	/**
	 * `g`: go to what the user typed — an instruction count as the history's
	 * rows show it (`1234`), an event number (`#1234`, `e1234`) or a cycle
	 * (`c1234`, `1234c`, `cycle 1234`). Returns an error message, or null.
	 * An import's rows have no instruction counts: a bare number is an event there.
	 */
	goto(text: string): string | null {
		const target = parseGoto(text);
		if (typeof target === 'string') return target;
		if ('cycle' in target) this.seekCycle(target.cycle);
		else if ('instret' in target && this.reader.header.source !== 'import') this.seek(this.cursor.findInstret(target.instret) + 1);
		else this.seek('event' in target ? target.event : target.instret);
		return null;
	}

	/**
	 * Journey mode (`J`) in a replay: send the trace's events one at a time, in
	 * turns (keys keep working), until `done()` says so — asked after each
	 * event, as the live driver asks after each instruction — then pause. The
	 * journeys are the trace's own (`journey.end` events, trace v2).
	 */
	runUntil(done: () => boolean): void {
		if (this.position >= this.length) return;
		if (!this.reader.counts['journey.end']) {
			// A version 1 trace, an import: nothing to stop at, and reading to the end would say nothing.
			this.notice = `journey mode needs the journeys a trace records (trace v2, vmtop record); ${this.reader.header.source === 'import' ? 'an import has kvm_exit → kvm_entry only: n walks those' : 'this one has none: re-record it'}`;
			return this.changed();
		}
		this.wantRun = false;
		this.stepping = true;
		this.until = done;
		this.changed(); // detail first: the store subscribes to `instruction` before events come
	}

	/** To the next exception (`]`, `n`): it has been delivered when the replay stops (see `landing`). */
	nextException(): void {
		const k = this.cursor.findNext(this.exceptionKinds, this.position);
		if (k < 0) {
			this.notice = 'no exception after this one';
			return this.changed();
		}
		this.seek(this.landing(k));
	}

	/** To the previous exception (`[`), delivered as `n` leaves it. */
	prevException(): void {
		let k = this.position >= 2 ? this.cursor.findPrev(this.exceptionKinds, this.position - 2) : -1;
		// Standing on the delivery of k: the previous one is before k.
		if (k >= 0 && this.landing(k) === this.position) k = k >= 1 ? this.cursor.findPrev(this.exceptionKinds, k - 1) : -1;
		if (k < 0) {
			this.notice = 'no exception before this one';
			return this.changed();
		}
		this.seek(this.landing(k));
	}

	/**
	 * Where `n` stops for the exception raised at index k: just after its
	 * `exception.delivered` (the CPU has entered the handler — the lecture's
	 * "exception delivered"), or on k itself when no delivery follows before
	 * the next exception (an import's `vmm.intercept`, a trace cut short).
	 */
	private landing(k: number): number {
		// An import's journey is a kvm_exit → kvm_entry: stop once the guest is entered again.
		if (this.clock === 'host-ns') return this.entryAfter(k);
		const d = this.cursor.findNext(['exception.delivered'], k + 1);
		if (d < 0) return k + 1;
		const next = this.cursor.findNext(this.exceptionKinds, k + 1);
		return next >= 0 && next < d ? k + 1 : d + 1;
	}

	/** Just after the `vmm.resume` (kvm_entry) of the same vCPU that ends the exit at index k. */
	private entryAfter(k: number): number {
		const exit = this.cursor.event(k);
		for (let i = k + 1; i < this.length; i++) {
			const e = this.cursor.event(i);
			if (e?.kind === 'vmm.resume' && e.guest === exit?.guest) return i + 1;
		}
		return k + 1;
	}

	// ---- moving --------------------------------------------------------------------

	/** Pause with instruction detail on, do `move`, tell listeners. */
	private stepHere(move: () => void): void {
		this.wantRun = false;
		this.until = null;
		this.stepping = true;
		this.changed(); // detail first: the store subscribes to `instruction` before events come
		move();
		this.syncClock();
		this.changed();
	}

	/** Send events until `target` have been sent, rewinding if it is behind. */
	private moveTo(target: number): void {
		target = Math.max(0, Math.min(target, this.length));
		if (target === this.position) return;
		this.notice = undefined;
		if (target < this.position || target - this.position > this.window) {
			// A new run as far as listeners are concerned: they drop what they have.
			this.generation++;
			this.position = 0;
			this.last = undefined;
			this.ubase = Number.NaN;
			this.guestInstret.clear();
			this.symbols.reset();
			this.notify();
			const from = Math.max(0, target - this.window);
			if (from > 0) this.notice = `tables and history count from event ${from + 1} (a jump re-reads at most ${this.window} events)`;
			this.sendBulk(from, target);
		} else this.sendBulk(this.position, target);
		this.last = this.cursor.event(target - 1);
		this.position = target;
	}

	/** Events [from, to): block by block, instructions parsed only near `to` and only when wanted. */
	private sendBulk(from: number, to: number): void {
		const size = this.reader.index.blockSize;
		const detailFrom = this.bus.wanted.instruction ? to - DETAIL_TAIL : Number.POSITIVE_INFINITY;
		for (let b = Math.floor(from / size); b * size < to; b++) {
			const base = b * size;
			const lite = base + size <= detailFrom;
			const events: ReadonlyArray<TraceEvent | null> = lite ? this.reader.readBlockLite(b) : this.cursor.blockAt(b);
			const end = Math.min(to, base + events.length);
			for (let n = Math.max(from, base); n < end; n++) {
				const e = events[n - base];
				if (e) this.send(e);
			}
			if (end < Math.min(to, base + size)) break; // a bad line shortened the trace
		}
	}

	private send(e: TraceEvent): void {
		this.guestInstret.set(e.guest, e.instret);
		if (e.kind === 'cpu.sample') {
			this.ubase = e.ubase ?? this.ubase;
			return;
		}
		if (e.kind === 'instruction') {
			if (!e.supervisor) this.ubase = e.phys - e.pc;
			if (!this.bus.wanted.instruction) return;
		}
		this.symbols.observe(e);
		this.bus.emit(e as VmEvent);
	}

	// ---- running ---------------------------------------------------------------------

	private syncClock(): void {
		this.vclock = this.last ? this.clockOf(this.last) : this.vclock;
		this.lastTurn = this.sched.now();
	}

	protected override nextPace(): TurnPace | null {
		if (this.until && this.position < this.length) return 'flat-out';
		if (!this.wantRun || this.position >= this.length) return null;
		return this.speedValue === 'max' ? 'flat-out' : 'frame';
	}

	protected override turn(now: number, deadline: number): void {
		if (this.until) return this.turnUntil(this.until, deadline);
		if (this.speedValue !== 'max') {
			// Catch up at most CATCH_UP_MS after a stall.
			this.vclock += (this.speedValue * Math.min(now - this.lastTurn, CATCH_UP_MS)) / 1000;
		}
		this.lastTurn = now;
		let sent = 0;
		while (this.position < this.length) {
			const e = this.cursor.event(this.position);
			if (!e) break;
			if (this.speedValue !== 'max' && this.clockOf(e) > this.vclock) break;
			this.send(e);
			this.last = e;
			this.position++;
			if ((++sent & 255) === 0 && this.sched.now() >= deadline) break;
		}
		if (this.speedValue === 'max' && this.last) this.vclock = this.clockOf(this.last);
		if (this.position >= this.length) this.wantRun = false;
		this.changed();
	}

	/** A journey-mode turn: one event at a time until `done`, the trace's end or the deadline. */
	private turnUntil(done: () => boolean, deadline: number): void {
		let sent = 0;
		while (this.position < this.length) {
			const e = this.cursor.event(this.position);
			if (!e) break;
			this.send(e);
			this.last = e;
			this.position++;
			if (done()) {
				this.until = null;
				break;
			}
			if ((++sent & 255) === 0 && this.sched.now() >= deadline) break;
		}
		if (this.position >= this.length) this.until = null;
		this.syncClock();
		this.changed();
	}
}

/** `1234` / `#1234` → an event number; `c1234`, `1234c`, `cycle 1234` → a cycle; else what is wrong. */
export function parseGoto(text: string): {instret: number} | {event: number} | {cycle: number} | string {
	const t = text.trim().toLowerCase().replace(/[_,]/g, '');
	const cycle = /^(?:c|cycle\s*)(\d+)$/.exec(t) ?? /^(\d+)\s*c(?:ycles?)?$/.exec(t);
	if (cycle) return {cycle: Number(cycle[1])};
	const event = /^(?:#|e|event\s*)(\d+)$/.exec(t);
	if (event) return {event: Number(event[1])};
	const instret = /^(?:i|instr\s*)?(\d+)$/.exec(t);
	if (instret) return {instret: Number(instret[1])};
	return `'${text.trim()}' is neither an instruction count as the rows show (1234), an event (#1234) nor a cycle (c1234)`;
}

/** Guest names from a scenario spec: `vms[i].name`, else `guest i`; the bare machine is -1. */
function guestNames(spec: unknown, guests: number, name: string): Map<number, string> {
	const names = new Map<number, string>();
	const vms = (spec as {vms?: unknown} | null)?.vms;
	if (Array.isArray(vms)) vms.forEach((g: {name?: string}, i) => names.set(i, g.name ?? `guest ${i}`));
	else if (guests > 1) for (let i = 0; i < guests; i++) names.set(i, `guest ${i}`);
	names.set(-1, name);
	return names;
}
