/**
 * Nested virtualization (issue 17 §2): the sample kernel with the default
 * scenario's processes at every depth, its console output checked equal to
 * the native run's (a fast wrong run is no result):
 *   nested.depth0.mips        the kernel on the bare machine
 *   nested.depth1.mips        under mini-vmm (samples/scenarios/nested-1.json)
 *   nested.depth2.mips        under mini-vmm under vmtop's trap VMM (nested-1.json, --vmm trap)
 *   nested.depth2_self.mips   under mini-vmm under mini-vmm (nested-2.json)
 * MIPS = the kernel's own instructions (the native count) per wall-clock
 * second, best of ROUNDS. Deterministic figures beside them:
 *   nested.exits_per_syscall.depth{1,2,2_self}   exits of the level on the real machine per kernel system call
 *   nested.cycles_ratio.depth{1,2,2_self}        cycles (docs/v32.md §8) ÷ native cycles
 */
import {runHeadless} from '../cpu/headless.js';
import {buildSimulation} from '../scenario/build.js';
import {type Scenario, loadScenario, packageFile} from '../scenario/scenario.js';
import {nestedReport} from '../stats/nested-stats.js';
import type {BenchRow} from './row.js';

const ROUNDS = 3;

interface Depth {
	name: string;
	scenario: Scenario;
}

export function benchNested(rounds = ROUNDS): BenchRow[] {
	const nested1 = loadScenario(packageFile('samples/scenarios/nested-1.json'));
	const depths: Depth[] = [
		{name: 'depth0', scenario: loadScenario(packageFile('samples/scenarios/default.json'))},
		{name: 'depth1', scenario: nested1},
		{name: 'depth2', scenario: {...nested1, vmm: 'trap'}},
		{name: 'depth2_self', scenario: loadScenario(packageFile('samples/scenarios/nested-2.json'))},
	];
	// Warm up (the first run in a process pays for compiling the simulator itself).
	runHeadless(buildSimulation(depths[0]!.scenario));
	const rows: BenchRow[] = [];
	let nativeOutput = '';
	let nativeInstructions = 0;
	let nativeCycles = 0;
	for (const d of depths) {
		let best = Infinity;
		let output = '';
		let cycles = 0;
		let exitsPerSyscall: number | undefined;
		for (let i = 0; i < rounds; i++) {
			const sim = buildSimulation(d.scenario);
			output = '';
			const {elapsedMs} = runHeadless(sim, {onOutput: (t) => (output += t)});
			best = Math.min(best, elapsedMs);
			cycles = sim.machine.cycles;
			const r = nestedReport(sim);
			if (r) exitsPerSyscall = r.levels[0]!.exits / r.syscalls;
			if (d.name === 'depth0') nativeInstructions = sim.instret;
		}
		if (d.name === 'depth0') {
			nativeOutput = output;
			nativeCycles = cycles;
		} else if (output !== nativeOutput) {
			throw new Error(`nested.${d.name}: the kernel's console output differs from the native run's`);
		}
		rows.push({name: `nested.${d.name}.mips`, value: Math.round((nativeInstructions / best / 1000) * 100) / 100, unit: 'MIPS'});
		if (exitsPerSyscall !== undefined) {
			rows.push({name: `nested.exits_per_syscall.${d.name}`, value: Math.round(exitsPerSyscall * 10) / 10, unit: 'exits'});
			rows.push({name: `nested.cycles_ratio.${d.name}`, value: Math.round((cycles / nativeCycles) * 100) / 100, unit: 'x'});
		}
	}
	return rows;
}
