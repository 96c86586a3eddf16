/**
 * Run something to its end in batches, without a screen: the `--headless`
 * path of `vmtop run`, the tests, and the benchmarks.
 */
import type {StopInfo} from './machine.js';

/** Anything that runs in batches: the bare machine, the machine under a VMM. */
export interface Runnable {
	/** Run up to `budget` instructions; returns how many ran. */
	run(budget: number): number;
	readonly stopped: StopInfo | null;
	/** Console output since the last call. */
	takeOutput(): string;
	/** Stop from outside (instruction limit, user quit). */
	stop(reason: StopInfo['reason'], code: number, message: string): void;
	/** Instructions executed so far. */
	readonly instret: number;
}

export interface HeadlessOptions {
	/** Stop with 'instruction-limit' after this many instructions. */
	maxInstructions?: number;
	/** Receives console output after every batch. */
	onOutput?: (text: string) => void;
	/** Instructions per batch (default 1,000,000). */
	batch?: number;
}

export function runHeadless(target: Runnable, options: HeadlessOptions = {}): {stop: StopInfo; elapsedMs: number} {
	const start = performance.now();
	const steps = runInBatches(target, options.maxInstructions ?? Number.POSITIVE_INFINITY, options.batch ?? 1_000_000, options.onOutput);
	let r = steps.next();
	while (!r.done) r = steps.next();
	return {stop: r.value, elapsedMs: performance.now() - start};
}

/**
 * runHeadless's loop, yielding the instruction count after each batch (so a
 * screen can run a whole run a piece at a time); returns how the run stopped.
 */
export function* runInBatches(target: Runnable, max: number, batch: number, onOutput?: (text: string) => void): Generator<number, StopInfo, void> {
	while (!target.stopped) {
		const left = max - target.instret;
		if (left <= 0) {
			target.stop('instruction-limit', 1, `stopped after the instruction limit of ${max}`);
			break;
		}
		const ran = target.run(Math.min(batch, left));
		const text = target.takeOutput();
		if (text && onOutput) onOutput(text);
		if (ran === 0 && !target.stopped) {
			// Waiting for console input that no one will type in a headless run.
			target.stop('halt-nothing-can-wake', 1, 'halted: waiting for console input, and none will come');
		}
		if (!target.stopped) yield target.instret;
	}
	const text = target.takeOutput();
	if (text && onOutput) onOutput(text);
	return target.stopped!;
}
