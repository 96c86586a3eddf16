/**
 * What both drivers of the dashboard share — the live driver (runs the core in
 * batches) and the replay driver (sends a trace's events again): how fast they
 * go, what they are doing, and the clock that paces them. No UI, no core: the
 * trace player imports this without importing the dashboard.
 */

/** Instructions per second (a replay of an import: cycles per second), or as fast as the host allows. */
export type Speed = number | 'max';

/** What the driver is doing right now. */
export type DriverMode =
	/** Running at `speed`. */
	| 'running'
	/** Paused by the user (or by `step` / `nextException` when they finished). */
	| 'paused'
	/** Running flat out until the next exception, then pausing. */
	| 'seeking'
	/** Waiting for console input the guest asked for (`hlt` with nothing to wake it but a key). */
	| 'waiting'
	/** The machine stopped (power-off, triple fault, …) or the trace ended. */
	| 'stopped';

export interface SourceState {
	mode: DriverMode;
	speed: Speed;
	/**
	 * Per-instruction events wanted: true at human speed (≤ 10,000/s) and while
	 * stepping. The store subscribes to `instruction` only then.
	 */
	detail: boolean;
}

/**
 * Timers and the clock, injectable so drivers and the store can be tested
 * with a fake clock (and so nothing in them reaches for globals directly).
 */
export interface Scheduler {
	/** Milliseconds, monotonic. */
	now(): number;
	/** Run `fn` after `ms`; returns a cancel function. */
	after(ms: number, fn: () => void): () => void;
	/** Run `fn` as soon as pending I/O (keys) has been handled; returns a cancel function. */
	soon(fn: () => void): () => void;
}

export const realScheduler: Scheduler = {
	now: () => performance.now(),
	after(ms, fn) {
		const t = setTimeout(fn, ms);
		return () => clearTimeout(t);
	},
	soon(fn) {
		// setImmediate runs after the poll phase, so stdin is read between turns.
		const t = setImmediate(fn);
		return () => clearImmediate(t);
	},
};

/** Where a new dashboard (and a replay, as its 1×) starts: a few hundred instructions per second. */
export const defaultSpeed = 300;

/**
 * Above this the store stops listening to `instruction` (the CPU then runs
 * whole slices instead of one instruction per slice) and shows sampled rows.
 */
export const detailLimit = 10_000;

/** True when per-instruction rows are shown at this speed. */
export function showsInstructions(speed: Speed): boolean {
	return speed !== 'max' && speed <= detailLimit;
}
