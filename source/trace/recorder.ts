/**
 * Recording a Simulation: the header it gets, the bus subscription, periodic
 * CPU samples, and the headless record loop shared by `vmtop record` and
 * `vmtop replay --verify` (which must reproduce the same samples at the same
 * instructions, so both run the same loop).
 */
import {kindsExceptInstruction} from '../bus/event-bus.js';
import type {VmEvent} from '../bus/events.js';
import type {Simulation} from '../sim/simulation.js';
import {type Detail, DEFAULT_SAMPLE_EVERY, TRACE_FORMAT, TRACE_VERSION, type CpuSample, type TraceEnd, type TraceHeader} from './format.js';
import {collectSources} from './rebuild.js';
import {vmtopVersion} from './version.js';
import type {OutputFile} from './output-file.js';
import {type CloseInfo, type TraceSink, TraceWriter} from './writer.js';

export interface RecordOptions {
	detail: Detail;
	/** Instructions between `cpu.sample` events (default 10,000; 0: none). */
	sampleEvery?: number;
	maxInstructions?: number | null;
}

export function traceHeader(sim: Simulation, options: RecordOptions): TraceHeader {
	const d = sim.description;
	return {
		type: 'header',
		format: TRACE_FORMAT,
		version: TRACE_VERSION,
		vmtop: vmtopVersion,
		created: new Date().toISOString(),
		source: 'record',
		detail: options.detail,
		sampleEvery: options.sampleEvery ?? DEFAULT_SAMPLE_EVERY,
		scenario: {
			name: d.name,
			spec: sim.spec ?? null,
			files: collectSources(sim.spec),
			maxInstructions: options.maxInstructions ?? null,
			startInstret: sim.instret,
		},
		isa: d.isa,
		vmm: {technique: d.vmm, type: d.type, guests: d.guests},
		costs: {...d.costs},
		symbols: sim.symbolTables(),
		codeMap: sim.codeMap(),
	};
}

/** The CPU as a `cpu.sample` event. */
export function cpuSample(sim: Simulation): CpuSample {
	const m = sim.machine;
	return {
		kind: 'cpu.sample',
		pc: m.pc >>> 0,
		supervisor: m.supervisor,
		flags: m.flags,
		regs: Array.from(m.regs.subarray(0, 16)),
		ubase: m.ubase >>> 0,
		cycle: m.cycles,
		instret: m.instret,
		guest: m.guest,
	};
}

/**
 * A running recording: subscribed to the simulation's bus until `stop`.
 * Whoever drives the simulation calls `afterBatch()` between batches, which
 * writes a `cpu.sample` each time another `sampleEvery` instructions have run.
 */
export class Recording {
	private readonly off: () => void;
	private nextSample: number;
	private readonly sampleEvery: number;
	private stopped = false;
	private lastFlush = performance.now();

	constructor(
		private readonly sim: Simulation,
		private readonly sink: TraceSink & {close?: (info: CloseInfo) => unknown; flush?: () => void},
		options: RecordOptions,
	) {
		this.sampleEvery = options.sampleEvery ?? DEFAULT_SAMPLE_EVERY;
		this.nextSample = this.sampleEvery > 0 ? this.boundaryAfter(sim.instret) : Number.POSITIVE_INFINITY;
		const write = (e: VmEvent): void => sink.write(e);
		const offs = [sim.bus.onMany(kindsExceptInstruction, write)];
		// At detail full every instruction is a line: a sink that takes the fields gets them without an event object.
		if (options.detail === 'full') offs.push(sink.instruction ? sim.bus.onInstruction(sink.instruction) : sim.bus.on('instruction', write));
		this.off = () => {
			for (const off of offs) off();
		};
	}

	/** Instructions until the next sample is due (Infinity without samples): the record loop's batch size. */
	untilSample(): number {
		return this.nextSample - this.sim.instret;
	}

	afterBatch(): void {
		if (this.sim.instret >= this.nextSample) {
			this.sink.write(cpuSample(this.sim));
			this.nextSample = this.boundaryAfter(this.sim.instret);
		}
		// At the dashboard's human speeds a chunk fills slowly: put it on disk at least once a second.
		const now = performance.now();
		if (now - this.lastFlush >= 1000) {
			this.lastFlush = now;
			this.sink.flush?.();
		}
	}

	/** Unsubscribe and close the sink with a footer describing how it ended. */
	stop(end: TraceEnd): void {
		if (this.stopped) return;
		this.stopped = true;
		this.off();
		const m = this.sim.machine;
		this.sink.close?.({end, instret: m.instret, cycle: m.cycles, stop: this.sim.stopped ? {...this.sim.stopped} : null});
	}

	private boundaryAfter(instret: number): number {
		return (Math.floor(instret / this.sampleEvery) + 1) * this.sampleEvery;
	}
}

export interface LoopOptions {
	maxInstructions?: number | null;
	/** Called between batches (progress bar). */
	onBatch?: () => void;
	/** Polled between batches: a reason to stop early (a signal), or null. */
	cancelled?: () => TraceEnd | null;
	/** Give the event loop a turn this often, so signals and timers get through (ms, default 25). */
	yieldEveryMs?: number;
}

/**
 * Run `sim` to its end (or the limit, or a cancel) with `recording` attached,
 * then stop the recording. Returns how it ended. Mirrors runHeadless.
 */
export async function recordLoop(sim: Simulation, recording: Recording, options: LoopOptions = {}): Promise<TraceEnd> {
	const max = options.maxInstructions ?? Number.POSITIVE_INFINITY;
	const yieldEvery = options.yieldEveryMs ?? 25;
	let lastYield = performance.now();
	let end: TraceEnd = 'stopped';
	while (!sim.stopped) {
		const cancel = options.cancelled?.() ?? null;
		if (cancel) {
			end = cancel;
			break;
		}
		const left = max - sim.instret;
		if (left <= 0) {
			sim.stop('instruction-limit', 1, `stopped after the instruction limit of ${max}`);
			end = 'instruction-limit';
			break;
		}
		const ran = sim.run(Math.min(recording.untilSample(), left, 1_000_000));
		recording.afterBatch();
		sim.takeOutput(); // console text is in the trace as `console` events
		if (ran === 0 && !sim.stopped) sim.stop('halt-nothing-can-wake', 1, 'halted: waiting for console input, and none will come');
		options.onBatch?.();
		if (performance.now() - lastYield >= yieldEvery) {
			await new Promise((resolve) => setImmediate(resolve));
			lastYield = performance.now();
		}
	}
	recording.stop(end);
	return end;
}

export interface FileRecording {
	recording: Recording;
	writer: TraceWriter;
}

/**
 * Start recording `sim` into `file` from now on: what `vmtop record` does
 * before its loop, and what the dashboard's `R` does. Call
 * `recording.afterBatch()` between batches and `recording.stop(end)` to
 * finish (it writes the footer and moves the file into place). A path is
 * refused if it exists; pass an OutputFile for other rules (output-file.ts).
 * Throws TraceError if the file cannot be created.
 */
export function startRecording(sim: Simulation, file: string | OutputFile, options: RecordOptions): FileRecording {
	const writer = new TraceWriter(file, traceHeader(sim, options));
	return {writer, recording: new Recording(sim, writer, options)};
}

/**
 * A file name for a recording started from the dashboard (`R`):
 * `vmtop-default-20250101-120000.vmtrace.jsonl.gz` in the working directory.
 */
export function defaultTraceFile(name: string, when = new Date()): string {
	const pad = (n: number): string => String(n).padStart(2, '0');
	const stamp = `${when.getFullYear()}${pad(when.getMonth() + 1)}${pad(when.getDate())}-${pad(when.getHours())}${pad(when.getMinutes())}${pad(when.getSeconds())}`;
	const safe = name.replace(/[^\w.-]+/g, '_') || 'run';
	return `vmtop-${safe}-${stamp}.vmtrace.jsonl.gz`;
}
