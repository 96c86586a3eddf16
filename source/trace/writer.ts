/**
 * Writes a trace file: header, events, footer (format.ts).
 *
 * Lines are built into one string and written in chunks (a `write` per event
 * would cost more than encoding it). Every write is synchronous, so closing
 * from a signal handler or an exit path needs no event loop: whatever `write`
 * accepted is on disk once `close` returns.
 *
 * `.gz`: each chunk is compressed on its own and written as one gzip member.
 * A file of concatenated members is ordinary gzip (RFC 1952 §2.2; `zcat`
 * reads it), and a chunk on disk stays decodable even if the process is
 * killed before the next one — a single gzip stream would lose its tail.
 */
import {crc32, gzipSync} from 'node:zlib';
import type {InstructionSink} from '../bus/event-bus.js';
import {
	type TraceEnd,
	type TraceEvent,
	type TraceEventKind,
	type TraceFooter,
	type TraceHeader,
	checksumString,
	encodeEventInto,
	encodeInstructionInto,
} from './format.js';
import {LineBuffer} from './line-buffer.js';
import {OutputFile, type OutputOptions} from './output-file.js';

/** Where events go: a file (TraceWriter) or the comparator of `replay --verify`. */
export interface TraceSink {
	write(event: TraceEvent): void;
	/**
	 * Optional: an `instruction` event from its fields (`journey` 0: none), the same as
	 * `write`ing it — the recorder then subscribes with the bus's InstructionSink, and no
	 * event object is built per instruction.
	 */
	instruction?: InstructionSink;
}

export interface WriterOptions {
	/** Flush after this many buffered events (default 8192). */
	flushEvents?: number;
	/** …or this many buffered bytes (default 1 MiB). */
	flushBytes?: number;
	/** gzip level for `.gz` (default 1: twice the speed of 6, and on traces nearly the same size). */
	level?: number;
}

export interface CloseInfo {
	end: TraceEnd;
	/** Machine state when the recording ended (default: the last event's). */
	instret?: number;
	cycle?: number;
	stop?: TraceFooter['stop'];
}

export class TraceWriter implements TraceSink {
	readonly compressed: boolean;
	/** Events written (accepted; some may still be in the buffer). */
	events = 0;
	/** Bytes on disk so far (compressed size for `.gz`). */
	bytes = 0;
	private readonly out: OutputFile;
	readonly file: string;
	private readonly pending = new LineBuffer();
	private pendingEvents = 0;
	private crc = 0;
	private readonly counts: Partial<Record<TraceEventKind, number>> = {};
	/** Counted apart: the one kind on the hot path. */
	private instructions = 0;
	private lastInstret = 0;
	private lastCycle = 0;
	private footer: TraceFooter | null = null;
	private readonly flushEvents: number;
	private readonly flushBytes: number;
	private readonly level: number;

	/**
	 * Write the header to `file` (its temporary file: output-file.ts; `close`
	 * moves it into place). A path is opened with `output` (default: refuse an
	 * existing file). Throws TraceError (OutputError) if it cannot be created.
	 */
	constructor(file: string | OutputFile, header: TraceHeader, options: WriterOptions & {output?: OutputOptions} = {}) {
		this.out = typeof file === 'string' ? OutputFile.create(file, options.output) : file;
		this.file = this.out.target;
		this.compressed = this.file.endsWith('.gz');
		this.flushEvents = options.flushEvents ?? 8192;
		this.flushBytes = options.flushBytes ?? 1 << 20;
		this.level = options.level ?? 1;
		this.put(JSON.stringify(header) + '\n');
		this.lastInstret = header.scenario.startInstret;
	}

	get closed(): boolean {
		return this.footer !== null;
	}

	write(event: TraceEvent): void {
		if (this.footer) return;
		encodeEventInto(this.pending, event);
		if (event.kind === 'instruction') this.instructions++;
		else this.counts[event.kind] = (this.counts[event.kind] ?? 0) + 1;
		this.lastInstret = event.instret;
		this.lastCycle = event.cycle;
		this.events++;
		if (++this.pendingEvents >= this.flushEvents || this.pending.pos >= this.flushBytes) this.flush();
	}

	/** `write` of an `instruction` event, from its fields: the hot path of a `full` recording (an arrow, to hand to the bus). */
	readonly instruction: InstructionSink = (pc, phys, supervisor, header, cycle, instret, guest, journey) => {
		if (this.footer) return;
		encodeInstructionInto(this.pending, pc, phys, supervisor, header, cycle, instret, guest, journey);
		this.instructions++;
		this.lastInstret = instret;
		this.lastCycle = cycle;
		this.events++;
		if (++this.pendingEvents >= this.flushEvents || this.pending.pos >= this.flushBytes) this.flush();
	};

	/** Write what is buffered. */
	flush(): void {
		if (this.pending.pos === 0) return;
		const chunk = this.pending.view();
		this.crc = crc32(chunk, this.crc);
		this.put(chunk);
		this.pending.clear();
		this.pendingEvents = 0;
	}

	/** Flush, write the footer, close the file and move it into place. Idempotent: a second call returns the first footer. */
	close(info: CloseInfo): TraceFooter {
		if (this.footer) return this.footer;
		this.flush();
		this.footer = {
			type: 'footer',
			events: this.events,
			counts: this.instructions > 0 ? {instruction: this.instructions, ...this.counts} : this.counts,
			instret: info.instret ?? this.lastInstret,
			cycle: info.cycle ?? this.lastCycle,
			checksum: checksumString(this.crc),
			end: info.end,
			stop: info.stop ?? null,
		};
		this.put(JSON.stringify(this.footer) + '\n');
		this.out.commit();
		return this.footer;
	}

	/** Give up: remove the temporary file, leave the target as it was (a failed import). */
	abandon(): void {
		if (!this.footer) this.footer = this.failedFooter();
		this.out.discard();
	}

	private put(data: string | Buffer): void {
		let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		if (this.compressed) bytes = gzipSync(bytes, {level: this.level});
		try {
			this.out.put(bytes);
		} catch (error) {
			// Disk full, device gone: stop writing; the temporary file is gone and the target unchanged.
			if (!this.footer) this.footer = this.failedFooter();
			throw error;
		}
		this.bytes += bytes.length;
	}

	/** Marks the writer closed after a failed write (no footer could be written). */
	private failedFooter(): TraceFooter {
		return {type: 'footer', events: this.events, counts: {}, instret: this.lastInstret, cycle: this.lastCycle, checksum: '', end: 'recording-stopped', stop: null};
	}
}
