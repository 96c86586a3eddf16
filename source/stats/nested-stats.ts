/**
 * Nested virtualization counted (issue 17 §2): how many exits each level of a
 * nested run takes, per system call and per exception of the kernel at the
 * bottom, and the journey of one `int 0x80` crossing every level.
 *
 * Each mini-vmm layer counts its own work in its memory (`n_exits`,
 * `n_emulated`, `n_reflected`, `n_syscalls`: samples/vmm/mini-vmm.s); vmtop's
 * TypeScript VMM, when it hosts the stack, counts its entries per guest. The
 * innermost layer's reflections are the kernel's exceptions: its `int 0x80`
 * are the kernel's system calls.
 *
 * Why exits multiply (Turtles, Ben-Yehuda et al., OSDI 2010): a VMM running
 * deprivileged turns each of its own privileged instructions into an exit of
 * the level below, so one exit of level k costs the level below as many exits
 * as the handler executes privileged instructions.
 */
import {mnemonicOf} from '../isa/opcodes.js';
import {Symbolizer} from '../isa/program.js';
import type {LayerPlacement} from '../sim/nested.js';
import {sensitive} from '../vmm/translator.js';
import {NestedSimulation} from '../sim/nested.js';
import type {Simulation} from '../sim/simulation.js';
import {nestedLayoutOf} from '../scenario/nested-scenario.js';
import {VmmSimulation} from '../vmm/vmm-simulation.js';

export interface LevelCount {
	/** 1 = the level on the real machine (the outermost VMM), then inwards. */
	level: number;
	/** `vmtop trap (TypeScript)` or the layer's file name. */
	name: string;
	/** Entries into this VMM. */
	exits: number;
}

export interface NestedReport {
	/** VMM levels under the kernel. */
	depth: number;
	levels: LevelCount[];
	/** The kernel's system calls and all exceptions/interrupts delivered to it (by the innermost layer). */
	syscalls: number;
	exceptions: number;
	/** One `int 0x80` of a process, from the int to the process's next instruction: exits at each level. */
	journey?: {levels: LevelCount[]; realInstructions: number};
}

interface Layout {
	/** Real address of the layout's physical 0 (the TS VMM's partition, or 0). */
	base: number;
	layers: LayerPlacement[];
	kernelStart: number;
	/** The TS VMM hosting the stack, if any. */
	host?: VmmSimulation;
}

function layoutOf(sim: Simulation): Layout | undefined {
	if (sim instanceof NestedSimulation) return {base: 0, layers: sim.nested.layers, kernelStart: sim.nested.kernelStart};
	const nested = nestedLayoutOf(sim);
	if (nested && sim instanceof VmmSimulation) {
		return {base: sim.guestList[0]!.partition.base, layers: nested.layers, kernelStart: nested.kernelStart, host: sim};
	}
	return undefined;
}

function counter(sim: Simulation, layout: Layout, layer: LayerPlacement, label: string): number {
	const at = layer.program.labels.get(label);
	if (at === undefined) return 0;
	return sim.machine.mem32[(layout.base + layer.start + at) >>> 2]! >>> 0;
}

function levels(sim: Simulation, layout: Layout): LevelCount[] {
	const rows: LevelCount[] = [];
	if (layout.host) rows.push({level: 1, name: `vmtop ${layout.host.description.vmm} (TypeScript)`, exits: layout.host.guestList[0]!.entries});
	layout.layers.forEach((l) => rows.push({level: rows.length + 1, name: l.program.file.split('/').pop()!, exits: counter(sim, layout, l, 'n_exits')}));
	return rows;
}

/** The counts of a nested run so far; undefined for a run that is not nested. */
export function nestedReport(sim: Simulation): NestedReport | undefined {
	const layout = layoutOf(sim);
	if (!layout) return undefined;
	const inner = layout.layers.at(-1)!;
	const rows = levels(sim, layout);
	return {depth: rows.length, levels: rows, syscalls: counter(sim, layout, inner, 'n_syscalls'), exceptions: counter(sim, layout, inner, 'n_reflected')};
}

/**
 * Follow one `int 0x80` of a kernel process through every level, on a fresh
 * run from `build`: the exits each level takes from the process's int to its
 * next instruction (the first system call; `limit` real instructions at most).
 */
export function syscallJourney(build: () => Simulation, limit = 5_000_000): NestedReport['journey'] {
	const sim = build();
	const layout = layoutOf(sim);
	if (!layout) return undefined;
	const inner = layout.layers.at(-1)!;
	const m = sim.machine;
	const kernelBase = layout.base + layout.kernelStart;
	// A process runs directly: real user mode, in a segment above the kernel's guest-physical 0.
	const inProcess = () => !m.supervisor && m.ubase >>> 0 > kernelBase && m.ubase >>> 0 < kernelBase + layout.layers.at(-1)!.partitionSize;
	const syscalls0 = counter(sim, layout, inner, 'n_syscalls');
	let before = levels(sim, layout);
	let beforeInstret = sim.instret;
	let started = false;
	while (!sim.stopped && sim.instret < limit) {
		if (inProcess()) {
			if (started) {
				const after = levels(sim, layout);
				return {levels: after.map((r, i) => ({...r, exits: r.exits - before[i]!.exits})), realInstructions: sim.instret - beforeInstret};
			}
			before = levels(sim, layout);
			beforeInstret = sim.instret;
		}
		sim.run(1);
		if (!started && counter(sim, layout, inner, 'n_syscalls') > syscalls0) started = true;
	}
	return undefined;
}

/** A sensitive instruction that ran deprivileged without a trap (Robin & Irvine, 2000). */
export interface Hazard {
	mnemonic: string;
	/** `mini-vmm.s: vmm_boot+0x8 (level 2)` or `the kernel …`. */
	where: string;
	/** The VMM level whose own code ran it; 0 for the kernel or its processes. */
	level: number;
	/** Real instructions before it. */
	instruction: number;
}

/**
 * The first sensitive instruction the real CPU executed in user mode without
 * a trap, on a fresh run from `build` — what breaks equivalence at depth ≥ 2
 * on the pentium profile: a deprivileged VMM layer's (or kernel's) `smsw`,
 * `pushf`, `popf` or `sidt` sees the real machine. Undefined when none ran
 * within `limit` real instructions (on classic none can: all four trap).
 */
export function firstHazard(build: () => Simulation, limit = 3_000_000): Hazard | undefined {
	const sim = build();
	const layout = layoutOf(sim);
	if (!layout) return undefined;
	const m = sim.machine;
	const hazards = new Set<number>(sensitive.filter((op) => !m.profile.privileged.has(mnemonicOf[op]! as never)));
	let found: Hazard | undefined;
	const off = sim.bus.on('instruction', (e) => {
		if (found || e.supervisor || !hazards.has(e.header & 0xff)) return;
		const phys = e.phys >>> 0;
		const i = layout.layers.findIndex((l) => phys >= layout.base + l.start && phys < layout.base + l.start + l.program.bytes.length);
		const layer = layout.layers[i];
		const level = layer ? i + 1 + (layout.host ? 1 : 0) : 0;
		const where = layer
			? `${layer.program.file.split('/').pop()}: ${new Symbolizer(layer.program.labels).name(phys - layout.base - layer.start)} (the level-${level} VMM's own code)`
			: `${(phys - layout.base - layout.kernelStart) >>> 0 < 0x10000 ? 'the kernel' : 'a process'} at guest-physical 0x${(phys - layout.base - layout.kernelStart).toString(16)}`;
		found = {mnemonic: mnemonicOf[e.header & 0xff]!, where, level, instruction: e.instret};
	});
	while (!found && !sim.stopped && sim.instret < limit) sim.run(Math.min(10_000, limit - sim.instret));
	off();
	return found;
}

/** The report as `vmtop stats` prints it. */
export function formatNested(r: NestedReport): string[] {
	const per = (n: number, d: number) => (d === 0 ? '-' : (n / d).toFixed(1));
	const lines = [
		`Nested virtualization: ${r.depth} VMM level${r.depth === 1 ? '' : 's'} under the kernel (level 1 runs on the real machine)`,
		`  level  VMM                          exits  per kernel syscall  per kernel exception`,
	];
	for (const l of r.levels) {
		lines.push(`  ${String(l.level).padStart(5)}  ${l.name.padEnd(26)} ${String(l.exits).padStart(8)}  ${per(l.exits, r.syscalls).padStart(18)}  ${per(l.exits, r.exceptions).padStart(20)}`);
	}
	lines.push(`  the kernel: ${r.syscalls} system calls among ${r.exceptions} exceptions and interrupts delivered to it by level ${r.depth}`);
	if (r.journey) {
		const path = r.journey.levels
			.slice()
			.reverse()
			.map((l) => `level ${l.level} ${l.exits}`)
			.join(' → ');
		lines.push(`  one int 0x80 (the first system call), from the int to the process's next instruction: exits ${path}; ${r.journey.realInstructions} real instructions`);
		lines.push('  each exit of an inner VMM costs the level below one exit per privileged instruction its handler executes: exits multiply with depth');
	}
	return lines;
}
