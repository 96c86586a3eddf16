/**
 * `vmtop export --chrome`: a trace as Chrome trace-event JSON, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * One process per guest (`pid` 1 = the real machine, guest g = g + 2), one
 * thread per level (`tid`, named by metadata events). Durations are complete
 * events (`ph: "X"`), so on each track they nest properly:
 *   journeys   one slice per exception journey (trace v2, from its `journey.end`), with
 *              nested slices per level — exception delivery, VMM, host OS, handler
 *              (OS or guest OS), return — and nested journeys inside the handler; a flow
 *              arrow from the raise to the return (through the VMM to the guest OS)
 *   os         os.syscall … the end of its journey;
 *              processes track: os.switch to os.switch
 *   vmm        vmm.intercept … vmm.resume, `args.reason` the exit reason
 *   host       host.enter … host.exit
 *   cpu        hlt waiting … woke
 *   virtualized a transient VMM's interval, on the real machine: vmm.attach … vmm.detach
 * Raised exceptions, deliveries, returns, interrupts, emulations, reflections,
 * hypercalls, the hybrid VMM's interpretation and the stop are instant events (`ph: "i"`). Version 1 traces have
 * no journeys: their system calls are instants. Time: 1 cycle = 1 ns (exit-stats.ts),
 * so `ts` = cycle / 1000 µs. `instruction` events are left out (millions of
 * instants help no one; use `replay` for them) and so is console text.
 */
import {vectorName} from '../isa/opcodes.js';
import type {TraceEvent} from './format.js';
import {OutputFile} from './output-file.js';
import type {TraceReader} from './reader.js';
import {TraceCursor} from './seek.js';
import {TraceSymbols} from './symbols.js';

type Json = Record<string, unknown>;

const tids = {cpu: 1, exception: 2, os: 3, processes: 4, vmm: 5, host: 6, journeys: 7, virtualized: 8} as const;
type Track = keyof typeof tids;

interface Open {
	name: string;
	/** Start, in cycles (durations are differences of cycles, so they stay exact). */
	cycle: number;
	args: Json;
}

/** What a journey's own events said about it, until its `journey.end`. */
interface JourneyMarks {
	delivered?: number;
	intercept?: {cycle: number; reason: string};
	host?: {enter: number; exit?: number};
	syscall?: Open & {pid: number};
}

export interface ExportSummary {
	events: number;
	slices: number;
	instants: number;
}

/** Writes JSON text in 1 MiB chunks to an output file (its temporary file until `close`). */
class ChunkedFile {
	private parts: string[] = [];
	private size = 0;

	constructor(private readonly out: OutputFile) {}

	write(text: string): void {
		this.parts.push(text);
		this.size += text.length;
		if (this.size >= 1 << 20) this.flush();
	}

	flush(): void {
		if (this.parts.length === 0) return;
		this.out.put(this.parts.join(''));
		this.parts = [];
		this.size = 0;
	}

	close(): void {
		this.flush();
		this.out.commit();
	}
}

export class ChromeExporter {
	private readonly stacks = new Map<string, Open[]>();
	/** Open journeys by id (what their events said so far). */
	private readonly journeys = new Map<number, JourneyMarks>();
	private readonly pids = new Set<number>();
	private first = true;
	private lastCycle = 0;
	readonly summary: ExportSummary = {events: 0, slices: 0, instants: 0};

	/**
	 * `names`: the header's naming, for events that do not carry the name they were taken at
	 * (version 1 traces); without it such code is shown by address.
	 */
	constructor(
		private readonly out: {write(text: string): void},
		private readonly names?: TraceSymbols,
	) {
		out.write('{"displayTimeUnit":"ns","traceEvents":[\n');
	}

	private marks(journey: number | undefined): JourneyMarks | undefined {
		if (journey === undefined) return undefined;
		let m = this.journeys.get(journey);
		if (!m) this.journeys.set(journey, (m = {}));
		return m;
	}

	add(e: TraceEvent): void {
		this.summary.events++;
		this.names?.observe(e);
		const at = e.cycle;
		this.lastCycle = Math.max(this.lastCycle, at);
		const pid = this.pidOf(e.guest);
		const marks = e.kind === 'cpu.sample' || e.kind === 'journey.end' ? undefined : this.marks(e.journey);
		switch (e.kind) {
			case 'journey.end':
				return this.journey(pid, e);
			case 'exception.delivered':
				if (marks && !marks.intercept) marks.delivered = at;
				return this.instant(pid, 'exception', at, `${vectorName(e.vector)} → ${hex(e.handler)}`, {vector: e.vector, epc: hex(e.epc), handler: hex(e.handler)});
			case 'iret': {
				const symbol = e.symbol ?? this.nameOf(e.guest, e.toSupervisor, e.to, e.toPhys);
				return this.instant(pid, 'exception', at, `iret → ${symbol ?? hex(e.to)}`, {
					to: hex(e.to),
					toSupervisor: e.toSupervisor,
					...(symbol === undefined ? {} : {symbol}),
					...(e.pid === undefined ? {} : {pid: e.pid}),
				});
			}
			case 'os.syscall': {
				// The call lasts until its journey ends (the handler's return); without journeys (v1), an instant.
				const call = {name: `syscall ${e.name}`, cycle: at, args: {pid: e.pid, number: e.number, args: e.args}};
				if (marks) marks.syscall = {...call, pid};
				else this.instant(pid, 'os', at, call.name, call.args);
				return;
			}
			case 'os.switch':
				this.close(pid, 'processes', at, {});
				if (e.to > 0) this.open(pid, 'processes', at, `pid ${e.to}`, {from: e.from, to: e.to});
				return;
			case 'os.kill':
				return this.instant(pid, 'os', at, `kill pid ${e.pid}`, {pid: e.pid, vector: e.vector, epc: hex(e.epc)});
			case 'os.exit':
				return this.instant(pid, 'os', at, `exit pid ${e.pid}`, {pid: e.pid, code: e.code});
			case 'vmm.intercept':
				if (marks) marks.intercept = {cycle: at, reason: e.reason};
				this.close(pid, 'vmm', at, {}); // an exit never nests in another: close a dangling one
				// KVM imports carry the full 64-bit rip as text.
				return this.open(pid, 'vmm', at, `exit ${e.reason}`, {reason: e.reason, category: e.category, pc: hex(e.pc), ...ripOf(e)});
			case 'vmm.resume':
				this.close(pid, 'vmm', at, {cost: e.cost, resumePc: hex(e.pc)});
				return;
			case 'vmm.emulate':
				return this.instant(pid, 'vmm', at, `emulate ${e.mnemonic}`, {pc: hex(e.pc), effect: e.effect});
			case 'vmm.reflect':
				return this.instant(pid, 'vmm', at, `reflect ${vectorName(e.vector)}`, {vector: e.vector, handler: hex(e.handler), symbol: e.symbol});
			case 'vmm.translate':
				return this.instant(pid, 'vmm', at, 'translate block', {block: hex(e.block), length: e.length, patches: e.patches});
			case 'vmm.hypercall':
				return this.instant(pid, 'vmm', at, `hypercall ${e.name}`, {number: e.number});
			case 'vmm.worldswitch':
				return this.instant(pid, 'vmm', at, `world switch ${e.from} → ${e.to}`, {from: e.from, to: e.to});
			case 'vmm.interpret':
				// The hybrid VMM interpreted guest-kernel instructions up to here (their cycles in args).
				return this.instant(pid, 'vmm', at, `interpret ${e.count} kernel instructions`, {pc: hex(e.pc), count: e.count, cost: e.cost});
			case 'vmm.attach':
				// A transient VMM's interval: on the real machine's process, whatever the guest stamp says.
				return this.open(this.pidOf(-1), 'virtualized', at, `VMM attached: ${e.technique} (Type ${e.hosted ? 'II' : 'I'})`, {
					technique: e.technique,
					hosted: e.hosted,
					attachCost: e.cost,
					pc: hex(e.pc),
				});
			case 'vmm.detach':
				this.close(this.pidOf(-1), 'virtualized', at, {detachCost: e.cost, entries: e.entries, detachPc: hex(e.pc)});
				return;
			case 'host.enter':
				if (marks) marks.host = {enter: at};
				return this.open(pid, 'host', at, `host: ${e.reason}`, {reason: e.reason});
			case 'host.exit':
				if (marks?.host) marks.host.exit = at;
				this.close(pid, 'host', at, {cost: e.cost});
				return;
			case 'exception.raised': {
				const symbol = e.symbol ?? this.nameOf(e.guest, e.supervisor, e.pc, e.phys);
				return this.instant(pid, 'exception', at, vectorName(e.vector), {
					vector: e.vector,
					pc: hex(e.pc),
					...(symbol === undefined ? {} : {symbol}),
					...(e.pid === undefined ? {} : {pid: e.pid}),
					badaddr: hex(e.badaddr),
					supervisor: e.supervisor,
					...(e.type === undefined ? {} : {type: e.type}),
					...(e.journey === undefined ? {} : {journey: e.journey}),
				});
			}
			case 'interrupt.raised':
				return this.instant(pid, 'cpu', at, `IRQ ${e.irq} raised`, {irq: e.irq, vector: e.vector});
			case 'halt':
				if (e.state === 'waiting') return this.open(pid, 'cpu', at, 'hlt (idle)', {pc: hex(e.pc)});
				this.close(pid, 'cpu', at, {});
				return;
			case 'stop':
				return this.instant(pid, 'cpu', at, `stop: ${e.reason}`, {reason: e.reason, code: e.code, message: e.message}, 'g');
			default:
				// instruction, console, io, interrupt.taken (its exception.raised is shown), os.handler/os.return
				// (the journey covers them), cpu.sample.
				return;
		}
	}

	/** A version 1 event's code, named as a replay names it (code map, else the process followed so far). */
	private nameOf(guest: number, supervisor: boolean, pc: number, phys: number | undefined): string | undefined {
		return this.names?.instruction(guest, supervisor, pc, phys ?? Number.NaN);
	}

	/**
	 * A journey ended: its slice, the slices of its levels nested inside (they
	 * follow one another in time: delivery or VMM first, the handler, the return
	 * last; nested journeys lie inside the handler), and the flow from raise to return.
	 */
	private journey(pid: number, e: Extract<TraceEvent, {kind: 'journey.end'}>): void {
		const marks = this.journeys.get(e.journey) ?? {};
		this.journeys.delete(e.journey);
		const start = e.start.cycle;
		const end = e.cycle;
		const name = e.virtual ? `${vectorName(e.vector)} → guest OS` : `${vectorName(e.vector)} ${e.type}`;
		const slice = (label: string, from: number, to: number, args: Json = {}): void =>
			this.emitSlice(pid, 'journeys', {name: label, cycle: from, args: {journey: e.journey, ...args}}, Math.max(from, to), {});
		slice(name, start, end, {
			vector: e.vector,
			type: e.type,
			parent: e.parent,
			...(e.virtual ? {interpretation: 'ii. virtual exception → guest OS', cause: e.cause} : {}),
			...(e.next === undefined ? {} : {interpretation: 'i. real exception → VMM', next: e.next}),
			cost: e.cost,
			cycles: end - start,
		});
		const ret = e.cost.return ?? 0;
		if (e.virtual) {
			slice('guest OS handler', start, end);
		} else if (marks.intercept) {
			slice(`VMM: ${marks.intercept.reason}`, marks.intercept.cycle, end, {vmm: e.cost.vmm ?? 0});
			if (marks.host) slice('host OS', marks.host.enter, marks.host.exit ?? end, {host: e.cost.host ?? 0});
		} else if (marks.delivered !== undefined) {
			slice('exception delivery', start, marks.delivered, {exception: e.cost.exception ?? 0});
			slice('handler', marks.delivered, end - ret, {cpu: e.cost.cpu ?? 0, nested: e.cost.nested ?? 0});
			if (ret > 0) slice('return (iret)', end - ret, end, {return: ret});
		}
		if (marks.syscall) this.emitSlice(marks.syscall.pid, 'os', marks.syscall, end, {journey: e.journey});
		// One arrow per exception, from its raise to its return: through interpretation i into ii.
		const flow = e.cause ?? e.journey;
		if (e.cause === null) this.push({ph: 's', id: flow, name: 'journey', cat: 'journey', pid, tid: tids.journeys, ts: start / 1000});
		else this.push({ph: 't', id: flow, name: 'journey', cat: 'journey', pid, tid: tids.journeys, ts: start / 1000});
		if (e.next === undefined) this.push({ph: 'f', bp: 'e', id: flow, name: 'journey', cat: 'journey', pid, tid: tids.journeys, ts: end / 1000});
	}

	/** Close what is still open at the last timestamp, and the JSON. */
	finish(): ExportSummary {
		// Journeys that never ended (a trace cut short): their system calls as instants.
		for (const m of this.journeys.values()) if (m.syscall) this.instant(m.syscall.pid, 'os', m.syscall.cycle, m.syscall.name, m.syscall.args);
		this.journeys.clear();
		for (const [key, stack] of this.stacks) {
			const [pid, track] = key.split(':') as [string, Track];
			while (stack.length > 0) {
				const top = stack.pop()!;
				this.emitSlice(Number(pid), track, top, this.lastCycle, {unfinished: true});
			}
		}
		this.out.write('\n]}\n');
		return this.summary;
	}

	private pidOf(guest: number): number {
		const pid = guest < 0 ? 1 : guest + 2;
		if (!this.pids.has(pid)) {
			this.pids.add(pid);
			this.push({ph: 'M', name: 'process_name', pid, tid: 0, args: {name: guest < 0 ? 'machine' : `guest ${guest}`}});
			this.push({ph: 'M', name: 'process_sort_index', pid, tid: 0, args: {sort_index: pid}});
			for (const [name, tid] of Object.entries(tids)) {
				this.push({ph: 'M', name: 'thread_name', pid, tid, args: {name}});
				this.push({ph: 'M', name: 'thread_sort_index', pid, tid, args: {sort_index: tid}});
			}
		}
		return pid;
	}

	private open(pid: number, track: Track, cycle: number, name: string, args: Json): void {
		const key = `${pid}:${track}`;
		const stack = this.stacks.get(key) ?? [];
		this.stacks.set(key, stack);
		stack.push({name, cycle, args});
	}

	private close(pid: number, track: Track, cycle: number, more: Json): Open | undefined {
		const top = this.stacks.get(`${pid}:${track}`)?.pop();
		if (top) this.emitSlice(pid, track, top, cycle, more);
		return top;
	}

	private emitSlice(pid: number, track: Track, slice: Open, endCycle: number, more: Json): void {
		this.summary.slices++;
		this.push({ph: 'X', name: slice.name, cat: track, pid, tid: tids[track], ts: slice.cycle / 1000, dur: Math.max(0, endCycle - slice.cycle) / 1000, args: {...slice.args, ...more}});
	}

	private instant(pid: number, track: Track, cycle: number, name: string, args: Json, scope: 't' | 'g' = 't'): void {
		this.summary.instants++;
		this.push({ph: 'i', s: scope, name, cat: track, pid, tid: tids[track], ts: cycle / 1000, args});
	}

	private push(event: Json): void {
		this.out.write((this.first ? '' : ',\n') + JSON.stringify(event));
		this.first = false;
	}
}

/**
 * Export every event of an open trace to `file` (a path: refused if it exists;
 * or an OutputFile opened with the command's rules). The file appears only
 * when the export is complete; on any failure it is discarded.
 */
export function exportChrome(reader: TraceReader, file: string | OutputFile): ExportSummary {
	const target = typeof file === 'string' ? OutputFile.create(file, {inputs: [reader.file]}) : file;
	const out = new ChunkedFile(target);
	try {
		const exporter = new ChromeExporter(out, new TraceSymbols(reader.header));
		for (const e of new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)) exporter.add(e);
		const summary = exporter.finish();
		out.close();
		return summary;
	} catch (error) {
		target.discard();
		throw error;
	}
}

function ripOf(e: TraceEvent): {rip?: string} {
	const rip = (e as {rip?: unknown}).rip;
	return typeof rip === 'string' ? {rip} : {};
}

function hex(n: number): string {
	return `0x${(n >>> 0).toString(16)}`;
}
