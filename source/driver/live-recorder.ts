/**
 * `R` in the live dashboard: the run recorded to a trace file with the same
 * recorder as `vmtop record` (source/trace/recorder.ts). The driver owns one,
 * calls `afterBatch` between its batches (CPU samples, a flush at least once
 * a second) and stops it before it replaces or lets go of the run — a
 * recording belongs to one run, and its file must always end with a footer.
 */
import {existsSync} from 'node:fs';
import type {Simulation} from '../sim/simulation.js';
import type {Detail, TraceEnd} from '../trace/format.js';
import {type FileRecording, defaultTraceFile, startRecording} from '../trace/recorder.js';
import type {RecordingInfo, SourceRecorder} from './source.js';

export interface LiveRecorderOptions {
	/** The file for a run's name (default: `defaultTraceFile`, in the working directory). */
	traceFile?: (name: string) => string;
	/** Default `exceptions`: every event but single instructions, which would cost the core its fast loop. */
	detail?: Detail;
}

export class LiveRecorder implements SourceRecorder {
	private current: FileRecording | null = null;
	last: RecordingInfo | null = null;

	/** `sim` is asked at `start`: the run being driven then. */
	constructor(
		private readonly sim: () => Simulation,
		private readonly options: LiveRecorderOptions = {},
	) {}

	get active(): RecordingInfo | null {
		return this.current && {file: this.current.writer.file, events: this.current.writer.events};
	}

	start(): RecordingInfo {
		if (!this.current) {
			const sim = this.sim();
			const name = sim.description.name;
			const file = unused(this.options.traceFile?.(name) ?? defaultTraceFile(name));
			this.current = startRecording(sim, file, {detail: this.options.detail ?? 'exceptions'});
		}
		return this.active!;
	}

	afterBatch(): void {
		this.current?.recording.afterBatch();
	}

	stop(end: TraceEnd): RecordingInfo | null {
		const c = this.current;
		if (!c) return null;
		// Forget it first: a footer that cannot be written is not retried on the quit path.
		this.current = null;
		let error: string | undefined;
		try {
			c.recording.stop(end);
		} catch (e) {
			error = (e as Error).message;
		}
		this.last = {file: c.writer.file, events: c.writer.events, ...(error === undefined ? {} : {error})};
		return this.last;
	}
}

/**
 * `file`, or `file` with `-2`, `-3` … before its extension: two recordings
 * started within the same second (the default name's resolution) must not
 * overwrite each other.
 */
export function unused(file: string, exists: (f: string) => boolean = existsSync): string {
	if (!exists(file)) return file;
	const m = /^(.*?)((?:\.vmtrace)?(?:\.jsonl)?(?:\.gz)?)$/.exec(file)!;
	for (let n = 2; ; n++) {
		const candidate = `${m[1]}-${n}${m[2]}`;
		if (!exists(candidate)) return candidate;
	}
}
