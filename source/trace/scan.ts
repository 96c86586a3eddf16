/**
 * The one pass over a trace made on open: it checks the header, finds the
 * footer, hashes the event lines (CRC-32, to compare with the footer) and
 * builds the index that makes seeking cheap — the byte offset, first cycle
 * and kinds present of every block of `blockSize` events. Memory is the
 * index (three numbers per block), never the events.
 *
 * Event lines are only checked for shape here (`{…}` and a known kind):
 * parsing every line would double the time to open. A line that is well
 * shaped but wrong inside is found when its block is read (reader.ts).
 */
import {crc32} from 'node:zlib';
import {
	type TraceEventKind,
	type TraceFooter,
	type TraceHeader,
	checkEvent,
	checkHeader,
	checksumString,
	footerProblem,
	isFooter,
	traceEventKinds,
} from './format.js';
import {TraceError, type TraceProblem} from './errors.js';

const NL = 10;
const CR = 13;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const KIND_PREFIX = Buffer.from('{"kind":"');
const FOOTER_PREFIX = Buffer.from('{"type":');
/** A header (symbol tables included) or event line longer than this is not a line of a trace. */
const MAX_LINE = 64 << 20;

const kindIndex = new Map<string, number>(traceEventKinds.map((k, i) => [k, i]));
const INSTRUCTION = Buffer.from('instruction"');
const INSTRUCTION_KIND = kindIndex.get('instruction')!;

/** The index of a trace: one entry per block of `blockSize` events. */
export interface TraceIndex {
	blockSize: number;
	blocks: number;
	/** Byte offset (in the decompressed file) of each block's first event line; `offsets[blocks]` = end of the events. */
	offsets: Float64Array;
	/** `cycle` of each block's first event. */
	cycles: Float64Array;
	/** Bit i set: the block may hold an event of kind `traceEventKinds[i]` (see kindMask). */
	masks: Uint32Array;
}

export interface ScanResult {
	header: TraceHeader;
	footer: TraceFooter | null;
	/** Events before the footer, or before the first malformed line. */
	events: number;
	counts: Partial<Record<TraceEventKind, number>>;
	index: TraceIndex;
	problems: TraceProblem[];
	bytes: number;
}

export function kindMask(kinds: readonly TraceEventKind[]): number {
	let mask = 0;
	for (const k of kinds) mask |= bit(kindIndex.get(k)!);
	return mask;
}

export class Scanner {
	private carry: Buffer = Buffer.alloc(0);
	/** Chunks of a line longer than a chunk, not yet joined to `carry`. */
	private pending: Buffer[] = [];
	private pendingBytes = 0;
	/** Absolute offset of `carry[0]`. */
	private offset = 0;
	private line = 0;
	private header: TraceHeader | null = null;
	private footer: TraceFooter | null = null;
	/** No more events: footer seen, or a malformed line. */
	private ended = false;
	private eventsEnd = -1;
	private events = 0;
	private crc = 0;
	private readonly counts = new Float64Array(traceEventKinds.length);
	private offsets = new Float64Array(1024);
	private cycles = new Float64Array(1024);
	private masks = new Uint32Array(1024);
	private blocks = 0;
	readonly problems: TraceProblem[] = [];
	/** Set when a problem makes the rest of the file irrelevant: the caller may stop reading. */
	done = false;

	constructor(
		private readonly file: string,
		readonly blockSize = 1024,
	) {}

	push(chunk: Buffer): void {
		if (this.done) return;
		if (this.line === 0 && this.offset === 0 && this.carry.length === 0 && this.pending.length === 0 && chunk.length > 0 && chunk[0] !== OPEN) {
			throw new TraceError(`${this.file}: not a vmtop trace (it does not start with a JSON header line)`);
		}
		if (chunk.indexOf(NL) < 0) {
			// Still inside one line: keep the chunk, join once the line ends (a long line costs linear time, not quadratic).
			this.pending.push(Buffer.from(chunk));
			this.pendingBytes += chunk.length;
			if (this.carry.length + this.pendingBytes > MAX_LINE) this.tooLong();
			return;
		}
		if (this.pending.length > 0) {
			this.carry = Buffer.concat([this.carry, ...this.pending]);
			this.pending = [];
			this.pendingBytes = 0;
		}
		const data = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
		let pos = 0;
		let hashFrom = this.header && !this.ended ? 0 : -1;
		let hashTo = -1;
		while (!this.done) {
			const nl = data.indexOf(NL, pos);
			if (nl < 0) break;
			const wasEnded = this.ended;
			const hadHeader = this.header !== null;
			this.handleLine(data, pos, nl);
			if (!hadHeader && this.header) hashFrom = nl + 1;
			if (!wasEnded && this.ended) hashTo = pos;
			pos = nl + 1;
		}
		if (hashFrom >= 0) {
			const to = hashTo >= 0 ? hashTo : pos;
			if (to > hashFrom) this.crc = crc32(data.subarray(hashFrom, to), this.crc);
		}
		this.carry = Buffer.from(data.subarray(pos));
		this.offset += pos;
		if (this.carry.length > MAX_LINE && !this.done) this.tooLong();
	}

	private tooLong(): void {
		if (!this.header) throw new TraceError(`${this.file}: not a vmtop trace (no line break in the first ${MAX_LINE >> 20} MiB)`);
		this.malformed(this.line + 1, this.offset, `line longer than ${MAX_LINE >> 20} MiB`);
		this.pending = [];
		this.pendingBytes = 0;
	}

	/** End of input. `truncated`: the input ended abnormally (a cut gzip stream). */
	finish(truncated = false): ScanResult {
		if (this.pending.length > 0) {
			this.carry = Buffer.concat([this.carry, ...this.pending]);
			this.pending = [];
			this.pendingBytes = 0;
		}
		if (this.carry.length > 0 && !this.done) {
			// A last line without its newline: a footer written by hand, or a cut file.
			const rest = this.carry;
			this.carry = Buffer.alloc(0);
			const text = rest.toString('utf8').trim();
			if (!this.header) {
				const line = Buffer.from(text + '\n');
				if (text) this.handleLine(line, 0, line.length - 1);
			} else if (!this.ended) {
				let value: unknown = null;
				try {
					value = JSON.parse(text);
				} catch {
					// Cut in the middle of a line.
				}
				if (isFooter(value)) {
					this.footer = value;
					this.ended = true;
					this.eventsEnd = this.offset;
				} else this.malformed(this.line + 1, this.offset, 'incomplete last line (the file was cut off)');
			}
		}
		if (!this.header) throw new TraceError(`${this.file}: empty file, not a vmtop trace`);
		if (this.eventsEnd < 0) this.eventsEnd = this.offset;
		const malformed = this.problems.length > 0;
		if (truncated) {
			this.problems.push({message: `truncated gzip data: replaying the ${this.events} events before the cut`});
		}
		if (!this.footer) {
			if (!malformed && !truncated) {
				this.problems.push({message: `no footer: the recording did not finish (killed, or the file was cut); replaying the ${this.events} events present`});
			}
		} else if (!malformed) this.checkFooter(this.footer);
		const counts: Partial<Record<TraceEventKind, number>> = {};
		traceEventKinds.forEach((k, i) => {
			if (this.counts[i]! > 0) counts[k] = this.counts[i]!;
		});
		this.offsets[this.blocks] = this.eventsEnd;
		return {
			header: this.header,
			footer: this.footer,
			events: this.events,
			counts,
			index: {
				blockSize: this.blockSize,
				blocks: this.blocks,
				offsets: this.offsets.subarray(0, this.blocks + 1),
				cycles: this.cycles.subarray(0, this.blocks),
				masks: this.masks.subarray(0, this.blocks),
			},
			problems: this.problems,
			bytes: this.offset,
		};
	}

	private checkFooter(footer: TraceFooter): void {
		if (footer.events !== this.events) {
			this.problems.push({line: this.line, message: `footer counts ${footer.events} events, the file holds ${this.events}`});
		}
		const actual = checksumString(this.crc);
		if (footer.checksum !== actual) {
			this.problems.push({
				line: this.line,
				message: `checksum mismatch: the footer says ${footer.checksum}, the event lines hash to ${actual} (the file was changed or damaged after recording)`,
			});
		}
	}

	private handleLine(data: Buffer, start: number, nl: number): void {
		this.line++;
		const at = this.offset + start;
		let end = nl;
		if (end > start && data[end - 1] === CR) end--;
		if (!this.header) {
			this.readHeader(data.toString('utf8', start, end));
			return;
		}
		if (this.ended) {
			if (end > start && data.toString('utf8', start, end).trim()) {
				this.problems.push({line: this.line, message: 'text after the footer, ignored'});
				this.done = true;
			}
			return;
		}
		if (end - start === 0) return this.malformed(this.line, at, 'empty line where an event was expected');
		if (data[start] !== OPEN || data[end - 1] !== CLOSE) return this.malformed(this.line, at, 'malformed event line (not a JSON object)');
		if (startsWith(data, start, FOOTER_PREFIX)) {
			let value: unknown = null;
			try {
				value = JSON.parse(data.toString('utf8', start, end));
			} catch {
				// reported below
			}
			if (!isFooter(value)) return this.malformed(this.line, at, `malformed footer line: ${value === null ? 'not JSON' : footerProblem(value)}`);
			this.footer = value;
			this.ended = true;
			this.eventsEnd = at;
			return;
		}
		let kind = -1;
		if (startsWith(data, start, KIND_PREFIX)) {
			const k = start + KIND_PREFIX.length;
			if (startsWith(data, k, INSTRUCTION)) kind = INSTRUCTION_KIND; // most lines of a full trace: no string
			else {
				const quote = data.indexOf(34, k);
				if (quote > 0 && quote < end) kind = kindIndex.get(data.toString('latin1', k, quote)) ?? -1;
			}
		}
		const firstOfBlock = this.events % this.blockSize === 0;
		let cycle = 0;
		if (kind < 0 || firstOfBlock) {
			// Keys in another order (a tool rewrote the file), or a block start: parse it.
			let value: unknown;
			try {
				value = JSON.parse(data.toString('utf8', start, end));
			} catch (error) {
				return this.malformed(this.line, at, `malformed event line (${(error as Error).message})`);
			}
			const problem = checkEvent(value);
			if (problem) return this.malformed(this.line, at, `malformed event line: ${problem}`);
			const e = value as {kind: TraceEventKind; cycle: number};
			kind = kindIndex.get(e.kind)!;
			cycle = e.cycle;
		}
		if (firstOfBlock) {
			// One machine, one clock: cycles never decrease (reader.ts checks within blocks).
			const before = this.blocks > 0 ? this.cycles[this.blocks - 1]! : 0;
			if (cycle < before) return this.malformed(this.line, at, `malformed event line: field "cycle" decreases (${cycle} after ${before})`);
			this.startBlock(at, cycle);
		}
		this.masks[this.blocks - 1]! |= bit(kind);
		this.counts[kind]!++;
		this.events++;
	}

	private readHeader(text: string): void {
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			throw new TraceError(`${this.file}:1: not a vmtop trace (line 1 is not JSON)`);
		}
		const checked = checkHeader(value);
		if ('fatal' in checked) throw new TraceError(`${this.file}:1: ${checked.fatal}`);
		this.header = checked.header;
	}

	private startBlock(offset: number, cycle: number): void {
		if (this.blocks + 1 >= this.offsets.length) {
			this.offsets = grow(this.offsets);
			this.cycles = grow(this.cycles);
			const masks = new Uint32Array(this.masks.length * 2);
			masks.set(this.masks);
			this.masks = masks;
		}
		this.offsets[this.blocks] = offset;
		this.cycles[this.blocks] = cycle;
		this.masks[this.blocks] = 0;
		this.blocks++;
	}

	private malformed(line: number, offset: number, message: string): void {
		this.problems.push({line, message: `${message}; replaying the ${this.events} events before it`});
		this.ended = true;
		this.done = true;
		this.eventsEnd = offset;
	}
}

/** A kind's bit in a block mask; kinds past 31 share bits (a false positive only costs a look into the block). */
function bit(kind: number): number {
	return 1 << (kind % 32);
}

function startsWith(data: Buffer, at: number, prefix: Buffer): boolean {
	if (at + prefix.length > data.length) return false;
	for (let i = 0; i < prefix.length; i++) if (data[at + i] !== prefix[i]) return false;
	return true;
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
	const b = new Float64Array(a.length * 2);
	b.set(a);
	return b;
}
