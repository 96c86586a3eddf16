/**
 * The four properties of a virtual machine (Popek & Goldberg; effectiveness
 * from docs/v32.md §8.3), measured on a finished (or stopped) run under the VMM:
 *
 *   equivalence       — the guest observes what it would natively (equivalence.ts)
 *   resource control  — no guest took a real resource from the VMM (resource-control.ts)
 *   efficiency        — the share of guest instructions that ran directly
 *                       (Goldberg's "statistically dominant subset")
 *   effectiveness     — native cycles ÷ virtualized cycles for the same guest work
 *
 * `PgReport` is plain data: `vmtop stats` prints it, the dashboard renders it.
 */
import type {CostModel} from '../cpu/costs.js';
import type {Simulation} from '../scenario/simulation.js';
import type {Attempt} from './resource-control.js';
import {type GuestEquivalence, type NativeOutcome, compareGuest, runReference} from './equivalence.js';
import {explainDivergence} from './causes.js';
import type {VmmSimulation} from './vmm-simulation.js';

export interface ResourceCheck {
	/** What must hold: `real timer`, `real IDT`, `real interrupts`, `power`, `partitions`, `other guests`. */
	name: string;
	ok: boolean;
	detail: string;
}

export interface GuestFigures {
	guest: number;
	name: string;
	/** Guest instructions in total (directly executed + entered the VMM). */
	instructions: number;
	direct: number;
	emulated: number;
	/** direct ÷ instructions (efficiency). */
	directShare: number;
	nativeCycles: number;
	virtualCycles: number;
	/** nativeCycles ÷ virtualCycles (effectiveness). */
	effectiveness: number;
	entries: number;
}

export interface PgReport {
	technique: 'none' | 'trap' | 'bt' | 'pv';
	isa: string;
	type: 1 | 2;
	guests: number;
	/** VMM entries, all guests (0 without a VMM). */
	entries: number;
	equivalence: {
		verdict: 'reference' | 'equivalent' | 'not equivalent';
		guests: GuestEquivalence[];
	};
	resourceControl: {
		verdict: 'reference' | 'contained' | 'violated';
		attempts: Attempt[];
		checks: ResourceCheck[];
	};
	efficiency: {direct: number; emulated: number; directShare: number};
	effectiveness: {nativeCycles: number; virtualCycles: number; ratio: number};
	perGuest: GuestFigures[];
	/** Binary translation (bt only). */
	translation?: {blocks: number; retranslations: number; patches: number; scanned: number};
}

export interface MeasureOptions {
	/** Reference runs stop after this many instructions (default 50M). */
	maxInstructions?: number;
	/** Native outcomes already computed (same order as the guests). */
	references?: NativeOutcome[];
}

/** Measure the four properties of a run under the VMM. Runs each guest's native reference. */
export function measureProperties(sim: VmmSimulation, options: MeasureOptions = {}): PgReport {
	sim.monitor.scheduler.settle();
	const costs = sim.machine.costs as Partial<CostModel>;
	const profile = sim.machine.profile;
	const gs = sim.guestList;
	const refs =
		options.references ?? sim.specs.map((spec) => runReference(spec, {profile, costs, maxInstructions: options.maxInstructions}));
	const equivalence = gs.map((g) => {
		const e = compareGuest(sim, g, refs[g.index]!);
		if (e.verdict === 'not equivalent') e.cause = explainDivergence(sim, g, refs[g.index]!, e.divergence!);
		return e;
	});
	const perGuest: GuestFigures[] = gs.map((g) => {
		const v = g.vcpu;
		const native = refs[g.index]!.cycles;
		return {
			guest: g.index,
			name: g.name,
			instructions: v.instret,
			direct: v.instret - v.emulated,
			emulated: v.emulated,
			directShare: v.instret > 0 ? (v.instret - v.emulated) / v.instret : 1,
			nativeCycles: native,
			virtualCycles: g.cycles,
			effectiveness: g.cycles > 0 ? native / g.cycles : 1,
			entries: g.entries,
		};
	});
	const sum = (f: (x: GuestFigures) => number) => perGuest.reduce((s, x) => s + f(x), 0);
	const direct = sum((x) => x.direct);
	const emulated = sum((x) => x.emulated);
	const nativeCycles = sum((x) => x.nativeCycles);
	const virtualCycles = sim.machine.cycles;
	const t = sim.monitor.technique;
	const report: PgReport = {
		technique: t,
		isa: profile.name,
		type: sim.description.type,
		guests: gs.length,
		entries: sim.monitor.entries,
		equivalence: {
			verdict: equivalence.every((e) => e.verdict === 'equivalent') ? 'equivalent' : 'not equivalent',
			guests: equivalence,
		},
		resourceControl: resourceControl(sim, equivalence),
		efficiency: {direct, emulated, directShare: direct + emulated > 0 ? direct / (direct + emulated) : 1},
		effectiveness: {nativeCycles, virtualCycles, ratio: virtualCycles > 0 ? nativeCycles / virtualCycles : 1},
		perGuest,
	};
	if (t === 'bt') {
		const tr = {blocks: 0, retranslations: 0, patches: 0, scanned: 0};
		for (const g of gs) for (const k of Object.keys(tr) as Array<keyof typeof tr>) tr[k] += g.translation[k];
		report.translation = tr;
	}
	return report;
}

/** Escape attempts: a guest making one may end differently than natively, and that is its own business. */
const escapes = new Set(['access outside the partition', 'widen the user segment', 'stop the timer', 'halt with interrupts disabled']);

function resourceControl(sim: VmmSimulation, equivalence: GuestEquivalence[]): PgReport['resourceControl'] {
	const m = sim.machine;
	const vm = sim.monitor;
	const gs = sim.guestList;
	const attempts = gs.flatMap((g) => g.resource.attempts());
	const count = (kind: string) => attempts.filter((a) => a.kind === kind).reduce((s, a) => s + a.count, 0);
	const masked = gs.reduce((s, g) => s + g.timerEntriesWhileMasked, 0);
	const running = gs.filter((g) => g.vcpu.state !== 'stopped').length;
	const poweredOff = gs.filter((g) => g.vcpu.stopped?.reason === 'poweroff').length;
	const hookOk = m.trapHook !== null;
	const checks: ResourceCheck[] = [
		{
			name: 'real timer',
			ok: hookOk && (m.timerPeriod === vm.scheduler.slice || vm.scheduler.waiting),
			detail: `stayed the VMM's (time slice ${vm.scheduler.slice}); guests programmed only their virtual timers (${count('program the timer') + count('stop the timer')}×)`,
		},
		{
			name: 'real IDT',
			ok: hookOk,
			detail: `every real exception went to the VMM; guests loaded only their virtual IDTs (${count('replace the IDT')}×)`,
		},
		{
			name: 'real interrupts',
			ok: m.intEnabled || m.stopped !== null,
			detail: `on whenever guest code ran; the real timer reached the VMM ${masked}× while a guest had its virtual IF off`,
		},
		{
			name: 'power',
			ok: m.stopped?.reason !== 'poweroff' || running === 0,
			detail: `${poweredOff} guest(s) powered off their virtual machine; the real machine ${m.stopped ? 'stopped only when no guest was left' : 'is still running'}`,
		},
		{
			name: 'partitions',
			ok: vm.scheduler.segmentViolations === 0,
			detail: `every guest confined to its partition (${count('access outside the partition')} accesses outside: #GP; ${count('widen the user segment')} wider user segments clipped)`,
		},
	];
	if (gs.length > 1) {
		const others = equivalence.filter((e) => !gs[e.guest]!.resource.attempts().some((a) => escapes.has(a.kind)));
		checks.push({
			name: 'other guests',
			ok: others.every((e) => e.verdict === 'equivalent'),
			detail: others.map((e) => `guest ${e.guest} (${e.name}): ${e.verdict}`).join('; ') || 'every guest tried to escape',
		});
	}
	return {verdict: checks.every((c) => c.ok) ? 'contained' : 'violated', attempts, checks};
}

/** The reference run itself (`vmm: none`): no VMM, nothing to compare. */
export function referenceReport(sim: Simulation): PgReport {
	const m = sim.machine;
	const figures: GuestFigures = {
		guest: -1,
		name: sim.description.name,
		instructions: m.instret,
		direct: m.instret,
		emulated: 0,
		directShare: 1,
		nativeCycles: m.cycles,
		virtualCycles: m.cycles,
		effectiveness: 1,
		entries: 0,
	};
	return {
		technique: 'none',
		isa: m.profile.name,
		type: 1,
		guests: 1,
		entries: 0,
		equivalence: {verdict: 'reference', guests: []},
		resourceControl: {verdict: 'reference', attempts: [], checks: []},
		efficiency: {direct: m.instret, emulated: 0, directShare: 1},
		effectiveness: {nativeCycles: m.cycles, virtualCycles: m.cycles, ratio: 1},
		perGuest: [figures],
	};
}
