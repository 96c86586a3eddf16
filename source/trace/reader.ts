/**
 * Opening a trace for replay: validation with clear messages, the index built
 * in one pass (scan.ts), then random access by block. Memory stays bounded:
 * the index plus the blocks being read, whatever the length of the trace.
 *
 * Compressed traces (gzip magic bytes, whatever the name) are decompressed
 * once, on open, into a temporary file beside nothing the user owns (the OS
 * temp dir), which is then read like an uncompressed trace and removed on
 * close. gzip cannot seek, so the choice was between this and decompressing
 * from the start on every backward seek; this costs disk (the uncompressed
 * size) and buys the same seek time as a plain trace. Measured in
 * docs/traces.md.
 */
import {closeSync, createReadStream, fstatSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {createGunzip} from 'node:zlib';
import {TraceError, type TraceProblem, describeFsError} from './errors.js';
import {type TraceEvent, type TraceEventKind, type TraceFooter, type TraceHeader, parseEventLine} from './format.js';
import {type ScanResult, type TraceIndex, Scanner} from './scan.js';

export interface OpenOptions {
	/** Events per index block (default 1024): the unit of reading and seeking. */
	blockSize?: number;
}

const CHUNK = 1 << 20;
const INSTRUCTION_PREFIX = '{"kind":"instruction",';

export class TraceReader {
	/** Events that can be replayed: all of them, or those before the first bad line. */
	length: number;
	private closed = false;
	private readonly cleanup: () => void;

	readonly header: TraceHeader;
	readonly footer: TraceFooter | null;
	/** Events by kind, as counted on open. */
	readonly counts: Partial<Record<TraceEventKind, number>>;
	readonly index: TraceIndex;
	/** Warnings: the trace replays, but not all is well. Grows if a bad line is found while reading. */
	readonly problems: TraceProblem[];
	/** Size of the trace, uncompressed. */
	readonly bytes: number;

	private constructor(
		readonly file: string,
		scan: ScanResult,
		readonly compressed: boolean,
		private readonly fd: number,
		private readonly tmp: string | null,
	) {
		this.header = scan.header;
		this.footer = scan.footer;
		this.counts = scan.counts;
		this.index = scan.index;
		this.problems = scan.problems;
		this.bytes = scan.bytes;
		this.length = scan.events;
		this.cleanup = () => this.removeTemp();
		if (tmp) process.once('exit', this.cleanup);
	}

	/** Open and index a trace. Throws TraceError when the file cannot be replayed at all. */
	static async open(file: string, options: OpenOptions = {}): Promise<TraceReader> {
		let stat;
		try {
			stat = statSync(file);
		} catch (error) {
			throw new TraceError(`${file}: cannot open: ${describeFsError(error)}`);
		}
		if (stat.isDirectory()) throw new TraceError(`${file}: is a directory, not a trace file`);
		if (!stat.isFile()) throw new TraceError(`${file}: not a regular file`);
		if (stat.size === 0) throw new TraceError(`${file}: empty file, not a vmtop trace`);
		let fd: number;
		try {
			fd = openSync(file, 'r');
		} catch (error) {
			throw new TraceError(`${file}: cannot read: ${describeFsError(error)}`);
		}
		const scanner = new Scanner(file, options.blockSize);
		let fdOpen = true;
		try {
			const magic = Buffer.alloc(2);
			readSync(fd, magic, 0, 2, 0);
			if (magic[0] === 0x1f && magic[1] === 0x8b) {
				closeSync(fd);
				fdOpen = false;
				return await openCompressed(file, scanner);
			}
			scanPlain(fd, scanner);
			return new TraceReader(file, scanner.finish(), false, fd, null);
		} catch (error) {
			if (fdOpen) closeSync(fd);
			if (error instanceof TraceError) throw error;
			throw new TraceError(`${file}: cannot read: ${describeFsError(error)}`);
		}
	}

	/** Events [b·blockSize, …) of block b, parsed and checked. Shortens `length` at a bad line. */
	readBlock(b: number): TraceEvent[] {
		return this.parseBlock(b, false) as TraceEvent[];
	}

	/**
	 * Block b for bulk replay: like readBlock, but `instruction` lines are not
	 * parsed (null in their place) — a rewind re-sends up to 100,000 events,
	 * and the dashboard wants instructions only for its last screenful.
	 */
	readBlockLite(b: number): Array<TraceEvent | null> {
		return this.parseBlock(b, true);
	}

	private parseBlock(b: number, lite: boolean): Array<TraceEvent | null> {
		const lines = this.blockLines(b);
		const first = b * this.index.blockSize;
		const count = Math.min(this.index.blockSize, this.length - first);
		const events: Array<TraceEvent | null> = [];
		const {cycles, blocks} = this.index;
		let before = cycles[b] ?? 0;
		for (let i = 0; i < count; i++) {
			let line = lines[i] ?? '';
			if (lite && line.startsWith(INSTRUCTION_PREFIX)) {
				events.push(null);
				continue;
			}
			if (line.endsWith('\r')) line = line.slice(0, -1);
			let parsed = parseEventLine(line);
			// One machine, one clock (imports are sorted): a cycle that goes back is damage.
			if (typeof parsed !== 'string' && parsed.cycle < before) parsed = `malformed event line: field "cycle" decreases (${parsed.cycle} after ${before})`;
			if (typeof parsed === 'string') {
				// Found only now (the open pass checks shape, not content): the replay ends here.
				this.damaged(first + i, parsed);
				break;
			}
			before = parsed.cycle;
			events.push(parsed);
		}
		// The next block starts where this one ends, or later.
		const next = b + 1 < blocks ? cycles[b + 1]! : Number.POSITIVE_INFINITY;
		if (events.length === count && next < before && this.length > (b + 1) * this.index.blockSize) {
			this.damaged((b + 1) * this.index.blockSize, `malformed event line: field "cycle" decreases (${next} after ${before})`);
		}
		return events;
	}

	/** Event n (line n + 2) is bad: the replay ends before it. */
	private damaged(n: number, message: string): void {
		this.problems.push({line: n + 2, message: `${message}; replaying the ${n} events before it`});
		this.length = n;
	}

	/** The raw lines of block b (none past `length`). */
	private blockLines(b: number): string[] {
		const {blockSize, offsets} = this.index;
		if (b < 0 || b * blockSize >= this.length) return [];
		const start = offsets[b]!;
		const size = offsets[b + 1]! - start;
		const buf = Buffer.allocUnsafe(size);
		let got = 0;
		while (got < size) {
			const n = readSync(this.fd, buf, got, size - got, start + got);
			if (n === 0) break;
			got += n;
		}
		return buf.toString('utf8', 0, got).split('\n');
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		closeSync(this.fd);
		this.removeTemp();
		process.removeListener('exit', this.cleanup);
	}

	private removeTemp(): void {
		if (this.tmp) rmSync(this.tmp, {recursive: true, force: true});
	}

	/** @internal for openCompressed */
	static make(file: string, scan: ScanResult, compressed: boolean, fd: number, tmp: string | null): TraceReader {
		return new TraceReader(file, scan, compressed, fd, tmp);
	}
}

function scanPlain(fd: number, scanner: Scanner): void {
	const size = fstatSync(fd).size;
	const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
	let at = 0;
	while (!scanner.done) {
		const n = readSync(fd, buf, 0, buf.length, at);
		if (n === 0) break;
		// push copies what it keeps, so the buffer can be reused.
		scanner.push(buf.subarray(0, n));
		at += n;
	}
}

async function openCompressed(file: string, scanner: Scanner): Promise<TraceReader> {
	let tmp: string;
	try {
		tmp = mkdtempSync(join(tmpdir(), 'vmtop-replay-'));
	} catch (error) {
		throw tempWriteError(file, error);
	}
	const plain = join(tmp, 'trace.jsonl');
	let out = -1;
	try {
		try {
			out = openSync(plain, 'w+');
		} catch (error) {
			throw tempWriteError(file, error);
		}
		const outcome = await inflateInto(file, out, scanner);
		if (outcome === 'not-gzip') throw new TraceError(`${file}: not valid gzip data, not a vmtop trace`);
		const scan = scanner.finish(outcome === 'truncated');
		return TraceReader.make(file, scan, true, out, tmp);
	} catch (error) {
		if (out >= 0) closeSync(out);
		rmSync(tmp, {recursive: true, force: true});
		throw error;
	}
}

/** For tests: the write used to fill the temporary file (default fs.writeSync). */
export const inflateHooks: {writeSync: (fd: number, data: Uint8Array, offset: number, length: number) => number} = {writeSync};

/**
 * All of `data`, or an error: a short write (the disk filling up) must not
 * leave a hole that later reads as a "malformed event line".
 */
function writeAll(fd: number, data: Uint8Array): void {
	let at = 0;
	while (at < data.length) {
		const n = inflateHooks.writeSync(fd, data, at, data.length - at);
		if (n <= 0) throw Object.assign(new Error('short write'), {code: 'ENOSPC'});
		at += n;
	}
}

/** A failed write to the decompressed copy is about the temporary directory, not the trace. */
function tempWriteError(file: string, error: unknown): TraceError {
	const code = (error as NodeJS.ErrnoException).code;
	const full = code === 'ENOSPC' || code === 'EDQUOT';
	return new TraceError(
		`${file}: cannot decompress it into the temporary directory ${tmpdir()}: ${describeFsError(error)}` +
			(full ? ' — that disk is full; free space there or set TMPDIR to a directory with room for the uncompressed trace' : ''),
	);
}

/** Decompress `file` into `out`, feeding the scanner. */
function inflateInto(file: string, out: number, scanner: Scanner): Promise<'ok' | 'truncated' | 'not-gzip'> {
	return new Promise((resolve, reject) => {
		const input = createReadStream(file, {highWaterMark: CHUNK});
		const gunzip = createGunzip({chunkSize: CHUNK});
		let produced = 0;
		let settled = false;
		const settle = (fn: () => void): void => {
			if (settled) return;
			settled = true;
			input.unpipe(gunzip);
			input.destroy();
			gunzip.destroy();
			fn();
		};
		gunzip.on('data', (chunk: Buffer) => {
			try {
				produced += chunk.length;
				writeAll(out, chunk);
				scanner.push(chunk);
				if (scanner.done) settle(() => resolve('ok'));
			} catch (error) {
				settle(() => reject(tempWriteError(file, error)));
			}
		});
		gunzip.on('end', () => settle(() => resolve('ok')));
		gunzip.on('error', () => settle(() => resolve(produced === 0 ? 'not-gzip' : 'truncated')));
		input.on('error', (error) => settle(() => reject(error)));
		input.pipe(gunzip);
	});
}
