/**
 * The vmtop trace format, version 2: JSON Lines (gzip-compressed when the
 * file name ends in `.gz`). Every field is documented here and in
 * docs/trace-format.md; keep the two in step.
 *
 *   line 1        header  {"type":"header", …}
 *   lines 2..n-1  events  {"kind":"…", …, "cycle":…, "instret":…, "guest":…}
 *   line n        footer  {"type":"footer", …}
 *
 * Event number k (0-based) is on line k + 2. Header and footer carry `type`,
 * events carry `kind`: a reader tells them apart by the first key, and `jq`
 * users can filter with `select(.kind)`.
 */
import type {EventKind, VmEvent} from '../bus/events.js';
import {eventKinds} from '../bus/events.js';
import type {CostModel} from '../cpu/costs.js';
import type {CodeArea} from '../sim/code-map.js';
import type {VmmTechnique} from '../sim/simulation.js';
import {checkEvent} from './event-check.js';
import {READ_VERSIONS, footerProblem, headerProblem} from './header-check.js';
import {Counter, type LineBuffer, type Packed, ascii, packed} from './line-buffer.js';

export {checkEvent, footerProblem};

export const TRACE_FORMAT = 'vmtop-trace';
export const TRACE_VERSION = 2;
/**
 * Versions this vmtop reads. Version 2 added exception journeys (`journey` on events,
 * `journey.end`, `exception.raised`'s `type`/`parent`/`irq`, `os.return`'s `symbol`);
 * version 1 traces open, replay and export as before, without journeys.
 */
export const READABLE_VERSIONS: readonly number[] = READ_VERSIONS;

/** `exceptions`: every event except `instruction`, plus periodic `cpu.sample`s. `full`: every instruction too. */
export type Detail = 'exceptions' | 'full';
export const details: readonly Detail[] = ['exceptions', 'full'];

/** Default instructions between two `cpu.sample` events. */
export const DEFAULT_SAMPLE_EVERY = 10_000;

export interface TraceHeader {
	type: 'header';
	/** Always `vmtop-trace`: how a reader knows this is a trace at all. */
	format: typeof TRACE_FORMAT;
	/** Format version; a reader refuses versions it does not know. */
	version: number;
	/** The vmtop version that wrote the file (package.json). */
	vmtop: string;
	/** When the file was written, ISO 8601. */
	created: string;
	/** `record` (a simulation) or `import` (converted from another tool's trace). */
	source: 'record' | 'import';
	detail: Detail;
	/** Instructions between `cpu.sample` events (0: no samples). */
	sampleEvery: number;
	scenario: {
		/** Scenario or program name (RunDescription.name). */
		name: string;
		/** Everything needed to rebuild the run (Simulation.spec); null for imports. */
		spec: unknown;
		/**
		 * The text of every source file the spec names (and their `.include`s),
		 * by path as the spec names them: the run can be rebuilt where those
		 * files differ or do not exist (rebuild.ts). Empty for imports.
		 */
		files: Record<string, string>;
		/** The --max-instructions limit of the recording, null if none. */
		maxInstructions: number | null;
		/**
		 * Where the recording started: 0 for `vmtop record`; the live dashboard
		 * may start recording mid-run (`R`), after `instret` instructions.
		 */
		startInstret: number;
	};
	/** ISA profile: `classic`, `pentium` or a profile file's name. */
	isa: string;
	vmm: {technique: VmmTechnique; type: 1 | 2; guests: number};
	/** The cost model the cycles were counted with (docs/v32.md §8.1). */
	costs: CostModel;
	/** Label tables by program, name → {label → address}, for naming code in the dashboard. */
	symbols: Record<string, Record<string, number>>;
	/**
	 * Where each program's image lies in real memory (`Simulation.codeMap`), so
	 * instructions are named by their physical address. Absent in older traces
	 * and imports: code is then named by mode and running process.
	 */
	codeMap?: CodeArea[];
	/** Imports only: where the events came from. */
	import?: ImportInfo;
}

export interface ImportInfo {
	/** What it was converted from: `kvm-ftrace` (trace-cmd report or ftrace text). */
	from: string;
	/** The input file's base name. */
	file: string;
}

/** How a recording ended. */
export type TraceEnd = 'stopped' | 'instruction-limit' | 'recording-stopped' | RecordSignal | 'imported';
/** The signals that stop `vmtop record` and close its file with a footer (exit 128 + the signal's number). */
export const recordSignals = {SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGQUIT: 3} as const;
export type RecordSignal = keyof typeof recordSignals;

export interface TraceFooter {
	type: 'footer';
	/** Number of event lines between header and footer. */
	events: number;
	/** Events by kind. */
	counts: Partial<Record<TraceEventKind, number>>;
	/** `instret` and `cycle` of the machine when the recording ended. */
	instret: number;
	cycle: number;
	/** `crc32:xxxxxxxx`: CRC-32 (zlib's) of the bytes of all event lines, each with its `\n`, uncompressed. */
	checksum: string;
	end: TraceEnd;
	/** Why the machine stopped, when it did. */
	stop: {reason: string; code: number; message: string} | null;
}

/**
 * A periodic snapshot of the CPU, written every `sampleEvery` instructions so
 * that a replay at `exceptions` detail can still show where the CPU was.
 * Not a bus event: it exists only in traces.
 */
export interface CpuSample {
	kind: 'cpu.sample';
	cycle: number;
	instret: number;
	guest: number;
	pc: number;
	supervisor: boolean;
	/** FLAGS as a word (docs/v32.md §1.2). */
	flags: number;
	/** r0–r14 and the current mode's sp. */
	regs: number[];
	/** The MMU base (user address + ubase = physical), to place user code. */
	ubase: number;
}

export type TraceEvent = VmEvent | CpuSample;
export type TraceEventKind = EventKind | 'cpu.sample';
export const traceEventKinds: readonly TraceEventKind[] = [...eventKinds, 'cpu.sample'];

/**
 * What `[` / `]` jump between: `exception.raised` (the CPU raises every fault,
 * trap and interrupt through it); in a trace without any (a KVM import), VMM exits.
 */
export function exceptionKindsFor(counts: Partial<Record<TraceEventKind, number>>): TraceEventKind[] {
	return (counts['exception.raised'] ?? 0) > 0 ? ['exception.raised'] : ['vmm.intercept'];
}

// ---- encoding -------------------------------------------------------------------

/**
 * One event as one line (without `\n`). `instruction` events dominate a
 * `full` trace, so they get a hand-written template (several times faster
 * than JSON.stringify); the key order matches what the CPU emits.
 */
export function encodeEvent(e: TraceEvent): string {
	if (e.kind === 'instruction') {
		const journey = e.journey === undefined ? '' : `,"journey":${e.journey}`;
		return `{"kind":"instruction","pc":${e.pc},"phys":${e.phys},"supervisor":${e.supervisor},"header":${e.header},"cycle":${e.cycle},"instret":${e.instret},"guest":${e.guest}${journey}}`;
	}
	return JSON.stringify(e);
}

const I_INSTRET = packed(',"instret":');

/**
 * The end of an `instruction` line after `instret`: `,"guest":G}` (and `,"journey":J` inside a
 * journey). Guest and journey change at exception boundaries, not per instruction: the last
 * one made is kept.
 */
let endGuest = Number.NaN;
let endJourney = Number.NaN;
let endBytes = packed(',"guest":-1}\n');

function endOf(guest: number, journey: number): Packed {
	if (guest === endGuest && journey === endJourney) return endBytes;
	endBytes = packed(`,"guest":${JSON.stringify(guest)}${journey === 0 ? '' : `,"journey":${JSON.stringify(journey)}`}}\n`);
	endGuest = guest;
	endJourney = journey;
	return endBytes;
}

/**
 * The start of an `instruction` line up to `"cycle":` depends only on where
 * the instruction is, and programs loop: it is encoded once per address and
 * copied after that. The cache is direct-mapped by word address (a slot is
 * replaced when another address or other contents map to it): a few array
 * reads per line, and bounded memory.
 */
const SLOTS = 1 << 12;
const slotPhys = new Float64Array(SLOTS).fill(-1);
const slotPc = new Float64Array(SLOTS);
const slotSupervisor = new Uint8Array(SLOTS);
const slotHeader = new Int32Array(SLOTS);
const slotBytes: Uint8Array[] = new Array<Uint8Array>(SLOTS).fill(new Uint8Array(0));

function prefixOf(pc: number, phys: number, supervisor: boolean, header: number): Uint8Array {
	const i = (phys >>> 2) & (SLOTS - 1);
	if (slotPhys[i] === phys && slotPc[i] === pc && slotSupervisor[i] === (supervisor ? 1 : 0) && slotHeader[i] === header) return slotBytes[i]!;
	const bytes = ascii(`{"kind":"instruction","pc":${pc},"phys":${phys},"supervisor":${supervisor},"header":${header},"cycle":`);
	// Only what the slot can hold exactly is cached (a header is a 32-bit word; a malformed event may not be).
	if ((header | 0) === header) {
		slotPhys[i] = phys;
		slotPc[i] = pc;
		slotSupervisor[i] = supervisor ? 1 : 0;
		slotHeader[i] = header;
		slotBytes[i] = bytes;
	}
	return bytes;
}

/** The digits of the last `cycle` and `instret` written (a cache by value, like the prefixes). */
const cycles = new Counter();
const instrets = new Counter();

/**
 * `encodeEvent` of an `instruction` event + `\n`, from its fields (`journey` 0: none): what the
 * recorder's InstructionSink writes, allocating nothing once the address's prefix is cached.
 */
export function encodeInstructionInto(out: LineBuffer, pc: number, phys: number, supervisor: boolean, header: number, cycle: number, instret: number, guest: number, journey: number): void {
	const bytes = prefixOf(pc, phys, supervisor, header);
	const tail = endOf(guest, journey);
	// Two numbers of at most 24 bytes each (LineBuffer.number) between the constant parts.
	out.reserve(bytes.length + I_INSTRET.length + 48 + tail.length);
	out.copy(bytes);
	out.counter(cycle, cycles);
	out.packed(I_INSTRET);
	out.counter(instret, instrets);
	out.packed(tail);
}

/** `encodeEvent(e) + '\n'` appended to `out`, without building a string for `instruction` events. */
export function encodeEventInto(out: LineBuffer, e: TraceEvent): void {
	if (e.kind === 'instruction') {
		// Journey ids start at 1 (event-schema.ts): 0 stands for none.
		encodeInstructionInto(out, e.pc, e.phys, e.supervisor, e.header, e.cycle, e.instret, e.guest, e.journey ?? 0);
		return;
	}
	out.text(JSON.stringify(e));
	out.reserve(1);
	out.byte(0x0a);
}

export function checksumString(crc: number): string {
	return `crc32:${(crc >>> 0).toString(16).padStart(8, '0')}`;
}

// ---- validation -------------------------------------------------------------------

/** Parse one event line: the event, or what is wrong with it. */
export function parseEventLine(line: string): TraceEvent | string {
	let value: unknown;
	try {
		value = JSON.parse(line);
	} catch (error) {
		return `malformed event line (${(error as Error).message})`;
	}
	const problem = checkEvent(value);
	return problem === null ? (value as TraceEvent) : `malformed event line: ${problem}`;
}

/** Header problems; a header that fails here means the file is not a usable trace. */
export function checkHeader(value: unknown): {header: TraceHeader} | {fatal: string} {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return {fatal: 'not a vmtop trace (line 1 is not a JSON object)'};
	const h = value as Record<string, unknown>;
	if (h['type'] !== 'header' || h['format'] !== TRACE_FORMAT) {
		return {fatal: `not a vmtop trace (line 1 is not a "${TRACE_FORMAT}" header)`};
	}
	if (!READABLE_VERSIONS.includes(h['version'] as number)) {
		return {fatal: `unknown trace format version ${JSON.stringify(h['version'])} (this vmtop reads versions ${READABLE_VERSIONS.join(' and ')})`};
	}
	const problem = headerProblem(h);
	if (problem) return {fatal: `header: ${problem}`};
	return {header: value as TraceHeader};
}

export function isFooter(value: unknown): value is TraceFooter {
	return footerProblem(value) === null;
}
