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
