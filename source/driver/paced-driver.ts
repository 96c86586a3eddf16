/**
 * The turn scheduling both drivers share. A driver works in turns on the event
 * loop: each turn runs for at most `sliceMs` of wall time, then yields, so key
 * presses are read between turns however fast the run goes (run in batches,
 * yield between). Between turns the driver waits a frame at a finite speed,
 * nothing at `max`, or polls slowly while the core waits for input.
 *
 * A subclass says how the next turn is timed (`nextPace`) and does the work
 * (`turn`); this class keeps the one pending timer, the change listeners and
 * disposal.
 */
import {type Scheduler, realScheduler} from './pacing.js';

/** How the next turn is timed: as soon as keys are read, after a frame, or after a slow poll. */
export type TurnPace = 'flat-out' | 'frame' | 'poll';

export interface PacingOptions {
	/** Longest stretch of work before yielding to the event loop (ms, default 12). */
	sliceMs?: number;
	/** Turn period at finite speeds (ms, default 16). */
	frameMs?: number;
}

/**
 * After a stall (a slow frame, a suspended terminal) a paced turn makes up for
 * at most this much wall time, never a burst of more.
 */
export const CATCH_UP_MS = 250;

/** Turn period while waiting for a key (a key press wakes the driver at once anyway). */
const POLL_MS = 50;

export abstract class PacedDriver {
	protected readonly sched: Scheduler;
	protected readonly sliceMs: number;
	protected readonly frameMs: number;
	/** When the last turn ran (or the pace was reset): what a paced turn catches up on. */
	protected lastTurn: number;
	private cancel: (() => void) | null = null;
	private disposed = false;
	private readonly listeners = new Set<() => void>();

	constructor(scheduler: Scheduler | undefined, options: PacingOptions) {
		this.sched = scheduler ?? realScheduler;
		this.sliceMs = options.sliceMs ?? 12;
		this.frameMs = options.frameMs ?? 16;
		this.lastTurn = this.sched.now();
	}

	/** How the next turn is timed, or null when there is nothing to run (paused, stopped). */
	protected abstract nextPace(): TurnPace | null;

	/** One turn's work, started at `now`, to end by `deadline`; it calls `changed()` when done. */
	protected abstract turn(now: number, deadline: number): void;

	/** Called after state/progress changes; returns the unsubscribe function. */
	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	/** Stop timers and forget the listeners. */
	dispose(): void {
		this.disposed = true;
		this.cancelTurn();
		this.listeners.clear();
	}

	/** Tell the listeners, without touching the timer. */
	protected notify(): void {
		for (const listener of [...this.listeners]) listener();
	}

	/** Tell listeners, then make sure a turn is scheduled if there is work. */
	protected changed(): void {
		this.notify();
		this.cancelTurn();
		this.schedule();
	}

	protected cancelTurn(): void {
		this.cancel?.();
		this.cancel = null;
	}

	/** Schedule the next turn unless one is pending or there is nothing to run. */
	protected schedule(): void {
		if (this.disposed || this.cancel) return;
		const pace = this.nextPace();
		if (pace === null) return;
		const run = (): void => {
			this.cancel = null;
			const now = this.sched.now();
			this.turn(now, now + this.sliceMs);
		};
		if (pace === 'flat-out') this.cancel = this.sched.soon(run);
		else this.cancel = this.sched.after(pace === 'poll' ? POLL_MS : this.frameMs, run);
	}
}
