/**
 * The instruction limit (`maxInstructions`, `--max-instructions`) for a run
 * driven in turns (the live dashboard), as `runHeadless` applies it to a
 * headless run: the run stops, reason `instruction-limit`, exactly at the
 * limit. The simulation itself is untouched; only `run` is bounded.
 */
import type {Simulation} from '../sim/simulation.js';

export function withInstructionLimit<S extends Simulation>(sim: S, max: number | undefined): S {
	if (max === undefined) return sim;
	const stopAtLimit = (): void => sim.stop('instruction-limit', 1, `stopped after the instruction limit of ${max}`);
	const run = (budget: number): number => {
		const left = max - sim.instret;
		if (left <= 0) {
			if (!sim.stopped) stopAtLimit();
			return 0;
		}
		const ran = sim.run(Math.min(budget, left));
		if (sim.instret >= max && !sim.stopped) stopAtLimit();
		return ran;
	};
	// A proxy, so `instanceof KernelSimulation` and every other member still see the simulation itself.
	return new Proxy(sim, {
		get(target, key) {
			if (key === 'run') return run;
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
	});
}
