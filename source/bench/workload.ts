/**
 * Workload benchmarks: the translating engine against the interpreter on real
 * programs, as ratios measured alternately in one process (the machine is
 * noisy; a ratio from one run is what can be compared):
 *   workload.primes_ratio        samples/bare/primes.s, whole runs (ten timed together)
 *   workload.kernel_ratio        the sample kernel running samples/user/hanoi.s --input 16 (native)
 *   workload.kernel_{trap,bt,pv}_ratio   the same under the VMM
 * The kernel runs are cut at KERNEL_INSTRUCTIONS (the whole run is 106 M
 * instructions) so the group takes seconds. Each pair of runs must end with the
 * same instruction and cycle counts, or the bench fails: a fast wrong engine
 * is no result. These are throughput ratios, both engines warm; a cold start
 * (regions compiled, V8 tiering up) is what `startup.*` and a whole
 * `vmtop run` show (docs/architecture.md gives both).
 */
import {type Engine} from '../cpu/engine.js';
import {runHeadless} from '../cpu/headless.js';
import {Machine} from '../cpu/machine.js';
import {assembleFileOrThrow} from '../isa/assembler/index.js';
import {buildSimulation} from '../scenario/build.js';
import {packageFile, scenarioFromFlags} from '../scenario/scenario.js';
import type {BenchRow} from './row.js';

const KERNEL_INSTRUCTIONS = 20_000_000;
const ROUNDS = 3;

interface Timed {
	ms: number;
	instret: number;
	cycles: number;
}

/** Whole runs of primes.s timed together: one takes 4–8 ms translated, below what one timing can resolve. */
const PRIMES_RUNS = 10;

function primes(engine: Engine, bytes: Uint8Array): Timed {
	const machines = Array.from({length: PRIMES_RUNS}, () => {
		const m = new Machine({bus: null, engine});
		m.load(bytes);
		m.pc = 0;
		return m;
	});
	const start = performance.now();
	for (const m of machines) while (!m.stopped) m.run(1_000_000);
	const ms = performance.now() - start;
	// Every run the same: the counts of one stand for all (the bench compares them across engines).
	const [first] = machines;
	if (machines.some((m) => m.instret !== first!.instret || m.cycles !== first!.cycles)) throw new Error('primes: runs of one engine disagree');
	return {ms, instret: first!.instret, cycles: first!.cycles};
}

function kernel(engine: Engine, vmm: 'none' | 'trap' | 'bt' | 'pv'): Timed {
	const scenario = {...scenarioFromFlags({programs: [packageFile('samples/user/hanoi.s')], input: '16'}), vmm};
	const sim = buildSimulation(scenario, {engine});
	const {elapsedMs} = runHeadless(sim, {maxInstructions: KERNEL_INSTRUCTIONS});
	return {ms: elapsedMs, instret: sim.machine.instret, cycles: sim.machine.cycles};
}

/**
 * interp time ÷ jit time, best of ROUNDS each, measured alternately after one run of each to warm
 * both up (the jit's first run compiles its regions, V8 its functions: that is startup, which
 * `startup.*` measures, not throughput).
 */
function ratio(what: string, run: (engine: Engine) => Timed): number {
	let interp = Infinity;
	let jit = Infinity;
	run('interp');
	run('jit');
	for (let i = 0; i < ROUNDS; i++) {
		const a = run('interp');
		const b = run('jit');
		if (a.instret !== b.instret || a.cycles !== b.cycles) {
			throw new Error(`${what}: the engines disagree (interp ${a.instret} instructions, ${a.cycles} cycles; jit ${b.instret}, ${b.cycles})`);
		}
		interp = Math.min(interp, a.ms);
		jit = Math.min(jit, b.ms);
	}
	return Math.round((interp / jit) * 100) / 100;
}

export function benchWorkload(): BenchRow[] {
	const bytes = assembleFileOrThrow(packageFile('samples/bare/primes.s')).bytes;
	const rows: BenchRow[] = [{name: 'workload.primes_ratio', value: ratio('primes', (e) => primes(e, bytes)), unit: 'ratio'}];
	for (const vmm of ['none', 'trap', 'bt', 'pv'] as const) {
		const name = vmm === 'none' ? 'workload.kernel_ratio' : `workload.kernel_${vmm}_ratio`;
		rows.push({name, value: ratio(`kernel (${vmm})`, (e) => kernel(e, vmm)), unit: 'ratio'});
	}
	return rows;
}
