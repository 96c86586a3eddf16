/**
 * `vmtop replay --verify`: rebuild the run from the trace header, rerun it
 * with the same detail and sampling through the same record loop, and
 * compare event by event. The first difference is the answer (rr's
 * divergence check, on vmtop's events). Journeys are compared with the rest:
 * every event's `journey`, and each `journey.end` with its parts (trace v2).
 * A version 1 trace has none: the rerun's `journey.end` events are left out.
 */
import type {Simulation} from '../sim/simulation.js';
import {type TraceEnd, type TraceEvent, encodeEvent} from './format.js';
import {TraceReader} from './reader.js';
import {rebuildSimulation} from './rebuild.js';
import type {Engine} from '../sim/simulation.js';
import {Recording, recordLoop} from './recorder.js';
import {TraceCursor} from './seek.js';
import type {TraceSink} from './writer.js';
import type {TraceProblem} from './errors.js';

export interface Difference {
	/** Event number (1-based: event #N is on line N + 1 of the trace) and its line. */
	event: number;
	line: number;
	/** The first field that differs, or why the events cannot be compared. */
	field: string;
	recorded: TraceEvent | undefined;
	rerun: TraceEvent | undefined;
}

export interface VerifyResult {
	/** Events compared and found equal. */
	compared: number;
	difference: Difference | null;
	/** Things to know about the comparison (sources from the header, …). */
	notes: string[];
	/**
	 * The first damage found in the file (a bad or missing line, a cut, a
	 * checksum that does not match): then the trace is not verified, whatever
	 * the rerun said. `line` is absent for damage with no line (a cut gzip stream).
	 */
	damage: TraceProblem | null;
}

/** Ends that mean the recording was cut, not that the run ended. */
const cutEnds: ReadonlySet<TraceEnd> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'recording-stopped']);

/** Throws TraceError if the trace cannot be opened or its run cannot be rebuilt. */
/** `engine` (`replay --verify --engine`): rerun on that engine (default: the CPU's). */
export async function verifyTrace(file: string, options: {engine?: Engine} = {}): Promise<VerifyResult> {
	const reader = await TraceReader.open(file);
	const rebuilt = (() => {
		try {
			return rebuildSimulation(reader.header, file, options);
		} catch (error) {
			reader.close();
			throw error;
		}
	})();
	try {
		const result = await compare(reader, rebuilt.sim, rebuilt.note);
		// Damage found on open or while reading: nothing the rerun says makes the file the one recorded.
		return {...result, damage: reader.problems.length > 0 ? firstDamage(reader.problems) : null};
	} finally {
		rebuilt.dispose();
		reader.close();
	}
}

/** The damage on the earliest line (a bad line beats the checksum mismatch it causes, reported on the footer's line). */
function firstDamage(problems: readonly TraceProblem[]): TraceProblem {
	let first = problems[0]!;
	for (const p of problems) if (p.line !== undefined && (first.line === undefined || p.line < first.line)) first = p;
	return first;
}

async function compare(reader: TraceReader, sim: Simulation, note?: string): Promise<Omit<VerifyResult, 'damage'>> {
	const header = reader.header;
	const notes: string[] = [];
	if (note) notes.push(note);
	const cut = !reader.footer || cutEnds.has(reader.footer.end);
	// A recording started mid-run (the dashboard's R): get there first, unrecorded.
	const start = header.scenario.startInstret;
	while (sim.instret < start && !sim.stopped) if (sim.run(start - sim.instret) === 0) break;
	// Samples from the dashboard fall where its batches ended, which a rerun cannot know.
	const compareSamples = start === 0;
	if (!compareSamples) notes.push(`recorded live from instruction ${start}: cpu.sample events are not compared`);

	const recorded = new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY);
	let n = 0;
	let difference: Difference | null = null;
	let pastEnd = false;
	const next = (): TraceEvent | undefined => {
		for (;;) {
			const r = recorded.next();
			if (r.done) return undefined;
			n++;
			if (compareSamples || r.value.kind !== 'cpu.sample') return r.value;
		}
	};
	const v1 = header.version === 1;
	/** Version 1 wrote an interrupt's `interrupt.taken` (and `halt` woke) before its `exception.raised`. */
	let held: TraceEvent | null = null;
	const sink: TraceSink = {
		write(event) {
			if (v1) {
				if (event.kind === 'journey.end') return;
				if (event.kind === 'exception.raised' && event.type === 'interrupt') {
					held = event;
					return;
				}
				if (held && event.kind !== 'interrupt.taken' && event.kind !== 'halt') {
					const raised = held;
					held = null;
					check(raised);
				}
			}
			check(event);
		},
	};
	const check = (event: TraceEvent): void => {
		{
			if (difference || pastEnd) return;
			if (!compareSamples && event.kind === 'cpu.sample') return;
			const mine = JSON.parse(encodeEvent(event)) as TraceEvent;
			const theirs = next();
			if (theirs === undefined) {
				if (cut) pastEnd = true;
				else difference = {event: n + 1, line: n + 2, field: 'the rerun has more events than the trace', recorded: undefined, rerun: mine};
				return;
			}
			const field = firstDifference(theirs, mine);
			if (field) difference = {event: n, line: n + 1, field, recorded: theirs, rerun: mine};
		}
	};
	const options = {detail: header.detail, sampleEvery: header.sampleEvery, maxInstructions: header.scenario.maxInstructions};
	const recording = new Recording(sim, sink, options);
	await recordLoop(sim, recording, {
		maxInstructions: header.scenario.maxInstructions,
		cancelled: () => (difference || pastEnd ? 'recording-stopped' : null),
	});
	if (!difference && !pastEnd) {
		const left = next();
		if (left) difference = {event: n, line: n + 1, field: 'the rerun ended before this event', recorded: left, rerun: undefined};
	}
	if (pastEnd) notes.push(`the recording ends early (${reader.footer?.end ?? 'no footer'}): compared the ${reader.length} events it has`);
	return {compared: difference ? difference.event - 1 : n, difference, notes};
}

/**
 * The first field that differs (`kind`, `cycle`, `args` …) between a recorded
 * event and its rerun, or null when equal. A field only the rerun has is one a
 * later vmtop added (`exception.raised`'s `phys`): it is not compared, so traces
 * recorded before it still verify.
 */
export function firstDifference(recorded: TraceEvent, rerun: TraceEvent): string | null {
	const x = recorded as unknown as Record<string, unknown>;
	const y = rerun as unknown as Record<string, unknown>;
	if (x['kind'] !== y['kind']) return 'kind';
	for (const k of Object.keys(x)) {
		if (JSON.stringify(x[k]) !== JSON.stringify(y[k])) return k;
	}
	return null;
}
