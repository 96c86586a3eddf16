/**
 * The one store of the dashboard. It subscribes to the source's bus, keeps
 * the history ring and the counters, holds the UI state, and publishes an
 * immutable Snapshot for `useSyncExternalStore`.
 *
 * Render at frame rate, not event rate: an event only records itself and
 * marks the store dirty; one timer per frame builds the snapshot and tells
 * the listeners. A burst of 100k events costs one snapshot.
 *
 * Flat out (running at max), an event is counted at once and put in the
 * journal, nothing more: a frame there covers 100k events and more, and the
 * history keeps 10,000 rows. Whoever reads the history or the journeys next
 * (the frame, a key) files the journal's newest events first, as they would
 * have been filed one by one; the older ones only advance the row numbers.
 */
import type {VmEvent} from '../../bus/events.js';
import {kindsExceptInstruction} from '../../bus/event-bus.js';
import {type Scheduler, realScheduler} from '../../driver/pacing.js';
import type {DashboardSource, Speed} from '../../driver/source.js';
import {buildSnapshot} from './build-snapshot.js';
import {ConsoleBuffers} from './consoles.js';
import type {CooperationView} from './cooperation.js';
import {Counters} from './counters.js';
import {type Namer, nestedDepthTag, sensitiveNote} from './format-row.js';
import {EventRing} from './ring.js';
import {JourneyIndex} from './journeys.js';
import {Journal} from './journal.js';
import {JourneyCatcher} from './journey-catch.js';
import {walkView} from './journey-view.js';
import type {Snapshot} from './snapshot.js';
import {type UiState, initialUiState} from './ui-state.js';

export interface StoreOptions {
	/** History rows kept (default 10,000). */
	historySize?: number;
	/**
	 * Running at max, the rows a frame (or a pause) can find kept: at least this many of the
	 * newest (default 2,000; at most `historySize`). Each row kept until the frame survives the
	 * young generation's collection — 10,000 of them doubled the run time flat out.
	 */
	flatOutRows?: number;
	/** Shortest time between two snapshots (default 33 ms, ~30 per second). */
	frameMs?: number;
	/**
	 * While the core runs flat out, frames are spaced so drawing takes at most
	 * this share of the time (default 0.05: at max speed the point is the core; keys are answered at once anyway): the screen must not hold the core back.
	 */
	renderShare?: number;
	scheduler?: Scheduler;
}

/**
 * Flat out, frames come at least this often (ms) however much they cost: the
 * screen still moves; a key is answered at once regardless (`invalidate(true)`).
 */
const MAX_FLAT_OUT_FRAME_MS = 1000;

/** A cost estimate that rises at once and falls slowly: one cheap frame must not let the next ones crowd the core. */
const track = (average: number, ms: number): number => (ms >= average ? ms : average * 0.8 + ms * 0.2);

export class DashboardStore {
	private readonly history: EventRing;
	readonly counters = new Counters();
	readonly consoles = new ConsoleBuffers();
	/** Mutated by the actions (store-actions.ts), copied into snapshots. */
	readonly ui: UiState = initialUiState();
	readonly namer: Namer;
	/** Snapshots built so far (tests count these). */
	snapshots = 0;
	/** Events received (rows and console output), counted at once. */
	received = 0;
	private lastRaised = -1;
	/** Which rows belong to which exception journey, as the core said (journeys.ts). */
	private readonly journeyIndex = new JourneyIndex();
	/**
	 * Flat out: the events not filed yet (journal.ts). It keeps one and a half times `flatOutRows`
	 * — every event it holds survives the young generation's collections, so no more — which
	 * holds that many rows unless a third of the events are journey ends (a native exception's
	 * journey has 8 rows); else fewer are kept, all real.
	 */
	private readonly journal: Journal;
	/** Running at max: events go to the journal. */
	private deferring = false;
	/** Journey mode's stops (journey-catch.ts). */
	readonly catcher = new JourneyCatcher((e) => this.namer.sensitiveNote?.((this.source.disassemble(e.phys) ?? '').split(/\s+/)[0] ?? '') !== undefined);
	private snapshot: Snapshot;
	private readonly listeners = new Set<() => void>();
	private offs: Array<() => void> = [];
	private offInstruction: (() => void) | null = null;
	private generation: number;
	private cancelFlush: (() => void) | null = null;
	private lastFlush = Number.NEGATIVE_INFINITY;
	private readonly frameMs: number;
	private readonly renderShare: number;
	/**
	 * Cost of one frame (ms), in its two parts: the whole frame as drawn at once — the snapshot,
	 * React's reconciliation and Ink's layout and output, which run in the microtasks the
	 * listeners queue — and what the renderer drew later (Ink's throttled `onRender`).
	 */
	private frameCost = 0;
	private lateDrawCost = 0;
	/** Between a flush and the microtask that measures it: a render reported now is part of that frame. */
	private frameOpen = false;
	private flushUrgent = false;
	private disposed = false;
	/** Timers of `invalidateAfter`, cancelled by `dispose` (they would keep the process alive). */
	private readonly later = new Set<() => void>();
	private readonly sched: Scheduler;
	private readonly offSource: () => void;
	private sparkKind: 'exception.raised' | 'vmm.intercept';
	private lastMode: string;
	private lastSpeed: Speed;

	constructor(
		readonly source: DashboardSource,
		options: StoreOptions = {},
	) {
		this.history = new EventRing(options.historySize ?? 10_000);
		this.journal = new Journal(Math.ceil(1.5 * Math.min(options.flatOutRows ?? 2_000, this.history.capacity)));
		this.frameMs = options.frameMs ?? 33;
		this.renderShare = options.renderShare ?? 0.05;
		this.sched = options.scheduler ?? realScheduler;
		this.namer = {
			symbolize: (guest, supervisor, pc) => this.source.symbolize(guest, supervisor, pc),
			symbolizeInstruction: (guest, supervisor, pc, phys) => this.source.symbolizeInstruction(guest, supervisor, pc, phys),
			symbolizeProcess: (guest, pid, pc) => this.source.symbolizeProcess(guest, pid, pc),
			disassemble: (phys) => this.source.disassemble(phys),
			depthTag: (e) => nestedDepthTag(this.source.description, e),
			virtualSupervisor: (guest, phys) => this.source.virtualSupervisor?.(guest, phys),
			sensitiveNote: (mnemonic) => sensitiveNote(this.source.description, mnemonic),
		};
		this.generation = source.generation;
		this.lastMode = source.state.mode;
		this.lastSpeed = source.state.speed;
		this.deferring = source.state.mode === 'running' && source.state.speed === 'max' && !source.state.detail;
		this.sparkKind = source.description.vmm === 'none' ? 'exception.raised' : 'vmm.intercept';
		this.attach();
		this.offSource = source.onChange(() => this.sourceChanged());
		this.snapshot = this.build();
	}

	// ---- useSyncExternalStore ----------------------------------------------------

	subscribe = (listener: () => void): (() => void) => {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	};

	getSnapshot = (): Snapshot => this.snapshot;

	/** The history: the last rows, exactly as delivered one by one (the journal is filed first). */
	get ring(): EventRing {
		this.settle();
		return this.history;
	}

	/** Which rows belong to which journey (the journal is filed first). */
	get journeys(): JourneyIndex {
		this.settle();
		return this.journeyIndex;
	}

	/** Running at max speed (the journal takes the events; frames are spaced by their cost). */
	get flatOut(): boolean {
		return this.deferring;
	}

	/** The row number of the last exception raised (-1: none yet). */
	get lastException(): number {
		this.settle();
		return this.lastRaised;
	}

	/** The store's clock (ms). */
	now(): number {
		return this.sched.now();
	}

	/** Publish a snapshot again in `ms` (a message that must disappear even when nothing runs). */
	invalidateAfter(ms: number): void {
		if (this.disposed) return;
		const cancel = this.sched.after(ms, () => {
			this.later.delete(cancel);
			this.invalidate();
		});
		this.later.add(cancel);
	}

	/**
	 * Something changed: publish a snapshot within a frame (at most one per
	 * frame). `urgent` (a key press): as soon as the event loop is free, so a
	 * key shows its effect without waiting for the next frame.
	 */
	invalidate(urgent = false): void {
		if (this.disposed) return;
		if (this.cancelFlush) {
			if (!urgent || this.flushUrgent) return;
			this.cancelFlush();
		}
		this.flushUrgent = urgent;
		const wait = urgent ? 0 : Math.max(0, this.lastFlush + this.frameInterval() - this.sched.now());
		this.cancelFlush = this.sched.after(wait, () => this.flush());
	}

	/** The renderer's measure of a frame it drew later than the flush (Ink's throttled `onRender`). */
	reportRender(ms: number): void {
		if (!this.frameOpen) this.lateDrawCost = track(this.lateDrawCost, ms);
	}

	/** Time between frames: ~30 per second, fewer while drawing would slow a flat-out core. */
	private frameInterval(): number {
		const {mode, speed} = this.source.state;
		const flatOut = mode === 'seeking' || (mode === 'running' && speed === 'max');
		if (!flatOut) return this.frameMs;
		// Both parts of a frame count: on a slow (or shared) machine a frame can cost 100 ms and more.
		return Math.min(MAX_FLAT_OUT_FRAME_MS, Math.max(this.frameMs, (this.frameCost + this.lateDrawCost) / this.renderShare));
	}

	/** Build and publish now (tests; the final frame before quitting). */
	flush(): void {
		this.cancelFlush?.();
		this.cancelFlush = null;
		this.flushUrgent = false;
		const start = this.sched.now();
		this.lastFlush = start;
		this.snapshot = this.build();
		for (const listener of [...this.listeners]) listener();
		// React renders in a microtask queued by the listeners; this one runs after it (and after
		// Ink's layout and output, which report their own time too: counted once): the whole frame's cost.
		if (this.listeners.size > 0) {
			this.frameOpen = true;
			queueMicrotask(() => {
				this.frameOpen = false;
				this.frameCost = track(this.frameCost, this.sched.now() - start);
				// A frame asked for while this one was drawn (its layout effects) was timed by the old estimate.
				if (this.cancelFlush && !this.flushUrgent) {
					this.cancelFlush();
					this.cancelFlush = null;
					this.invalidate();
				}
			});
		}
	}

	dispose(): void {
		this.disposed = true;
		for (const cancel of this.later) cancel();
		this.later.clear();
		this.cancelFlush?.();
		this.cancelFlush = null;
		this.detach();
		this.offSource();
		this.listeners.clear();
	}

	// ---- the bus -------------------------------------------------------------------

	private readonly onEvent = (e: VmEvent): void => {
		// The kind read once: events come in dozens of shapes, each read of a field is a lookup.
		const kind = e.kind;
		if (kind !== 'journey.end') {
			// Not a row (nor counted as one): it completes the journey its rows belong to.
			this.received++;
			if (kind === 'console') {
				// One guest, one console: a transient VMM's kernel writes as -1 natively and as guest 0 while attached.
				this.consoles.append(this.source.description.guests === 1 ? 0 : e.guest, e.text);
				this.invalidate();
				return;
			}
			if (kind === 'exception.raised') this.counters.exceptions++;
			else if (kind === 'vmm.emulate') this.counters.emulated++;
			if (kind === this.sparkKind) this.counters.series.pending++;
		}
		// Where the faulting instruction is, as the CPU said; traces from before it did: where the source
		// says it is now (by the time a frame shows the row the mapping may have changed).
		const phys = kind === 'exception.raised' ? (e.phys ?? this.source.physical(e.supervisor, e.pc)) : kind === 'instruction' ? e.phys : Number.NaN;
		// Journey mode stops per event: it files each at once.
		if (this.deferring && !this.catcher.armed) this.journal.push(e, kind, phys);
		else {
			this.settle();
			this.file(e, phys);
		}
		this.invalidate();
	};

	/** Put an event in the history and the journeys (already counted). */
	private file(e: VmEvent, phys: number): void {
		const journeys = this.journeyIndex;
		if (e.kind === 'journey.end') {
			journeys.note(e, -1);
			if (this.catcher.armed) this.catcher.note(e, -1, this.history, journeys);
			return;
		}
		const seq = this.history.push(e, phys);
		if (e.kind === 'exception.raised') this.lastRaised = seq;
		journeys.note(e, seq);
		// Journey mode also stops at a sensitive instruction that runs without trapping.
		if (this.catcher.armed && (e.kind === 'instruction' || e.kind === 'exception.raised')) this.catcher.note(e, seq, this.history, journeys);
	}

	/** File the journal, oldest first; rows it dropped only take their numbers (the history starts after them). */
	private settle(): void {
		const journal = this.journal;
		if (journal.count === 0) return;
		if (journal.droppedRows > 0) {
			if (journal.droppedRaised >= 0) this.lastRaised = this.history.end + journal.droppedRaised;
			this.history.skip(journal.droppedRows);
			journal.droppedRows = 0;
			journal.droppedRaised = -1;
		}
		journal.drain(this.fileOne);
	}

	private readonly fileOne = (e: VmEvent, phys: number): void => this.file(e, phys);

	private attach(): void {
		const bus = this.source.bus;
		this.offs = [bus.onMany(kindsExceptInstruction, this.onEvent)];
		this.counters.attach(bus);
		this.syncDetail();
	}

	private detach(): void {
		for (const off of this.offs.splice(0)) off();
		this.offInstruction?.();
		this.offInstruction = null;
		this.counters.detach();
	}

	/** Listen to `instruction` only while the source wants per-instruction rows. */
	private syncDetail(): void {
		const want = this.source.state.detail;
		if (want && !this.offInstruction) this.offInstruction = this.source.bus.on('instruction', this.onEvent);
		else if (!want && this.offInstruction) {
			this.offInstruction();
			this.offInstruction = null;
		}
	}

	private sourceChanged(): void {
		const state = this.source.state;
		this.deferring = state.mode === 'running' && state.speed === 'max' && !state.detail;
		// A change of mode or speed is the answer to a key: show it now. Progress waits for the frame.
		const urgent = state.mode !== this.lastMode || state.speed !== this.lastSpeed;
		this.lastMode = state.mode;
		this.lastSpeed = state.speed;
		if (this.source.generation !== this.generation) {
			// A new run (restart or rewind): start over on the new bus.
			this.detach();
			this.generation = this.source.generation;
			this.journal.clear();
			this.history.clear();
			this.journeyIndex.clear();
			this.catcher.reset();
			// A new run stops nowhere yet: journey mode waits for `n` (the driver's run-until ended with the old run).
			this.catcher.disarm();
			this.consoles.clear();
			this.counters.reset(0);
			this.received = 0;
			this.lastRaised = -1;
			this.ui.cursor = null;
			this.sparkKind = this.source.description.vmm === 'none' ? 'exception.raised' : 'vmm.intercept';
			this.attach();
		} else this.syncDetail();
		this.invalidate(urgent);
	}

	private build(): Snapshot {
		this.snapshots++;
		const previous: CooperationView | null = this.snapshot?.cooperation ?? null;
		const snapshot = buildSnapshot(
			{
				source: this.source,
				ring: this.ring,
				counters: this.counters,
				consoles: this.consoles,
				ui: this.ui,
				namer: this.namer,
				received: this.received,
				lastException: this.lastException,
				journeys: this.journeys,
				now: this.sched.now(),
				frame: this.snapshots,
			},
			previous,
		);
		return this.ui.journeyMode || this.ui.legend || this.ui.lecture ? {...snapshot, ...walkView(this)} : snapshot;
	}
}
