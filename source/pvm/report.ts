/**
 * Runs a program under several techniques and tabulates what each costs per
 * dispatch, beside the lecture's x86 switching overhead. No I/O: the CLI
 * prints `formatPvmTable(report.rows)`, the dashboard screen renders the rows.
 */
import type {PvmProgram} from './bytecode.js';
import type {RunOptions} from './runtime.js';
import {TECHNIQUE_INFO, TECHNIQUES, type Technique, type X86Overhead} from './techniques.js';

/** One technique measured on one program. */
export interface Measurement {
	technique: Technique;
	/** What the program printed. */
	output: string[];
	/** Dispatches in one run of the program. */
	dispatches: number;
	/** Timed runs (after one untimed warm-up run when timing for a minimum). */
	runs: number;
	/** Wall time of the timed runs, milliseconds. */
	elapsedMs: number;
}

export interface PvmRow {
	technique: Technique;
	/** STC, TTC, PTC, ITC, DTC, translated. */
	label: string;
	/** switch-threaded, … */
	name: string;
	/** Dispatches in one run of the program. */
	dispatches: number;
	nsPerDispatch: number;
	/** STC's ns per dispatch divided by this one's: 2 means twice as fast as STC; null without an STC measurement. */
	relativeToStc: number | null;
	/** The lecture's switching overhead in x86 instructions per dispatch. */
	x86Overhead: X86Overhead;
}

export interface PvmReport {
	file: string;
	/** What the program printed (the same under every technique, or `pvmReport` throws). */
	output: string[];
	rows: PvmRow[];
}

/** What the table's columns mean, and why its order need not be the lecture's (the `p` screen and `vmtop pvm` print it). */
export const PVM_TABLE_NOTES: readonly string[] = [
	"Rows are in the lecture's order (switch, token, procedure, indirect, direct threading, then translation), not sorted by speed.",
	"x86 instr/dispatch is the lecture's count for x86 code; ns/dispatch is this JavaScript implementation on this machine, where each technique is a switch, table or closure call — so the measured order need not follow the x86 column.",
];

/**
 * Seconds each technique is timed for when nobody asks for a longer bench (`vmtop pvm`, the `p` screen): enough runs
 * of a short program to be more than noise, short enough that a key on the `p` screen waits at most one technique.
 */
export const PVM_TIMED_SECONDS = 0.05;

export interface MeasureOptions {
	/** Keep running until the timed runs take this long; 0 (default) times a single run. */
	minSeconds?: number;
	/** Limits for each run (the runaway guard, stack sizes). `sink` is ignored: the output is compared. */
	run?: Omit<RunOptions, 'sink'>;
	/** Milliseconds, monotonic; default `performance.now`. Injected by tests. */
	clock?: () => number;
}

/** Prepares `technique` once, runs the program, and times it. Throws the program's PvmRuntimeError. */
export function measureTechnique(program: PvmProgram, technique: Technique, options: MeasureOptions = {}): Measurement {
	const clock = options.clock ?? (() => performance.now());
	const minMs = (options.minSeconds ?? 0) * 1000;
	const run = TECHNIQUE_INFO[technique].prepare(program);
	const runOptions = {...options.run, sink: undefined};
	let start = clock();
	const first = run(runOptions);
	let runs = 1;
	let elapsedMs = clock() - start;
	if (minMs > 0) {
		// The first run warmed the JIT up; time fresh runs until there is enough.
		runs = 0;
		start = clock();
		do {
			run(runOptions);
			runs++;
			elapsedMs = clock() - start;
		} while (elapsedMs < minMs);
	}
	return {technique, output: first.output, dispatches: first.dispatches, runs, elapsedMs};
}

/** Table rows from measurements; relative speeds need an STC measurement among them. */
export function pvmRows(measurements: readonly Measurement[]): PvmRow[] {
	const ns = (m: Measurement) => (m.elapsedMs * 1e6) / (m.runs * Math.max(1, m.dispatches));
	const baseline = measurements.find((m) => m.technique === 'stc');
	return measurements.map((m) => {
		const info = TECHNIQUE_INFO[m.technique];
		const nsPerDispatch = ns(m);
		return {
			technique: m.technique,
			label: info.label,
			name: info.name,
			dispatches: m.dispatches,
			nsPerDispatch,
			relativeToStc: baseline && nsPerDispatch > 0 ? ns(baseline) / nsPerDispatch : null,
			x86Overhead: info.x86Overhead,
		};
	});
}

export interface ReportOptions extends MeasureOptions {
	/** Default: all six, in the lecture's order. */
	techniques?: readonly Technique[];
	/** Measure STC for the relative column even when not asked for (not listed). Default true. */
	baseline?: boolean;
}

/**
 * Runs the program under each technique and returns one row per technique.
 * Throws if two techniques print different output (that would be a bug here,
 * not in the program), and the program's PvmRuntimeError if it fails.
 */
export function pvmReport(program: PvmProgram, options: ReportOptions = {}): PvmReport {
	const techniques = options.techniques ?? TECHNIQUES;
	const measured = techniques.map((t) => measureTechnique(program, t, options));
	const first = measured[0];
	for (const m of measured) {
		if (first && m.output.join('\n') !== first.output.join('\n')) {
			throw new Error(`${TECHNIQUE_INFO[m.technique].label} printed something other than ${TECHNIQUE_INFO[first.technique].label}`);
		}
	}
	const extra = (options.baseline ?? true) && !techniques.includes('stc') ? [measureTechnique(program, 'stc', options)] : [];
	const rows = pvmRows([...measured, ...extra]).slice(0, measured.length);
	return {file: program.file, output: first?.output ?? [], rows};
}

const HEADERS = ['technique', 'dispatches', 'ns/dispatch', 'vs STC', 'x86 instr./dispatch (lecture)'] as const;

export function formatNs(ns: number): string {
	return ns >= 100 ? ns.toFixed(0) : ns >= 10 ? ns.toFixed(1) : ns.toFixed(2);
}

/**
 * The rows as a plain-text table: technique, dispatches per run, ns per
 * dispatch, speed relative to STC, and the lecture's x86 instructions of
 * switching overhead per dispatch.
 */
export function formatPvmTable(rows: readonly PvmRow[]): string {
	const cells = rows.map((r) => [
		`${r.label.padEnd(10)} ${r.name}`,
		r.dispatches.toLocaleString('en-US'),
		formatNs(r.nsPerDispatch),
		r.relativeToStc === null ? '—' : `${r.relativeToStc.toFixed(2)}×`,
		r.x86Overhead.text,
	]);
	const widths = HEADERS.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
	// Text columns left-aligned, numbers right-aligned.
	const align = (text: string, c: number) => (c === 0 || c === 4 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!));
	return [HEADERS as readonly string[], ...cells].map((row) => row.map(align).join('  ').trimEnd()).join('\n');
}
