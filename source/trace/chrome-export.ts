/**
 * `vmtop export --chrome`: a trace as Chrome trace-event JSON, which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open.
 *
 * One process per guest (`pid` 1 = the real machine, guest g = g + 2), one
 * thread per level (`tid`, named by metadata events). Durations are complete
 * events (`ph: "X"`) built from stacks, so on each track they nest properly:
 *   exception  exception.delivered … the iret that returns from it (nested deliveries stack)
 *   os         os.syscall … the iret ending the handler its delivery starts;
 *              processes track: os.switch to os.switch
 *   vmm        vmm.intercept … vmm.resume, `args.reason` the exit reason
 *   host       host.enter … host.exit
 *   cpu        hlt waiting … woke
 * Raised exceptions, interrupts, emulations, reflections, hypercalls and the
 * stop are instant events (`ph: "i"`). Time: 1 cycle = 1 ns (exit-stats.ts),
 * so `ts` = cycle / 1000 µs. `instruction` events are left out (millions of
 * instants help no one; use `replay` for them) and so is console text.
 */
import {vectorName} from '../isa/opcodes.js';
import type {TraceEvent} from './format.js';
import {OutputFile} from './output-file.js';
import type {TraceReader} from './reader.js';
import {TraceCursor} from './seek.js';

type Json = Record<string, unknown>;

const tids = {cpu: 1, exception: 2, os: 3, processes: 4, vmm: 5, host: 6} as const;
type Track = keyof typeof tids;

interface Open {
	name: string;
	/** Start, in cycles (durations are differences of cycles, so they stay exact). */
	cycle: number;
	args: Json;
	/** Exception slices: an OS slice (syscall) opened inside, closed with it. */
	os?: Open;
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
	/** A system call waiting for the exception delivery that carries it, per pid (process of the export). */
	private readonly pendingSyscall = new Map<number, Open>();
	private readonly pids = new Set<number>();
	private first = true;
	private lastCycle = 0;
	readonly summary: ExportSummary = {events: 0, slices: 0, instants: 0};

	constructor(private readonly out: {write(text: string): void}) {
		out.write('{"displayTimeUnit":"ns","traceEvents":[\n');
	}

	add(e: TraceEvent): void {
		this.summary.events++;
		const at = e.cycle;
		this.lastCycle = Math.max(this.lastCycle, at);
		const pid = this.pidOf(e.guest);
		const pending = this.pendingSyscall.get(pid);
		// OS events of the same moment (os.exit) may come between the call and its delivery.
		if (pending && e.kind !== 'exception.delivered' && !(e.kind.startsWith('os.') && e.cycle === pending.cycle)) {
			// The delivery it announced did not come: show the system call as an instant.
			this.pendingSyscall.delete(pid);
			this.instant(pid, 'os', pending.cycle, pending.name, pending.args);
		}
		switch (e.kind) {
			case 'exception.delivered':
				this.open(pid, 'exception', at, `${vectorName(e.vector)} handler`, {vector: e.vector, epc: hex(e.epc), handler: hex(e.handler)});
				if (pending) {
					this.pendingSyscall.delete(pid);
					this.top(pid, 'exception')!.os = pending;
				}
				return;
			case 'iret': {
				const top = this.close(pid, 'exception', at, {to: hex(e.to)});
				if (top?.os) this.emitSlice(pid, 'os', top.os, at, {});
				return;
			}
			case 'os.syscall': {
				// The call lasts as long as the handler the delivery of `int 0x80` starts. The bus
				// delivers causes first, so the delivery has usually opened its slice already;
				// traces recorded before that order put the call first, and it waits for the delivery.
				const call = {name: `syscall ${e.name}`, cycle: at, args: {pid: e.pid, number: e.number, args: e.args}};
				const top = this.top(pid, 'exception');
				if (top && !top.os && top.cycle === at) top.os = call;
				else this.pendingSyscall.set(pid, call);
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
			case 'host.enter':
				return this.open(pid, 'host', at, `host: ${e.reason}`, {reason: e.reason});
			case 'host.exit':
				this.close(pid, 'host', at, {cost: e.cost});
				return;
			case 'exception.raised':
				return this.instant(pid, 'exception', at, vectorName(e.vector), {vector: e.vector, pc: hex(e.pc), badaddr: hex(e.badaddr), supervisor: e.supervisor});
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
				// (the exception slice covers them), cpu.sample.
				return;
		}
	}

	/** Close what is still open at the last timestamp, and the JSON. */
	finish(): ExportSummary {
		for (const [pid, p] of this.pendingSyscall) this.instant(pid, 'os', p.cycle, p.name, p.args);
		this.pendingSyscall.clear();
		for (const [key, stack] of this.stacks) {
			const [pid, track] = key.split(':') as [string, Track];
			while (stack.length > 0) {
				const top = stack.pop()!;
				if (top.os) this.emitSlice(Number(pid), 'os', top.os, this.lastCycle, {unfinished: true});
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

	private top(pid: number, track: Track): Open | undefined {
		return this.stacks.get(`${pid}:${track}`)?.at(-1);
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
		const exporter = new ChromeExporter(out);
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
