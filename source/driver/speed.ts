/**
 * The speed ladder `+` and `-` climb: from a pace a person can follow up to
 * unlimited. Pure functions, shared by the live and the replay driver.
 */
import type {Speed} from './pacing.js';

// Shared with the replay driver.
export {defaultSpeed, detailLimit, showsInstructions} from './pacing.js';

/** Instructions per second; the rung above the last is `max`. */
export const speedLadder: readonly number[] = [
	30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000, 300_000, 1_000_000, 3_000_000, 10_000_000,
];

/**
 * A replay counts speed relative to the pace it started at (`base`, "1×"):
 * ¼×, ½×, 1×, 2× … up to unlimited, as rr and media players do.
 */
export const replayMultiples: readonly number[] = [0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096, 16_384];

function ladder(base?: number): readonly number[] {
	return base === undefined ? speedLadder : replayMultiples.map((m) => m * base);
}

export function faster(speed: Speed, base?: number): Speed {
	if (speed === 'max') return 'max';
	return ladder(base).find((s) => s > speed) ?? 'max';
}

export function slower(speed: Speed, base?: number): Speed {
	const rungs = ladder(base);
	if (speed === 'max') return rungs[rungs.length - 1]!;
	const below = rungs.filter((s) => s < speed);
	return below.length > 0 ? below[below.length - 1]! : rungs[0]!;
}

/** `12.3 µs` from ns: an imported KVM trace's host time (its clock and its pace). */
export function micros(ns: number): string {
	return `${(ns / 1000).toLocaleString('en-US', {maximumFractionDigits: 1})} µs`;
}

/**
 * `300/s`, `10k/s`, `3M/s`, `max`; relative to a replay's `base`: `¼× (75/s)`; an imported KVM
 * trace's host-time pace: `1× (300 µs of host time/s)`.
 */
export function formatSpeed(speed: Speed, base?: number, clock: 'instructions' | 'host-ns' = 'instructions'): string {
	if (speed === 'max') return 'max';
	if (base !== undefined) return `${multiple(speed / base)} (${formatSpeed(speed, undefined, clock)})`;
	// An imported KVM trace is paced in nanoseconds of host time, not instructions.
	if (clock === 'host-ns') return `${micros(speed)} of host time/s`;
	if (speed >= 1e6) return `${trim(speed / 1e6)}M/s`;
	if (speed >= 1e3) return `${trim(speed / 1e3)}k/s`;
	return `${speed}/s`;
}

const fractions: Record<number, string> = {0.25: '¼', 0.5: '½', 0.75: '¾'};

function multiple(m: number): string {
	return `${fractions[m] ?? trim(Math.round(m * 100) / 100)}×`;
}

function trim(n: number): string {
	return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** `--speed N|max` → a Speed, or undefined when it is neither. */
export function parseSpeed(text: string): Speed | undefined {
	if (text === 'max') return 'max';
	const n = Number(text);
	return Number.isFinite(n) && n > 0 ? n : undefined;
}
