/**
 * Popek & Goldberg's three properties, and effectiveness, while a run is still going, for the dashboard's panel
 * (asked at frame rate, so cheap): the native references run once, lazily;
 * equivalence so far compares the console output with the reference's; when
 * every guest has stopped the full measurement (`measureProperties`) is taken
 * once and shown instead. Lines are `{label, value, ok?}` — the panel's shape,
 * without importing the UI.
 */
import type {Simulation} from '../sim/simulation.js';
import {type NativeOutcome, runReference} from './equivalence.js';
import {type PgReport, measureProperties} from './properties.js';
import {TransientSimulation} from './transient.js';
import {VmmSimulation} from './vmm-simulation.js';

export interface PropertyLine {
	label: string;
	value: string;
	/** true: holds, false: violated, undefined: informative. */
	ok?: boolean;
}

interface Cache {
	references?: NativeOutcome[];
	final?: PgReport;
}
const caches = new WeakMap<VmmSimulation, Cache>();

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

/**
 * Below this many guest instructions a share or a ratio says nothing (one
 * entry in two instructions reads "50% efficient"): the panel says so instead.
 */
export const JUDGE_AFTER_INSTRUCTIONS = 1000;

/** The value shown for a share or ratio not yet worth judging. */
export function tooEarly(instructions: number): string {
	return `— too early: ${instructions.toLocaleString('en-US')} guest instructions so far (judged after ${JUDGE_AFTER_INSTRUCTIONS.toLocaleString('en-US')})`;
}

/** Property lines for a run under the VMM; undefined for a run without one. */
export function liveProperties(sim: Simulation): PropertyLine[] | undefined {
	if (sim instanceof TransientSimulation) return transientLines(sim);
	if (!(sim instanceof VmmSimulation)) return undefined;
	const cache = caches.get(sim) ?? {};
	caches.set(sim, cache);
	cache.references ??= sim.specs.map((spec) => runReference(spec, {profile: sim.machine.profile, costs: sim.machine.costs}));
	if (sim.stopped) {
		cache.final ??= measureProperties(sim, {references: cache.references});
		return [...finalLines(cache.final), ...typeIILine(sim)];
	}
	const gs = sim.guestList;
	let diverged: string | undefined;
	for (const g of gs) {
		const mine = g.vcpu.outputText();
		const native = cache.references[g.index]!.output;
		if (!native.startsWith(mine)) {
			let i = 0;
			while (mine[i] === native[i]) i++;
			diverged = `guest ${g.index}: console differs at byte ${i}`;
			break;
		}
	}
	const instructions = gs.reduce((s, g) => s + g.vcpu.instret, 0);
	const emulated = gs.reduce((s, g) => s + g.vcpu.emulated, 0);
	// Native cycles for the same guest work so far, at the reference's cycles per instruction.
	const nativeCycles = gs.reduce((s, g) => {
		const r = cache.references![g.index]!;
		return s + (r.instructions > 0 ? (g.vcpu.instret * r.cycles) / r.instructions : 0);
	}, 0);
	const attempts = gs.reduce((s, g) => s + g.resource.attempts().reduce((n, a) => n + a.count, 0), 0);
	const lines: PropertyLine[] = [
		diverged
			? {label: 'equivalence', value: `not equivalent: ${diverged}`, ok: false}
			: {label: 'equivalence', value: 'so far: console output as native', ok: true},
		{
			label: 'resource control',
			// Short enough for the panel at 120×35: the label says what the operations were on.
			value: `so far: ${attempts} ${attempts === 1 ? 'operation' : 'operations'}, all virtualized`,
			ok: sim.monitor.scheduler.segmentViolations === 0,
		},
		instructions < JUDGE_AFTER_INSTRUCTIONS
			? {label: 'efficiency', value: tooEarly(instructions)}
			: {label: 'efficiency', value: `${pct(1 - emulated / instructions)} of guest instr. ran directly`},
		instructions < JUDGE_AFTER_INSTRUCTIONS
			? {label: 'effectiveness', value: tooEarly(instructions)}
			: {label: 'effectiveness', value: `≈ ${(sim.machine.cycles > 0 ? nativeCycles / sim.machine.cycles : 1).toFixed(3)} (native ÷ virtualized cycles)`},
		{label: 'VMM entries', value: sim.monitor.entries.toLocaleString('en-US')},
	];
	return [...lines, ...translationLine(sim), ...interpretationLine(sim), ...typeIILine(sim)];
}

/** hvm: the guest-kernel instructions interpreted so far, and their cycles. */
function interpretationLine(sim: VmmSimulation): PropertyLine[] {
	const i = sim.monitor.interpreter;
	return i ? [{label: 'interpretation', value: interpretationText(i.interpreted, i.cycles)}] : [];
}

function interpretationText(instructions: number, cycles: number): string {
	return `${instructions.toLocaleString('en-US')} guest-kernel instructions interpreted, ${cycles.toLocaleString('en-US')} cycles`;
}

/** Said on screen under a Type II run: what of the host OS is modelled. */
function typeIILine(sim: VmmSimulation): PropertyLine[] {
	return sim.description.type === 2 ? [{label: 'Type II', value: 'only the host OS cost per exit is modelled, not its scheduling of the VMM'}] : [];
}

function translationLine(sim: VmmSimulation): PropertyLine[] {
	if (sim.monitor.technique !== 'bt') return [];
	const t = {blocks: 0, patches: 0, retranslations: 0};
	for (const g of sim.guestList) {
		t.blocks += g.translation.blocks;
		t.patches += g.translation.patches;
		t.retranslations += g.translation.retranslations;
	}
	return [{label: 'translation', value: `${t.blocks} blocks, ${t.patches} patches, ${t.retranslations} re-translated`}];
}

function finalLines(p: PgReport): PropertyLine[] {
	const eq = p.equivalence;
	const bad = eq.guests.find((g) => g.verdict !== 'equivalent');
	const lines: PropertyLine[] = [
		bad
			? {label: 'equivalence', value: `not equivalent: ${bad.cause ?? bad.divergence?.kind}`, ok: false}
			: {
					label: 'equivalence',
					value: p.equivalence.level === 'OS' ? 'equivalent at OS level (pv build vs native build)' : 'equivalent: console, exit, registers and memory as natively',
					ok: true,
				},
		{
			label: 'resource control',
			value: `${p.resourceControl.verdict}: ${p.resourceControl.checks.filter((c) => c.ok).length}/${p.resourceControl.checks.length} checks hold`,
			ok: p.resourceControl.verdict === 'contained',
		},
		{label: 'efficiency', value: `${pct(p.efficiency.directShare)} of guest instr. ran directly`},
		{
			label: 'effectiveness',
			value: p.effectiveness.comparable
				? `${p.effectiveness.ratio.toFixed(3)} (native ${p.effectiveness.nativeCycles} ÷ ${p.effectiveness.virtualCycles} cycles)`
				: 'not comparable (not equivalent)',
		},
		{label: 'VMM entries', value: p.entries.toLocaleString('en-US')},
	];
	if (p.translation) {
		const t = p.translation;
		lines.push({label: 'translation', value: `${t.blocks} blocks, ${t.patches} patches, ${t.retranslations} re-translated`});
	}
	if (p.interpretation) lines.push({label: 'interpretation', value: interpretationText(p.interpretation.instructions, p.interpretation.cycles)});
	return lines;
}

/** A transient VMM (`A`): whether it is attached, and what its intervals cost, over those intervals only. */
function transientLines(sim: TransientSimulation): PropertyLine[] | undefined {
	const t = sim.stats();
	if (t.intervals === 0) return undefined;
	const a = sim.attached;
	const n = (x: number) => x.toLocaleString('en-US');
	return [
		// Short enough for the panel at 120×35.
		{label: 'transient VMM', value: a ? `attached (${a.technique}) at instr ${n(a.attachAt)}` : `detached; ${t.intervals} interval${t.intervals === 1 ? '' : 's'} so far; A attaches`},
		t.instructions < JUDGE_AFTER_INSTRUCTIONS
			? {label: 'efficiency', value: tooEarly(t.instructions)}
			: {label: 'efficiency', value: `${(t.direct * 100).toFixed(2)}% of ${n(t.instructions)} instr. ran directly`},
		{label: 'VMM entries', value: `${n(t.entries)} while attached`},
		{label: 'attach/detach', value: `${n(t.overhead)} of ${n(t.cycles)} cycles while attached (state capture, partition setup, restore)`},
	];
}
