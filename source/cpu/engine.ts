/**
 * How the CPU executes guest code: `interp` interprets every instruction (the
 * reference); `jit` translates hot regions of guest code into JavaScript
 * functions (source/cpu/translate/) and interprets the rest. Both give the same
 * registers, flags, memory, instruction and cycle counts, and interrupt
 * timing: the choice changes only how fast the simulation runs.
 */
export type Engine = 'interp' | 'jit';

export const engines: readonly Engine[] = ['interp', 'jit'];

let fallback: Engine = 'jit';

/** The engine a Machine gets when its config names none. */
export function defaultEngine(): Engine {
	return fallback;
}

/** Change the default (the test setup does, from VMTOP_ENGINE, to run every test under either engine). */
export function setDefaultEngine(engine: Engine): void {
	fallback = engine;
}

export function isEngine(value: unknown): value is Engine {
	return value === 'interp' || value === 'jit';
}

/** How `Machine.interpret` ended: it ran its whole count (the only exit that does not end a slice). */
export const EXIT_COUNT = 0;
