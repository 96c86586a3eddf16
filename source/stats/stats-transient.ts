/**
 * `vmtop stats` for a transient VMM (`"transient"`, `--attach-at`): the run with
 * its intervals, judged over the virtualized intervals only — equivalence with
 * the native run, efficiency, effectiveness against the native cycles of the
 * same instruction spans, and what the attaches and detaches cost.
 */
import {EventBus} from '../bus/event-bus.js';
import {runHeadless} from '../cpu/headless.js';
import {buildKernelSimulation} from '../scenario/build.js';
import {transientScenarioLockstep} from '../scenario/lockstep.js';
import type {Scenario} from '../scenario/scenario.js';
import {buildTransientScenario} from '../scenario/transient-scenario.js';
import type {Engine} from '../sim/simulation.js';
import {type ExitRow, ExitStats} from './exit-stats.js';
import type {TransientStats} from '../vmm/transient.js';

export interface TransientStatsBlock extends TransientStats {
	intervals: number;
	spans: Array<{technique: string; type: 1 | 2; from: number; to: number | null}>;
	/** Native cycles of the same instruction spans (the reference run, stepped to each point). */
	nativeCycles: number;
	/** nativeCycles ÷ cycles while attached. */
	effectiveness: number;
	equivalent: boolean;
	/** When not equivalent: the first divergence, by lockstep. */
	firstCause?: string;
	exits: ExitRow[];
}

export function transientStats(scenario: Scenario, maxInstructions: number, engine?: Engine) {
	const options = engine ? {engine} : {};
	const bus = new EventBus();
	const exitStats = new ExitStats(bus);
	const sim = buildTransientScenario(scenario, {bus, ...options});
	let output = '';
	const {stop} = runHeadless(sim, {maxInstructions, onOutput: (t) => (output += t)});
	const t = sim.stats();
	// The native run: whole, for equivalence; stepped to each interval's ends, for its cycles there.
	const native = buildKernelSimulation({...scenario, transient: undefined}, options);
	let nativeOutput = '';
	let nativeCycles = 0;
	const m = native.machine;
	const to = (at: number) => {
		while (!m.stopped && m.instret < at) if (m.run(at - m.instret) === 0) break;
		nativeOutput += m.takeOutput();
		return m.cycles;
	};
	for (const a of sim.attachments) {
		const from = to(a.attachAt);
		nativeCycles += to(a.detachAt ?? sim.instret) - from;
	}
	const nativeStop = runHeadless(native, {maxInstructions, onOutput: (x) => (nativeOutput += x)}).stop;
	const equivalent = output === nativeOutput && stop.message === nativeStop.message && sim.instret === m.instret;
	let firstCause: string | undefined;
	if (!equivalent) {
		const f = transientScenarioLockstep(scenario, {limit: maxInstructions}).first;
		firstCause = f ? `${f.where}: ${f.text} — ${f.what}: native ${f.native}, virtual ${f.virtual}` : 'none found by lockstep (the console or the stop differs)';
	}
	const block: TransientStatsBlock = {
		...t,
		spans: sim.attachments.map((a) => ({technique: a.technique, type: a.type, from: a.attachAt, to: a.detachAt ?? null})),
		nativeCycles,
		effectiveness: t.cycles > 0 ? nativeCycles / t.cycles : 1,
		equivalent,
		...(firstCause ? {firstCause} : {}),
		exits: exitStats.rows(undefined, sim.machine.cycles),
	};
	return {sim, stop, output, block};
}

export function formatTransient(b: TransientStatsBlock): string[] {
	const n = (x: number) => x.toLocaleString('en-US');
	const spans = b.spans.map((s) => `${s.technique}${s.type === 2 ? ' (Type II)' : ''} ${n(s.from)}–${s.to === null ? 'end' : n(s.to)}`).join(', ');
	const lines = [`Transient VMM — over the virtualized intervals only (${b.intervals}: ${spans || 'never attached'})`];
	lines.push(
		b.equivalent
			? '  equivalence       equivalent: console output, stop and instruction count as the native run'
			: `  equivalence       NOT equivalent; first divergence: ${b.firstCause}`,
	);
	lines.push(`  efficiency        ${((b.direct * 100).toFixed(1))}% of ${n(b.instructions)} guest instructions ran directly while attached (${n(b.emulated)} through the VMM)`);
	lines.push(`  effectiveness     ${b.effectiveness.toFixed(3)} (native ${n(b.nativeCycles)} cycles ÷ ${n(b.cycles)} while attached)`);
	lines.push(`  attach/detach     ${n(b.overhead)} of those cycles (state capture, partition setup, restore)`);
	lines.push(`  VMM entries       ${n(b.entries)}`);
	for (const r of b.exits) lines.push(`    ${r.reason.padEnd(28)}${n(r.count).padStart(8)}`);
	return lines;
}
