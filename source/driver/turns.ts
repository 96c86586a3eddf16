/**
 * One turn of the live driver: core work bounded by a wall-clock deadline.
 * Each returns the instructions run (0 when the core waits for input).
 */
import type {Simulation} from '../sim/simulation.js';
import type {Scheduler} from './pacing.js';

const MIN_CHUNK = 1_000;
const MAX_CHUNK = 4_000_000;

/** As fast as possible until the deadline, in chunks adapted to take ~1–3 ms. */
export function runFlatOut(sim: Simulation, clock: Scheduler, deadline: number, chunk: {size: number}): number {
	let total = 0;
	for (;;) {
		const t0 = clock.now();
		const ran = sim.run(chunk.size);
		const t1 = clock.now();
		total += ran;
		if (ran < chunk.size) return total; // stopped or waiting for input
		const took = t1 - t0;
		if (took < 1 && chunk.size < MAX_CHUNK) chunk.size *= 2;
		else if (took > 3 && chunk.size > MIN_CHUNK) chunk.size = Math.max(MIN_CHUNK, chunk.size >>> 1);
		if (t1 >= deadline) return total;
	}
}

/** `budget` instructions, or fewer if the deadline comes first. */
export function runPaced(sim: Simulation, clock: Scheduler, deadline: number, budget: number): number {
	let total = 0;
	// Small chunks: at human speed each instruction emits an event, and a key must not wait.
	const chunk = Math.max(1, Math.min(budget, 5_000));
	while (total < budget) {
		const want = Math.min(chunk, budget - total);
		const ran = sim.run(want);
		total += ran;
		if (ran < want || clock.now() >= deadline) break;
	}
	return total;
}

/**
 * One instruction at a time until an exception is raised (or the machine
 * stops), so the pause lands right after it: the handler's first instruction
 * is next. `run(1)` costs a call per instruction, but exceptions come often.
 */
export function runUntilException(sim: Simulation, clock: Scheduler, deadline: number): {ran: number; hit: boolean} {
	let hit = false;
	const off = sim.bus.on('exception.raised', () => {
		hit = true;
	});
	let ran = 0;
	try {
		for (let i = 0; !hit && !sim.stopped; i++) {
			const r = sim.run(1);
			ran += r;
			if (r === 0 && !hit) break; // waiting for input
			if ((i & 1023) === 1023 && clock.now() >= deadline) break;
		}
	} finally {
		off();
	}
	return {ran, hit: hit || sim.stopped !== null};
}

/** One instruction at a time until `done()` (journey mode), the machine stops, or the deadline. */
export function runUntilDone(sim: Simulation, clock: Scheduler, deadline: number, done: () => boolean): {ran: number; hit: boolean} {
	let ran = 0;
	for (let i = 0; !done() && !sim.stopped; i++) {
		const r = sim.run(1);
		ran += r;
		if (r === 0 && !done()) break; // waiting for input
		if ((i & 1023) === 1023 && clock.now() >= deadline) break;
	}
	return {ran, hit: done() || sim.stopped !== null};
}
