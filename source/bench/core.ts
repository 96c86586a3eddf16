/**
 * Core benchmarks: `core.mips` (a tight loop, headless, nothing subscribed,
 * the interpreter), `bus.unsubscribed_ratio` (the same loop with a bus present
 * but no subscriber ÷ with event emission disabled), and `core.jit_mips` /
 * `core.jit_ratio` (the loop under the translating engine ÷ the interpreter),
 * all measured alternately in one run.
 */
import {EventBus} from '../bus/event-bus.js';
import {Machine} from '../cpu/machine.js';
import {assembleOrThrow} from '../isa/assembler/index.js';
import type {BenchRow} from './row.js';

/** The tight loop: count, mask, compare, branch (also what the trace bench records). */
export const loop = `
_start: mov r1, 0
again:  add r1, r1, 1
        and r2, r1, 63
        cmp r1, 0x7FFFFFFF
        jnz again
        out 0xF0, 0
`;

const program = assembleOrThrow(loop, {file: 'bench-loop.s'});

/**
 * Millions of instructions per second, measured alternately with and without a
 * bus on one machine (a fresh Machine per measurement would measure V8's
 * re-optimisation instead: the first instance of a class gets the best code).
 */
export function measureCore(instructions: number, rounds: number): {withBus: number[]; without: number[]; jit: number[]} {
	const machine = new Machine({bus: null, engine: 'interp'});
	const translating = new Machine({bus: null, engine: 'jit'});
	translating.load(program.bytes);
	translating.pc = 0;
	machine.load(program.bytes);
	machine.pc = 0; // reset
	const bus = new EventBus();
	const timed = (n: number, on = machine): number => {
		const start = performance.now();
		const before = on.instret;
		let left = n;
		while (left > 0) left -= on.run(Math.min(left, 1_000_000));
		return (on.instret - before) / (performance.now() - start) / 1000;
	};
	machine.bus = bus;
	timed(5_000_000); // warm up the JIT on both paths
	machine.bus = null;
	timed(5_000_000);
	timed(5_000_000, translating);
	const withBus: number[] = [];
	const without: number[] = [];
	const jit: number[] = [];
	for (let i = 0; i < rounds; i++) {
		machine.bus = null;
		without.push(timed(instructions));
		machine.bus = bus;
		withBus.push(timed(instructions));
		jit.push(timed(instructions * 4, translating));
	}
	return {withBus, without, jit};
}

export function benchCore(): BenchRow[] {
	const {withBus, without, jit} = measureCore(40_000_000, 4);
	const best = (xs: number[]) => Math.max(...xs);
	return [
		{name: 'core.mips', value: round(best(without)), unit: 'MIPS'},
		{name: 'bus.unsubscribed_ratio', value: round(best(withBus) / best(without), 3), unit: 'ratio'},
		{name: 'core.jit_mips', value: round(best(jit)), unit: 'MIPS'},
		{name: 'core.jit_ratio', value: round(best(jit) / best(without), 2), unit: 'ratio'},
	];
}

function round(x: number, digits = 1): number {
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}
