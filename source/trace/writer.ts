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
import {closeSync, openSync, writeSync} from 'node:fs';
import {crc32, gzipSync} from 'node:zlib';
import {
	type TraceEnd,
	type TraceEvent,
	type TraceEventKind,
	type TraceFooter,
	type TraceHeader,
	checksumString,
	encodeEvent,
} from './format.js';
import {TraceError, describeFsError} from './errors.js';

/** Where events go: a file (TraceWriter) or the comparator of `replay --verify`. */
export interface TraceSink {
	write(event: TraceEvent): void;
}

export interface WriterOptions {
	/** Flush after this many buffered events (default 8192). */
	flushEvents?: number;
	/** …or this many buffered characters (default 1 MiB). */
	flushChars?: number;
	/** gzip level for `.gz` (default 6). */
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
	private readonly fd: number;
	private pending = '';
	private pendingEvents = 0;
	private crc = 0;
	private readonly counts: Partial<Record<TraceEventKind, number>> = {};
	private lastInstret = 0;
	private lastCycle = 0;
	private footer: TraceFooter | null = null;
	private readonly flushEvents: number;
	private readonly flushChars: number;
	private readonly level: number;

	/** Create (or truncate) `file` and write the header. Throws TraceError if the file cannot be created. */
	constructor(
		readonly file: string,
		header: TraceHeader,
		options: WriterOptions = {},
	) {
		this.compressed = file.endsWith('.gz');
		this.flushEvents = options.flushEvents ?? 8192;
		this.flushChars = options.flushChars ?? 1 << 20;
		this.level = options.level ?? 6;
		try {
			this.fd = openSync(file, 'w');
		} catch (error) {
			throw new TraceError(`${file}: cannot create the trace: ${describeFsError(error)}`);
		}
		this.put(JSON.stringify(header) + '\n');
		this.lastInstret = header.scenario.startInstret;
	}

	get closed(): boolean {
		return this.footer !== null;
	}

	write(event: TraceEvent): void {
		if (this.footer) return;
		this.pending += encodeEvent(event) + '\n';
		this.counts[event.kind] = (this.counts[event.kind] ?? 0) + 1;
		this.lastInstret = event.instret;
		this.lastCycle = event.cycle;
		this.events++;
		if (++this.pendingEvents >= this.flushEvents || this.pending.length >= this.flushChars) this.flush();
	}

	/** Write what is buffered. */
	flush(): void {
		if (this.pending.length === 0) return;
		const chunk = Buffer.from(this.pending, 'utf8');
		this.pending = '';
		this.pendingEvents = 0;
		this.crc = crc32(chunk, this.crc);
		this.put(chunk);
	}

	/** Flush, write the footer, close the file. Idempotent: a second call returns the first footer. */
	close(info: CloseInfo): TraceFooter {
		if (this.footer) return this.footer;
		this.flush();
		this.footer = {
			type: 'footer',
			events: this.events,
			counts: this.counts,
			instret: info.instret ?? this.lastInstret,
			cycle: info.cycle ?? this.lastCycle,
			checksum: checksumString(this.crc),
			end: info.end,
			stop: info.stop ?? null,
		};
		this.put(JSON.stringify(this.footer) + '\n');
		closeSync(this.fd);
		return this.footer;
	}

	private put(data: string | Buffer): void {
		let bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		if (this.compressed) bytes = gzipSync(bytes, {level: this.level});
		let at = 0;
		while (at < bytes.length) at += writeSync(this.fd, bytes, at, bytes.length - at);
		this.bytes += bytes.length;
	}
}
