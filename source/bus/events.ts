/**
 * The events of every level of the machine, one topic per kind.
 *
 * Data flows one way: the core (CPU, OS observer, VMM) emits, subscribers
 * (dashboard store, recorder, statistics) listen. Every event carries when it
 * happened (`cycle`, `instret`) and which guest it belongs to (`guest`: -1 for
 * the real machine / host, 0.. for a guest under a VMM).
 */

/** The columns of the dashboard: the levels of the lecture's multilevel machine. */
export type Level = 'cpu' | 'exception' | 'os' | 'vmm' | 'host';

/**
 * Who the code an event names is, decided when it happened (trace v2, only when someone listened):
 * `symbol` names the code by the image that holds it (or the kernel's / running process's labels),
 * `pid` is the process the kernel said runs then (0: none; absent without an OS). Absent in version 1
 * traces, which consumers name as before (code map, else the process followed through the trace).
 */
export interface Named {
	symbol?: string;
	pid?: number;
}

interface Base {
	/** Cycles since reset (cost model, docs/v32.md §8.2). */
	cycle: number;
	/** Instructions executed since reset. */
	instret: number;
	/** Guest index under a VMM, -1 for the real machine. */
	guest: number;
	/**
	 * The exception journey this event belongs to (trace v2): ids increase from 1 per run.
	 * Absent outside any journey, when nobody listened as it opened, and in version 1 traces.
	 */
	journey?: number;
}

/** Fault (the instruction did not retire), trap (it did: `int`, `brk`, a patch) or interrupt (between instructions). */
export type JourneyType = 'fault' | 'trap' | 'interrupt';

/**
 * Where a journey's cycles went (docs/trace-format.md "Journeys"): `cpu` instructions executed (the
 * handler's, the trapping one's), `exception` the CPU's delivery, `vmm` VMM work (intercept, emulate,
 * reflect, resume, binary translation), `host` the host OS (Type II), `return` the `iret`, `idle` time
 * in `hlt`, `nested` journeys inside this one, `preempted` other guests' time while this one waited.
 */
export type JourneyPart = 'cpu' | 'exception' | 'vmm' | 'host' | 'return' | 'idle' | 'nested' | 'preempted';
export type JourneyCost = Partial<Record<JourneyPart, number>>;

/** Why the machine stopped. */
export type StopReason =
	| 'poweroff'
	| 'triple-fault'
	| 'halt-interrupts-disabled'
	| 'halt-nothing-can-wake'
	| 'instruction-limit'
	/** Exceptions delivered over and over with no instruction retiring (a handler that faults on fetch). */
	| 'exception-loop';

export interface EventMap {
	/** One fetch-execute cycle of the CPU, emitted before the instruction runs (the CPU then runs it alone, in the interpreter). */
	instruction: Base & {pc: number; phys: number; supervisor: boolean; header: number};
	/**
	 * The CPU detected an exception (fault, trap or abort) while executing. `phys`: where the
	 * instruction at `pc` is in physical memory; absent when `pc` does not translate (a fetch
	 * beyond the segment) and in traces recorded before the field existed.
	 */
	'exception.raised': Base & {
		vector: number;
		pc: number;
		badaddr: number;
		supervisor: boolean;
		phys?: number;
		/** The journey this opens is a fault, a trap or an interrupt (trace v2). */
		type?: JourneyType;
		/** The journey this one is nested in (a fault inside a handler), absent at the top (trace v2). */
		parent?: number;
		/** The device line, for an interrupt (trace v2). */
		irq?: number;
	} & Named;
	/** The CPU delivered an exception or interrupt through the IDT. */
	'exception.delivered': Base & {vector: number; epc: number; handler: number; fromSupervisor: boolean};
	/** Return from exception. */
	/** `toPhys`: where `to` is in physical memory (names the code returned to); absent when it does not translate. */
	/** `symbol`/`pid`: the code returned to (`to`) and its process, named as it happened (trace v2). */
	iret: Base & {pc: number; to: number; toSupervisor: boolean; toPhys?: number} & Named;
	/** A device raised an interrupt line (IRQ 0 timer, IRQ 1 console). */
	'interrupt.raised': Base & {irq: number; vector: number};
	/** The CPU took an interrupt between instructions. */
	/** `symbol`/`pid`: the code interrupted (`pc`), named as it happened (trace v2). */
	'interrupt.taken': Base & {irq: number; vector: number; pc: number} & Named;
	/** `in` / `out` on a device port. */
	io: Base & {port: number; direction: 'in' | 'out'; value: number};
	/** `hlt` started waiting (`waiting`) or an interrupt woke the CPU (`woke`). */
	halt: Base & {state: 'waiting' | 'woke'; pc: number};
	/** The machine stopped. `code` is the power-off code, or 1 for the other reasons. */
	stop: Base & {reason: StopReason; code: number; message: string};
	/** Console output byte(s) written by the machine (port 0x10). */
	console: Base & {text: string};

	// OS level (derived from execution and the kernel's symbols, source/os/)
	'os.handler': Base & {vector: number; handler: number; symbol: string};
	'os.syscall': Base & {pid: number; number: number; name: string; args: [number, number, number]};
	'os.switch': Base & {from: number; to: number};
	/** `symbol`: `pc` named by pid's program when it happened (trace v2; version 1 names it at draw time). */
	'os.return': Base & {pid: number; pc: number; symbol?: string};
	'os.kill': Base & {pid: number; vector: number; epc: number};
	'os.exit': Base & {pid: number; code: number};

	// VMM level (source/vmm/)
	'vmm.intercept': Base & {reason: string; category: ExitCategory; pc: number};
	'vmm.emulate': Base & {mnemonic: string; pc: number; effect: string};
	'vmm.reflect': Base & {vector: number; handler: number; symbol: string};
	'vmm.translate': Base & {block: number; length: number; patches: number};
	'vmm.hypercall': Base & {number: number; name: string};
	'vmm.resume': Base & {pc: number; cost: number};
	'vmm.worldswitch': Base & {from: number; to: number};
	/** Hybrid VMM: `count` guest-kernel instructions interpreted from `pc` on, costing `cost` cycles (docs/v32.md §8.1). */
	'vmm.interpret': Base & {pc: number; count: number; cost: number};
	/** A transient VMM slid in under the running kernel (source/vmm/transient.ts); `hosted`: Type II; `cost`: state capture and partition setup. */
	'vmm.attach': Base & {technique: string; hosted: boolean; pc: number; cost: number};
	/** It slid out: the virtual CPU's state is the real CPU's again; `entries`: VMM entries while attached. */
	'vmm.detach': Base & {technique: string; pc: number; cost: number; entries: number};
	'host.enter': Base & {reason: string};
	'host.exit': Base & {cost: number};

	/**
	 * A journey ended (trace v2): emitted right after the event that ended it (`iret`, `vmm.resume`,
	 * `stop`). `cycle`/`instret` are its end; the parts of `cost` add up to `cycle − start.cycle`.
	 * `virtual`: the VMM's delivery into a guest (interpretation ii), continuing journey `cause`
	 * (interpretation i); `next`: the virtual journey this one continues as.
	 */
	'journey.end': Base & {
		journey: number;
		parent: number | null;
		vector: number;
		type: JourneyType;
		virtual: boolean;
		cause: number | null;
		start: {cycle: number; instret: number};
		cost: JourneyCost;
		next?: number;
	};
}

/** Exit-reason categories, as kvm_stat groups them. */
export type ExitCategory = 'privileged' | 'exception' | 'hypercall' | 'bt' | 'timer' | 'host' | 'interpret';

export type EventKind = keyof EventMap;
export type VmEvent = {[K in EventKind]: {kind: K} & EventMap[K]}[EventKind];
export type EventOf<K extends EventKind> = {kind: K} & EventMap[K];

export const eventKinds: EventKind[] = [
	'instruction',
	'exception.raised',
	'exception.delivered',
	'iret',
	'interrupt.raised',
	'interrupt.taken',
	'io',
	'halt',
	'stop',
	'console',
	'os.handler',
	'os.syscall',
	'os.switch',
	'os.return',
	'os.kill',
	'os.exit',
	'vmm.intercept',
	'vmm.emulate',
	'vmm.reflect',
	'vmm.translate',
	'vmm.hypercall',
	'vmm.resume',
	'vmm.worldswitch',
	'vmm.interpret',
	'vmm.attach',
	'vmm.detach',
	'host.enter',
	'host.exit',
	'journey.end',
];

/** The dashboard column an event belongs in. */
export function levelOf(kind: EventKind): Level {
	if (kind === 'instruction' || kind === 'io' || kind === 'halt' || kind === 'stop' || kind === 'console') return 'cpu';
	if (kind.startsWith('os.')) return 'os';
	if (kind.startsWith('vmm.')) return 'vmm';
	if (kind.startsWith('host.')) return 'host';
	return 'exception';
}
