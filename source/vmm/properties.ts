/**
 * Popek & Goldberg's three properties of a virtual machine, measured on a
 * finished (or stopped) run under the VMM, and the lecture's contemporary
 * figure beside them:
 *
 *   equivalence       — the guest observes what it would natively (equivalence.ts);
 *                       ISA level under trap and bt, OS level under pv (the guest
 *                       is another build of the kernel: "similar but not identical")
 *   resource control  — no guest reached a resource it was not given, judged by
 *                       what the guests did (resource-control.ts), never by equivalence
 *   efficiency        — the share of guest instructions that ran directly
 *                       (Goldberg's "statistically dominant subset")
 *   effectiveness     — native cycles ÷ virtualized cycles for the same guest work
 *                       (the lecture: "50–80 % effectiveness"; docs/v32.md §8's costs);
 *                       comparable only when the run is equivalent
 *
 * An operating system has two of the three (the lecture, after P&G): efficiency
 * and resource control, not equivalence — `referenceReport` says so.
 *
 * `PgReport` is plain data: `vmtop stats` prints it, the dashboard renders it.
 */
import type {CostModel} from '../cpu/costs.js';
import type {Simulation} from '../sim/simulation.js';
import type {Attempt} from './resource-control.js';
import {type GuestEquivalence, type NativeOutcome, compareGuest, runReference} from './equivalence.js';
import {explainDivergence, userSensitiveUnprivileged} from './causes.js';
import type {VmmSimulation} from './vmm-simulation.js';

export interface ResourceCheck {
	/** What must hold: `real timer`, `real IDT`, `real interrupts`, `power`, `partitions`, `VMM memory`, `other guests' memory`. */
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
	technique: 'none' | 'trap' | 'bt' | 'pv' | 'hvm';
	isa: string;
	type: 1 | 2;
	guests: number;
	/** VMM entries, all guests (0 without a VMM). */
	entries: number;
	equivalence: {
		verdict: 'reference' | 'equivalent' | 'not equivalent';
		/**
		 * What was compared: `ISA` (trap, bt, hvm: the same kernel, registers and memory bit for bit) or
		 * `OS` (pv: the para-virtualized build against the native build, by what its processes and
		 * console show, kernel addresses by label); `none` for the reference run.
		 */
		level: 'ISA' | 'OS' | 'none';
		guests: GuestEquivalence[];
	};
	resourceControl: {
		verdict: 'reference' | 'contained' | 'violated';
		attempts: Attempt[];
		checks: ResourceCheck[];
	};
	efficiency: {direct: number; emulated: number; directShare: number};
	/** `comparable`: only an equivalent run did the same guest work as the native one. */
	effectiveness: {nativeCycles: number; virtualCycles: number; ratio: number; comparable: boolean};
	perGuest: GuestFigures[];
	/** vmm none: which properties the operating system itself has (P&G via the lecture: two of the three). */
	os?: string;
	/** The hybrid VMM (hvm only): guest-kernel instructions interpreted and their cycles (docs/v32.md §8.1). */
	interpretation?: {
		instructions: number;
		cycles: number;
		/** Sensitive in user mode and unprivileged on this profile: Theorem 3 fails if any (a process runs them directly). */
		userSensitive: string[];
	};
	/** Binary translation (bt only). */
	translation?: {blocks: number; retranslations: number; patches: number; scanned: number};
}

export interface MeasureOptions {
	/** Reference runs stop after this many instructions (default 50M). */
	maxInstructions?: number;
	/** Native outcomes already computed (same order as the guests). */
	references?: NativeOutcome[];
	/** Find each divergence's first cause by lockstep (default true; it reruns the guest instruction by instruction). */
	explain?: boolean;
}

/** Measure the three properties (and effectiveness) of a run under the VMM. Runs each guest's native reference. */
export function measureProperties(sim: VmmSimulation, options: MeasureOptions = {}): PgReport {
	sim.monitor.scheduler.settle();
	const costs = sim.machine.costs as Partial<CostModel>;
	const profile = sim.machine.profile;
	const gs = sim.guestList;
	const refs =
		options.references ?? sim.specs.map((spec) => runReference(spec, {profile, costs, maxInstructions: options.maxInstructions}));
	const equivalence = gs.map((g) => {
		const e = compareGuest(sim, g, refs[g.index]!);
		const explain = e.verdict === 'not equivalent' && options.explain !== false;
		return explain ? {...e, ...explainDivergence(sim, g, refs[g.index]!, e.divergence!)} : e;
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
	const verdict = equivalence.every((e) => e.verdict === 'equivalent') ? 'equivalent' : 'not equivalent';
	const report: PgReport = {
		technique: t,
		isa: profile.name,
		type: sim.description.type,
		guests: gs.length,
		entries: sim.monitor.entries,
		equivalence: {verdict, level: t === 'pv' ? 'OS' : 'ISA', guests: equivalence},
		resourceControl: resourceControl(sim),
		efficiency: {direct, emulated, directShare: direct + emulated > 0 ? direct / (direct + emulated) : 1},
		effectiveness: {nativeCycles, virtualCycles, ratio: virtualCycles > 0 ? nativeCycles / virtualCycles : 1, comparable: verdict === 'equivalent'},
		perGuest,
	};
	const interpreter = sim.monitor.interpreter;
	if (interpreter) {
		const userSensitive = userSensitiveUnprivileged(profile.privileged as ReadonlySet<string>);
		report.interpretation = {instructions: interpreter.interpreted, cycles: interpreter.cycles, userSensitive};
	}
	if (t === 'bt') {
		const tr = {blocks: 0, retranslations: 0, patches: 0, scanned: 0};
		for (const g of gs) for (const k of Object.keys(tr) as Array<keyof typeof tr>) tr[k] += g.translation[k];
		report.translation = tr;
	}
	return report;
}

function resourceControl(sim: VmmSimulation): PgReport['resourceControl'] {
	const m = sim.machine;
	const vm = sim.monitor;
	const gs = sim.guestList;
	const attempts = gs.flatMap((g) => g.resource.attempts());
	const count = (kind: string) => attempts.filter((a) => a.kind === kind).reduce((s, a) => s + a.count, 0);
	const masked = gs.reduce((s, g) => s + g.timerEntriesWhileMasked, 0);
	const running = gs.filter((g) => g.vcpu.state !== 'stopped').length;
	const poweredOff = gs.filter((g) => g.vcpu.stopped?.reason === 'poweroff').length;
	const hookOk = m.trapHook !== null;
	// The VMM's own memory (its IDT) lies above every partition: a guest that wrote there reached the VMM.
	const vmmMemory = m.mem.subarray(vm.idtBase, vm.idtBase + 1024);
	const vmmTouched = vmmMemory.findIndex((b) => b !== 0);
	const checks: ResourceCheck[] = [
		{
			name: 'real timer',
			ok: hookOk && (m.timerPeriod === vm.scheduler.slice || vm.scheduler.waiting),
			detail: `stayed the VMM's (time slice ${vm.scheduler.slice}); guests programmed only their virtual timers (${count('program the timer') + count('stop the timer')}×)`,
		},
		{
			name: 'real IDT',
			ok: hookOk && (m.idt >>> 0) === vm.idtBase,
			detail: `held the VMM's own table (0x${vm.idtBase.toString(16)}) and every real exception went to the VMM; guests loaded only their virtual IDTs (${count('replace the IDT')}×)`,
		},
		{
			name: 'real interrupts',
			ok: m.intEnabled || m.stopped !== null,
			detail: `on whenever guest code ran; the real timer reached the VMM ${masked}× while a guest had its virtual IF off`,
		},
		{
			name: 'power',
			ok: m.stopped?.reason !== 'poweroff' || running === 0,
			detail: `${poweredOff === 1 ? '1 guest powered off its virtual machine' : `${poweredOff} guests powered off their virtual machines`}; the real machine ${m.stopped ? 'stopped only when no guest was left' : 'is still running'}`,
		},
		{
			name: 'partitions',
			ok: vm.scheduler.segmentViolations === 0,
			detail: `every guest resumed inside its partition (${count('access outside the partition')} accesses outside: #GP; ${count('widen the user segment')} wider user segments clipped)`,
		},
		{
			name: 'VMM memory',
			ok: vmmTouched < 0,
			detail: vmmTouched < 0 ? 'untouched by every guest' : `changed at 0x${(vm.idtBase + vmmTouched).toString(16)}: a guest reached the VMM's own memory`,
		},
	];
	// Only a run that watched guests' memory (stats, the dashboard) can say who touched whose.
	if (gs.length > 1 && vm.scheduler.watch.enabled) {
		// Judged by what the guests touched, never by whether they stayed equivalent.
		vm.scheduler.watch.checkAll(vm.current);
		const touches = vm.scheduler.watch.touches;
		checks.push({
			name: "other guests' memory",
			ok: touches.length === 0,
			detail:
				touches.length === 0
					? "no guest's memory changed while another guest held the CPU"
					: touches
							.map((t) => `guest ${t.guest}'s memory changed at 0x${t.at.toString(16)} while guest ${t.by.join(', ')} ran`)
							.join('; '),
		});
	}
	return {verdict: checks.every((c) => c.ok) ? 'contained' : 'violated', attempts, checks};
}

/** What an operating system is as a virtual machine (the lecture's "2/3 virtual machine properties", after P&G). */
export const OS_PROPERTIES =
	'an operating system has two of the three properties: efficiency (its processes run directly on the CPU) and resource control (it owns the machine and gives each process its share), not equivalence (its processes see system calls, not the bare machine)';

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
		equivalence: {verdict: 'reference', level: 'none', guests: []},
		resourceControl: {verdict: 'reference', attempts: [], checks: []},
		efficiency: {direct: m.instret, emulated: 0, directShare: 1},
		effectiveness: {nativeCycles: m.cycles, virtualCycles: m.cycles, ratio: 1, comparable: true},
		perGuest: [figures],
		os: OS_PROPERTIES,
	};
}
