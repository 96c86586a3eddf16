/**
 * The OS observer: derives the events of the OS level (`os.*`) from what the
 * CPU does — exceptions delivered, `iret`, `hlt` — and from the kernel's own
 * data, read through its documented symbols (docs/os.md). The kernel never
 * calls into TypeScript: the observer watches it the way a debugger would.
 *
 * It works per guest: it reacts only to events stamped with its `guest`
 * (-1 for the bare machine; a VMM emits the virtual deliveries and irets of
 * its guest i with guest = i), and reads that guest's (guest-physical)
 * memory and registers through the functions it is given.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {EventOf, VmEvent} from '../bus/events.js';
import {type Program, Symbolizer} from '../isa/program.js';
import {UserError} from '../user-error.js';

/** System-call names by number (docs/v32.md §7.2). */
export const syscallNames: readonly string[] = ['exit', 'write', 'yield', 'getpid', 'read', 'time'];
export const SYSCALL_VECTOR = 0x80;

/** Where the observer finds the kernel's data: resolved from its symbols. */
export interface KernelLayout {
	/** Word: pid of the process running (or about to run) in user mode, 0 when idle. */
	currentPid: number;
	/** The process table: `maxProcs` slots of `procSize` bytes. */
	procTable: number;
	procSize: number;
	maxProcs: number;
	/** Field offsets in a slot. */
	fields: {state: number; pid: number; base: number; limit: number; epc: number; exit: number};
	/** Handlers whose label ends in `_fault`: entered from user mode, they kill the process. */
	killHandlers: ReadonlySet<number>;
}

export class KernelLayoutError extends UserError {
	override name = 'KernelLayoutError';
}

/** Resolve the symbols the observer relies on; throws naming the first one missing. */
export function kernelLayout(kernel: Program): KernelLayout {
	const need = (name: string): number => {
		const value = kernel.symbols.get(name);
		if (value === undefined) {
			throw new KernelLayoutError(`${kernel.file}: the OS observer needs the kernel symbol '${name}' (docs/os.md)`);
		}
		return value;
	};
	const killHandlers = new Set<number>();
	for (const [label, address] of kernel.labels) if (label.endsWith('_fault')) killHandlers.add(address);
	return {
		currentPid: need('current_pid'),
		procTable: need('proc_table'),
		procSize: need('PROC_SIZE'),
		maxProcs: need('MAX_PROCS'),
		fields: {
			state: need('P_STATE'),
			pid: need('P_PID'),
			base: need('P_BASE'),
			limit: need('P_LIMIT'),
			epc: need('P_EPC'),
			exit: need('P_EXIT'),
		},
		killHandlers,
	};
}

/** A process as the kernel's table has it. */
export interface ProcessInfo {
	pid: number;
	state: ProcessState;
	/** Its region. */
	base: number;
	size: number;
	/** Where it resumes (user address; stale while it runs). */
	pc: number;
	/** Exit code (exited) or vector (killed). */
	exit: number;
	/** The program's file, when known. */
	program?: string;
}

/** Most slots the observer reads, whatever the kernel claims (the dashboard lists them all). */
export const MAX_OBSERVED_PROCS = 1024;

export type ProcessState = 'free' | 'runnable' | 'yielded' | 'exited' | 'killed';
const stateNames: readonly ProcessState[] = ['free', 'runnable', 'yielded', 'exited', 'killed'];

export interface OsObserverOptions {
	bus: EventBus;
	/** React only to events of this guest: -1 for the bare machine. */
	guest: number;
	/** A 32-bit word of the guest's (guest-)physical memory, at a 4-aligned address. */
	readWord: (address: number) => number;
	/** A general register of the guest (0–15), as the interrupted code left it. */
	readRegister: (index: number) => number;
	kernel: Program;
	/** The user programs in boot order: pid i + 1 runs programs[i]. */
	programs: readonly Program[];
}

/** What the observer counted (for summaries). */
export interface OsCounts {
	handlers: number;
	syscalls: number;
	switches: number;
	returns: number;
	kills: number;
	exits: number;
}

export class OsObserver {
	readonly layout: KernelLayout;
	readonly kernelSymbols: Symbolizer;
	/** The pid last seen running in user mode; 0 for none yet, or idle. */
	currentPid = 0;
	readonly counts: OsCounts = {handlers: 0, syscalls: 0, switches: 0, returns: 0, kills: 0, exits: 0};
	private readonly bus: EventBus;
	/** Whose events it follows; a transient VMM (source/vmm/transient.ts) moves the kernel from -1 to guest 0 and back. */
	guest: number;
	private readonly readWord: (address: number) => number;
	private readonly readRegister: (index: number) => number;
	private readonly programs: readonly Program[];
	private readonly userSymbols: Symbolizer[];
	private readonly offs: Array<() => void>;
	/** Process-table slots read by `processes()`. */
	private readonly slots: number;

	constructor(options: OsObserverOptions) {
		this.bus = options.bus;
		this.guest = options.guest;
		this.readWord = options.readWord;
		this.readRegister = options.readRegister;
		this.programs = options.programs;
		this.layout = kernelLayout(options.kernel);
		const {maxProcs, procSize} = this.layout;
		const tableSize = options.kernel.symbols.get('PROC_TABLE_SIZE');
		const inTable = tableSize !== undefined && procSize > 0 ? Math.floor(tableSize / procSize) : MAX_OBSERVED_PROCS;
		const booted = options.programs.length > 0 ? options.programs.length : MAX_OBSERVED_PROCS;
		this.slots = Math.max(0, Math.min(maxProcs, inTable, booted, MAX_OBSERVED_PROCS));
		this.kernelSymbols = new Symbolizer(options.kernel.labels);
		this.userSymbols = options.programs.map((p) => new Symbolizer(p.labels));
		this.offs = [
			this.bus.on('exception.delivered', (e) => {
				if (e.guest === this.guest) this.delivered(e);
			}),
			this.bus.on('iret', (e) => {
				if (e.guest === this.guest) this.returned(e);
			}),
			this.bus.on('halt', (e) => {
				if (e.guest === this.guest && e.state === 'waiting') this.halted(e);
			}),
		];
	}

	/** Stop listening. */
	dispose(): void {
		for (const off of this.offs) off();
		this.offs.length = 0;
	}

	/** Name a user-mode address with the labels of the program running now. */
	symbolizeUser(pc: number, pid = this.currentPid): string {
		const symbols = this.userSymbols[pid - 1];
		return symbols ? symbols.name(pc) : `0x${(pc >>> 0).toString(16).padStart(8, '0')}`;
	}

	/** The program a pid runs, if it is one of ours. */
	programOf(pid: number): Program | undefined {
		return this.programs[pid - 1];
	}

	/**
	 * The process table as the kernel has it now (slots never used are left
	 * out). Bounded by what the kernel can have built, not by its MAX_PROCS
	 * alone: one process per boot-information entry (the programs), in a
	 * table of PROC_TABLE_SIZE bytes when the kernel says so — a kernel built
	 * with a huge MAX_PROCS must not make the observer read (and report)
	 * whatever memory lies past its table.
	 */
	processes(): ProcessInfo[] {
		const {procTable, procSize, fields} = this.layout;
		const list: ProcessInfo[] = [];
		for (let i = 0; i < this.slots; i++) {
			const at = procTable + i * procSize;
			const pid = this.readWord(at + fields.pid);
			if (pid === 0) continue;
			list.push({
				pid,
				state: stateNames[this.readWord(at + fields.state)] ?? 'free',
				base: this.readWord(at + fields.base) >>> 0,
				size: this.readWord(at + fields.limit) >>> 0,
				pc: this.readWord(at + fields.epc) >>> 0,
				exit: this.readWord(at + fields.exit),
				program: this.programs[pid - 1]?.file,
			});
		}
		return list;
	}

	/** The kernel's `current_pid`: who runs (0 while it idles or boots). */
	kernelCurrentPid(): number {
		return this.readWord(this.layout.currentPid);
	}

	private delivered(e: EventOf<'exception.delivered'>): void {
		const bus = this.bus;
		this.counts.handlers++;
		if (bus.wanted['os.handler']) {
			const {vector, handler, cycle, instret, guest, journey} = e;
			const symbol = this.kernelSymbols.name(handler);
			// Written out (not `stamped`): one of the three per exception, each site its own object shape.
			bus.emit(
				journey === undefined
					? {kind: 'os.handler', vector, handler, symbol, cycle, instret, guest}
					: {kind: 'os.handler', vector, handler, symbol, cycle, instret, guest, journey},
			);
		}
		if (e.fromSupervisor) return;
		// From user mode: the process that ran is the one the kernel last switched to.
		const pid = this.kernelCurrentPid();
		if (e.vector === SYSCALL_VECTOR) {
			const number = this.readRegister(0);
			this.counts.syscalls++;
			if (bus.wanted['os.syscall']) {
				const name = syscallNames[number] ?? `unknown (${number})`;
				const args: [number, number, number] = [this.readRegister(1), this.readRegister(2), this.readRegister(3)];
				bus.emit(stamped({kind: 'os.syscall', pid, number, name, args}, e));
			}
			if (number === 0) {
				this.counts.exits++;
				if (bus.wanted['os.exit']) bus.emit(stamped({kind: 'os.exit', pid, code: this.readRegister(1)}, e));
			}
		} else if (this.layout.killHandlers.has(e.handler)) {
			this.counts.kills++;
			if (bus.wanted['os.kill']) bus.emit(stamped({kind: 'os.kill', pid, vector: e.vector, epc: e.epc}, e));
		}
	}

	private returned(e: EventOf<'iret'>): void {
		if (e.toSupervisor) return;
		const pid = this.kernelCurrentPid();
		if (pid !== this.currentPid) this.switched(this.currentPid, pid, e);
		this.counts.returns++;
		// Named now, by the program of the pid returned to: a row drawn later must not ask who runs then.
		if (this.bus.wanted['os.return']) {
			const {to: pc, cycle, instret, guest, journey} = e;
			const symbol = this.symbolizeUser(pc, pid);
			this.bus.emit(
				journey === undefined
					? {kind: 'os.return', pid, pc, symbol, cycle, instret, guest}
					: {kind: 'os.return', pid, pc, symbol, cycle, instret, guest, journey},
			);
		}
	}

	/** The kernel waits in its idle loop: if it says nobody runs, that is a switch to "nobody" (0). */
	private halted(e: EventOf<'halt'>): void {
		if (this.currentPid === 0 || this.kernelCurrentPid() !== 0) return;
		this.switched(this.currentPid, 0, e);
	}

	private switched(from: number, to: number, when: Stamp): void {
		this.currentPid = to;
		this.counts.switches++;
		if (this.bus.wanted['os.switch']) {
			const {cycle, instret, guest, journey} = when;
			this.bus.emit(journey === undefined ? {kind: 'os.switch', from, to, cycle, instret, guest} : {kind: 'os.switch', from, to, cycle, instret, guest, journey});
		}
	}
}

type Stamp = {cycle: number; instret: number; guest: number; journey?: number};

/**
 * The OS level's events happen when, for whom and in the journey of the CPU event they are read
 * from: stamped in place, in that order (no spread of a temporary: they come by the hundred thousand flat out).
 */
function stamped(event: Record<string, unknown>, e: Stamp): VmEvent {
	event['cycle'] = e.cycle;
	event['instret'] = e.instret;
	event['guest'] = e.guest;
	if (e.journey !== undefined) event['journey'] = e.journey;
	return event as unknown as VmEvent;
}
