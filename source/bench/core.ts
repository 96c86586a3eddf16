/**
 * Core benchmarks: `core.mips` (a tight loop, headless, nothing subscribed)
 * and `bus.unsubscribed_ratio` (the same loop with a bus present but no
 * subscriber ÷ with event emission disabled, measured alternately in one run).
 */
import {EventBus} from '../bus/event-bus.js';
import {Machine} from '../cpu/machine.js';
import {assembleOrThrow} from '../isa/assembler/index.js';
import type {BenchRow} from './row.js';

/** The tight loop: count, mask, compare, branch. */
const loop = `
_start: mov r1, 0
again:  add r1, r1, 1
        and r2, r1, 63
        cmp r1, 0x7FFFFFFF
        jnz again
        out 0xF0, 0
`;

const program = assembleOrThrow(loop, {file: 'bench-loop.s'});

/** Millions of instructions per second over `instructions`, with or without a bus. */
export function measureMips(instructions: number, bus: EventBus | null): number {
	const machine = new Machine({bus});
	machine.load(program.bytes);
	machine.pc = program.entry;
	const start = performance.now();
	let left = instructions;
	while (left > 0) left -= machine.run(Math.min(left, 1_000_000));
	const ms = performance.now() - start;
	return machine.instret / ms / 1000;
}

export function benchCore(): BenchRow[] {
	const n = 60_000_000;
	measureMips(5_000_000, null); // warm up the JIT on both paths
	measureMips(5_000_000, new EventBus());
	const withBus: number[] = [];
	const without: number[] = [];
	for (let i = 0; i < 3; i++) {
		without.push(measureMips(n, null));
		withBus.push(measureMips(n, new EventBus()));
	}
	const best = (xs: number[]) => Math.max(...xs);
	return [
		{name: 'core.mips', value: round(best(without)), unit: 'MIPS'},
		{name: 'bus.unsubscribed_ratio', value: round(best(withBus) / best(without), 3), unit: 'ratio'},
	];
}

function round(x: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}
