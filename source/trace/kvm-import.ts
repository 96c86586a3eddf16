/**
 * `vmtop import`: real Linux KVM traces (`trace-cmd report` output, or raw
 * ftrace text from /sys/kernel/tracing/trace) → a vmtop trace, so the
 * dashboard replays the exits of a real host: guest → exit reason → KVM →
 * entry, with exit durations.
 *
 * Each `kvm_exit` becomes a `vmm.intercept` (reason, category, rip) of guest
 * = vcpu, each following `kvm_entry` of that vcpu a `vmm.resume` whose cost is
 * the time spent outside the guest. Time: ns since the first line, and 1
 * cycle = 1 ns (the convention of exit-stats.ts), so `cycle` is nanoseconds.
 *
 * Kernels print these lines differently; all of these are accepted:
 *   CPU 0/KVM-7289  [001]  1234.567890: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8107a3c2 info 181 0
 *   qemu-system-x86-1234 [002] d.... 5678.123456: kvm_exit: reason HLT rip 0x… info 0 0 intr 0 cpu 2
 *   qemu-kvm-99 (   99) [000] ....  10.000001: kvm_entry: vcpu 1, rip 0x…     (ftrace with record-tgid)
 *   qemu-system-x86  1234 [002] 5678.123456: kvm:kvm_exit: reason npf …         (perf script)
 * — with or without `vcpu N` (then the task's vcpu is learnt from its
 * kvm_entry lines), task names with spaces, an optional flags column, extra
 * key/value fields, upper- or lower-case (SVM) reason names, numeric VMX
 * reasons. Other tracepoints are skipped; comment and header lines ignored;
 * anything else is reported by line number, and the import goes on.
 */
import {createReadStream} from 'node:fs';
import * as path from 'node:path';
import type {EventOf, ExitCategory} from '../bus/events.js';
import {defaultCosts} from '../cpu/costs.js';
import {TraceError, describeFsError} from './errors.js';
import {TRACE_FORMAT, TRACE_VERSION, type TraceHeader} from './format.js';
import {vmtopVersion} from './version.js';
import type {OutputFile} from './output-file.js';
import {TraceWriter} from './writer.js';

/** One parsed ftrace line. */
export interface FtraceLine {
	task: string;
	cpu: number;
	/** Nanoseconds (from the seconds.fraction timestamp; inexact past 2^53 ns, about 104 days). */
	ns: number;
	/** The timestamp's whole seconds and its fraction in ns, apart: differences of them are exact. */
	seconds: number;
	fractionNs: number;
	event: string;
	/** The text after `event:`. */
	body: string;
}

/**
 * `TASK[-PID] [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: EVENT: BODY`. The task is
 * matched lazily up to the `[CPU]` column, so it may contain spaces.
 */
const LINE = /^\s*(.+?)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:[.a-zA-Z0-9]{3,6}\s+)?(\d+)\.(\d+):\s+([\w:]+):\s?(.*)$/;
/** Lines trace-cmd and ftrace print that are not events. */
const NOISE = /^\s*(?:#|$|cpus=\d+|version\s*=|CPU\s*\d+ is empty|trace-cmd:)/;
const LOST = /^\s*CPU:?\s*\d+\s*\[LOST (\d+) EVENTS\]/i;

export function parseFtraceLine(text: string): FtraceLine | null {
	const m = LINE.exec(text);
	if (!m) return null;
	const fraction = m[4]!.slice(0, 9).padEnd(9, '0');
	return {
		task: m[1]!.trim(),
		cpu: Number(m[2]),
		ns: Number(m[3]) * 1e9 + Number(fraction),
		seconds: Number(m[3]),
		fractionNs: Number(fraction),
		event: m[5]!.replace(/^kvm:/, ''),
		body: m[6]!,
	};
}

/** VMX basic exit reasons for kernels that print numbers (Intel SDM, Appendix C). */
const vmxReasons: Record<number, string> = {
	0: 'EXCEPTION_NMI',
	1: 'EXTERNAL_INTERRUPT',
	2: 'TRIPLE_FAULT',
	7: 'INTERRUPT_WINDOW',
	8: 'NMI_WINDOW',
	9: 'TASK_SWITCH',
	10: 'CPUID',
	12: 'HLT',
	14: 'INVLPG',
	16: 'RDTSC',
	18: 'VMCALL',
	28: 'CR_ACCESS',
	29: 'DR_ACCESS',
	30: 'IO_INSTRUCTION',
	31: 'MSR_READ',
	32: 'MSR_WRITE',
	40: 'PAUSE_INSTRUCTION',
	44: 'APIC_ACCESS',
	45: 'EOI_INDUCED',
	48: 'EPT_VIOLATION',
	49: 'EPT_MISCONFIG',
	52: 'PREEMPTION_TIMER',
	55: 'XSETBV',
	56: 'APIC_WRITE',
};

/** `hlt`, `HLT`, `0xc`, `12` → `HLT`. */
export function normalizeReason(reason: string): string {
	if (/^(0x[0-9a-f]+|\d+)$/i.test(reason)) {
		const n = Number(reason);
		return vmxReasons[n] ?? `EXIT_${n}`;
	}
	return reason.replace(/^(SVM_)?EXIT_/i, '').toUpperCase();
}

/**
 * kvm_stat-like groups in vmtop's categories: interrupts and timers →
 * `timer`, faults and paging → `exception`, VMCALL → `hypercall`, the rest
 * (sensitive instructions, I/O, MSRs, APIC) → `privileged`.
 */
export function categoryOf(reason: string): ExitCategory {
	if (/VMCALL|VMMCALL|HYPERCALL/.test(reason)) return 'hypercall';
	if (/INTERRUPT|^INTR$|^NMI|VINTR|TIMER|WINDOW|^SMI$|INIT|SIPI/.test(reason)) return 'timer';
	if (/EXCEPTION|EXCP|^NPF$|EPT|TRIPLE|SHUTDOWN|TASK_SWITCH|FAULT|^PF$/.test(reason)) return 'exception';
	return 'privileged';
}

function field(body: string, name: string): string | undefined {
	return new RegExp(`(?:^|[\\s,])${name}\\s+([^\\s,]+)`).exec(body)?.[1];
}

/** The low 32 bits of a hex address (vmtop's pc), and the full text. */
function rip(body: string): {pc: number; text?: string} {
	const text = field(body, 'rip');
	if (text === undefined) return {pc: 0};
	const hex = text.replace(/^0x/i, '');
	if (!/^[0-9a-f]+$/i.test(hex)) return {pc: 0};
	return {pc: Number.parseInt(hex.slice(-8), 16) >>> 0, text: `0x${hex.toLowerCase()}`};
}

export interface ImportResult {
	lines: number;
	exits: number;
	entries: number;
	/** Events written. */
	events: number;
	/** Lines that are not ftrace events (or events with impossible values: `why`), with their numbers. */
	unparsed: Array<{line: number; text: string; why?: string}>;
	/** Other tracepoints (kvm_mmio, sched_switch …), skipped. */
	otherEvents: number;
	vcpus: number[];
	warnings: string[];
}

/** Longest line read (ftrace lines are under 1 KiB): a longer one means this is not ftrace text. */
export const MAX_LINE_BYTES = 1 << 20;
/** Uptimes beyond this (2^32 s, 136 years) are not a real host's: the timestamp is damaged. */
const MAX_SECONDS = 2 ** 32;
/** vcpu ids KVM can have (KVM_MAX_VCPUS is 4096 on x86). */
const MAX_VCPU = 4095;

export interface ImportOptions {
	/** Longest line accepted (default MAX_LINE_BYTES). */
	maxLineBytes?: number;
}

/** Every line of a file, numbered from 1; a TraceError for a line longer than `max` bytes (read, never held whole). */
async function* numberedLines(file: string, max: number): AsyncGenerator<[number, string]> {
	const input = createReadStream(file, {highWaterMark: 1 << 16});
	let n = 0;
	let parts: Buffer[] = [];
	let size = 0;
	const tooLong = (): TraceError => new TraceError(`${file}:${n + 1}: a line longer than ${max.toLocaleString('en-US')} bytes — not ftrace text (trace-cmd report or /sys/kernel/tracing/trace)?`);
	try {
		for await (const chunk of input as AsyncIterable<Buffer>) {
			let start = 0;
			for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
				if (size + nl - start > max) throw tooLong();
				parts.push(chunk.subarray(start, nl));
				yield [++n, lineText(parts)];
				parts = [];
				size = 0;
				start = nl + 1;
			}
			if (start < chunk.length) {
				size += chunk.length - start;
				if (size > max) throw tooLong();
				parts.push(chunk.subarray(start));
			}
		}
		if (size > 0) yield [++n, lineText(parts)];
	} finally {
		input.destroy();
	}
}

function lineText(parts: Buffer[]): string {
	const text = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('utf8');
	return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** `vcpu N` of a line: a number, absent (undefined), or a value no vcpu has (a message). */
function statedVcpu(body: string): number | undefined | {bad: string} {
	const text = field(body, 'vcpu');
	if (text === undefined) return undefined;
	if (/^\d+$/.test(text) && Number(text) <= MAX_VCPU) return Number(text);
	return {bad: `vcpu ${text} is not a vcpu number (0 … ${MAX_VCPU})`};
}

/** A line's text as it may be shown on a terminal: control characters and undecodable bytes escaped. */
export function printable(text: string, max = 120): string {
	const cut = text.length > max ? text.slice(0, max) + '…' : text;
	return cut.replace(/[\u0000-\u001f\u007f-\u009f\ufffd\u2028\u2029]/g, (c) =>
		c === '\ufffd' ? '\\x??' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
	);
}

/** Pass 1: which vcpu each task runs (from lines that say both), and the vcpus. */
async function learnVcpus(file: string, max: number): Promise<{byTask: Map<string, number>; vcpus: Set<number>}> {
	const byTask = new Map<string, number>();
	const vcpus = new Set<number>();
	for await (const [, text] of numberedLines(file, max)) {
		if (!text.includes('kvm_e')) continue;
		const line = parseFtraceLine(text);
		if (!line || (line.event !== 'kvm_exit' && line.event !== 'kvm_entry')) continue;
		const vcpu = statedVcpu(line.body);
		if (typeof vcpu === 'number') {
			byTask.set(line.task, vcpu);
			vcpus.add(vcpu);
		}
	}
	return {byTask, vcpus};
}

/**
 * Convert `input` (ftrace text) into the vmtop trace `output` (a path, refused
 * if it exists, or an OutputFile opened with the command's rules). The trace
 * is moved into place only when at least one kvm_exit was found; otherwise
 * (and on any error) nothing is written. Throws TraceError when the input
 * cannot be read.
 */
export async function importKvm(input: string, output: string | OutputFile, options: ImportOptions = {}): Promise<ImportResult> {
	const max = options.maxLineBytes ?? MAX_LINE_BYTES;
	let learnt;
	try {
		learnt = await learnVcpus(input, max);
	} catch (error) {
		if (error instanceof TraceError) throw error;
		throw new TraceError(`${input}: cannot read: ${describeFsError(error)}`);
	}
	const {byTask, vcpus} = learnt;
	/** Tasks with no vcpu on any line: numbered after the known vcpus, in order of appearance. */
	const vcpuOf = (line: FtraceLine): number | {bad: string} => {
		const stated = statedVcpu(line.body);
		if (stated !== undefined) return stated;
		let v = byTask.get(line.task);
		if (v === undefined) {
			v = vcpus.size === 0 ? 0 : Math.max(...vcpus) + 1;
			byTask.set(line.task, v);
			vcpus.add(v);
		}
		return v;
	};
	const result: ImportResult = {lines: 0, exits: 0, entries: 0, events: 0, unparsed: [], otherEvents: 0, vcpus: [], warnings: []};
	const header = importHeader(input, Math.max(1, vcpus.size));
	const writer = typeof output === 'string' ? new TraceWriter(output, header, {output: {inputs: [input]}}) : new TraceWriter(output, header);
	const open = new Map<number, {ns: number; pc: number}>();
	let first: FtraceLine | null = null;
	let last = 0;
	let backwards = 0;
	try {
		for await (const [n, text] of numberedLines(input, max)) {
			result.lines = n;
			if (NOISE.test(text)) continue;
			const lost = LOST.exec(text);
			if (lost) {
				result.warnings.push(`line ${n}: the tracer lost ${lost[1]} events here; exits around it may be unmatched`);
				continue;
			}
			const line = parseFtraceLine(text);
			if (!line) {
				result.unparsed.push({line: n, text});
				continue;
			}
			if (line.event !== 'kvm_exit' && line.event !== 'kvm_entry') {
				result.otherEvents++;
				continue;
			}
			if (line.seconds > MAX_SECONDS) {
				result.unparsed.push({line: n, text, why: `timestamp ${line.seconds} s is not a host's uptime (at most ${MAX_SECONDS} s)`});
				continue;
			}
			const guest = vcpuOf(line);
			if (typeof guest !== 'number') {
				result.unparsed.push({line: n, text, why: guest.bad});
				continue;
			}
			first ??= line;
			// Seconds and fraction apart: the difference stays exact where seconds·1e9 would not.
			let t = (line.seconds - first.seconds) * 1e9 + (line.fractionNs - first.fractionNs);
			if (!Number.isSafeInteger(t)) {
				result.unparsed.push({line: n, text, why: `timestamp ${line.seconds} s is too far from the first event's (${first.seconds} s) to count in nanoseconds`});
				continue;
			}
			if (t < last) {
				backwards++;
				t = last; // keep cycles monotonic: replay seeks by cycle
			}
			last = t;
			const where = rip(line.body);
			if (line.event === 'kvm_exit') {
				const raw = field(line.body, 'reason') ?? field(line.body, 'exit_reason');
				if (raw === undefined) {
					result.unparsed.push({line: n, text});
					continue;
				}
				const reason = normalizeReason(raw);
				result.exits++;
				open.set(guest, {ns: t, pc: where.pc});
				// `pc` is vmtop's 32-bit address; the full 64-bit rip rides along as text.
				const event: EventOf<'vmm.intercept'> & {rip?: string} = {kind: 'vmm.intercept', reason, category: categoryOf(reason), pc: where.pc, cycle: t, instret: 0, guest};
				if (where.text) event.rip = where.text;
				writer.write(event);
			} else {
				result.entries++;
				const exit = open.get(guest);
				if (!exit) continue; // the trace began while this vcpu was outside the guest
				open.delete(guest);
				writer.write({kind: 'vmm.resume', pc: where.text ? where.pc : exit.pc, cost: t - exit.ns, cycle: t, instret: 0, guest});
			}
		}
	} catch (error) {
		writer.abandon();
		if (error instanceof TraceError) throw error;
		throw new TraceError(`${input}: cannot read: ${describeFsError(error)}`);
	}
	if (backwards > 0) result.warnings.push(`${backwards} lines had a time before the line above (unsorted input); their time was raised to keep the order`);
	if (open.size > 0) result.warnings.push(`${open.size} exits had no kvm_entry before the end of the input`);
	// Nothing imported: write nothing (an existing file of that name stays as it was).
	if (result.exits === 0) writer.abandon();
	else writer.close({end: 'imported', instret: 0, cycle: last});
	result.events = writer.events;
	result.vcpus = [...vcpus].sort((a, b) => a - b);
	return result;
}

function importHeader(input: string, guests: number): TraceHeader {
	return {
		type: 'header',
		format: TRACE_FORMAT,
		version: TRACE_VERSION,
		vmtop: vmtopVersion,
		created: new Date().toISOString(),
		source: 'import',
		detail: 'exceptions',
		sampleEvery: 0,
		scenario: {name: path.basename(input), spec: null, files: {}, maxInstructions: null, startInstret: 0},
		isa: 'x86 (KVM)',
		vmm: {technique: 'trap', type: 1, guests},
		costs: {...defaultCosts},
		symbols: {},
		import: {from: 'kvm-ftrace', file: path.basename(input)},
	};
}
