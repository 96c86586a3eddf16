/**
 * The boundary between the dashboard and whatever produces events.
 *
 * The dashboard (store + views) never touches a Simulation directly: it reads
 * a DashboardSource. The live driver (live-driver.ts) is one implementation —
 * it runs the core in batches. A replay driver is another: it reads a trace
 * and emits the recorded events on its own EventBus at the chosen speed.
 *
 * Contract for implementers:
 * - `bus` carries the events (events.ts). The store subscribes to every kind
 *   except `instruction`, and to `instruction` only while `state.detail` is
 *   true (per-instruction events are costly for the live core; a replay may
 *   keep `detail` true all the time).
 * - When the run is replaced (restart with another VMM technique / ISA
 *   profile, or a replay seek that rewinds), bump `generation` and call the
 *   change listeners: the store drops its history and resubscribes to `bus`.
 * - Call the change listeners whenever `state`, `instret` or `stopped` changed
 *   (after every batch is fine: the store throttles to frame rate).
 * - Control operations return at once; the work happens on the event loop.
 *   Optional ones are for one kind of source only (`restart`, `pushInput`:
 *   live; `stepBack`, `seek`, `prevException`, `goto`: replay); their keys
 *   say "not in this run" when absent.
 * - `recorder` (live only): `R` records the run to a trace file. The source
 *   calls its batch hook between batches and stops it (footer written) when
 *   the run is replaced or disposed.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {StopInfo} from '../cpu/machine.js';
import type {Engine, GuestInfo, RunDescription, VmmTechnique} from '../sim/simulation.js';
import type {SourceState, Speed} from './pacing.js';
import type {TraceEnd} from '../trace/format.js';

// Speed, mode and state are shared with the replay driver (driver/pacing.ts).
export type {DriverMode, SourceState, Speed} from './pacing.js';

/** What `restart` may change. */
export interface RestartChange {
	vmm?: VmmTechnique;
	isa?: string;
	/** VMM type (the restart chooser, `x`). */
	type?: 1 | 2;
	/** Number of guests (the restart chooser, `x`). */
	vms?: number;
}

/** One line of the Popek–Goldberg panel. */
export interface PropertyLine {
	label: string;
	value: string;
	/** true: holds, false: violated, undefined: informative. */
	ok?: boolean;
}

/** A trace file being written, or written. */
export interface RecordingInfo {
	file: string;
	/** Events written so far. */
	events: number;
	/** Set when the file could not be written to the end (disk full …): what reached the disk replays. */
	error?: string;
}

/** Recording a live run to a trace file (`R`). */
export interface SourceRecorder {
	/** The recording in progress, or null. */
	readonly active: RecordingInfo | null;
	/** The recording stopped last (by `stop`, or by a restart), or null. */
	readonly last: RecordingInfo | null;
	/** Record the run from now on. Throws (TraceError) when the file cannot be created. */
	start(): RecordingInfo;
	/** Write the footer and close the file; null when nothing was recording. Never throws (see `error`). */
	stop(end: TraceEnd): RecordingInfo | null;
}

export interface DashboardSource {
	/** Scenario, ISA profile, VMM technique and type (status line). */
	readonly description: RunDescription;
	/** How the CPU executes a live run (`--engine`, status line); absent in a replay, which executes nothing. */
	readonly engine?: Engine;
	/** Where the events come from. Replaced on restart (see `generation`). */
	readonly bus: EventBus;
	/** Bumped whenever the run is replaced; the store resets its history. */
	readonly generation: number;
	/** Instructions retired so far (the replay: at the current position). */
	readonly instret: number;
	/** Cycles so far. */
	readonly cycle: number;
	/**
	 * Replay: the current event number in the trace. Live: absent — the store
	 * shows how many events it has received instead.
	 */
	readonly events?: number;
	/** Replay: events in the trace (the status line shows `event #N of LENGTH`). */
	readonly length?: number;
	/**
	 * What the run's clock counts: `instructions` (a vmtop run, live or recorded), or `host-ns` — an
	 * import of a real host's KVM trace, whose events carry host time in ns as `cycle` and no
	 * instruction counts (`instret` stays 0): the dashboard shows host time instead. Absent: instructions.
	 */
	readonly clock?: 'instructions' | 'host-ns';
	/** Something the user should know now (a rewind's window, a bad line reached), shown in the status line. */
	readonly notice?: string;
	/** Why the run ended, or null while it can go on. */
	readonly stopped: StopInfo | null;
	readonly state: SourceState;

	/** Name code: `sys_write+0x8`, by the (virtual) mode it runs in. */
	symbolize(guest: number, supervisor: boolean, pc: number): string;
	/**
	 * Name the instruction at `pc` fetched from physical `phys` by the program whose image is there
	 * (under a VMM the guest kernel runs in user mode: the mode cannot say). NaN: by the mode.
	 */
	symbolizeInstruction(guest: number, supervisor: boolean, pc: number, phys: number): string;
	/** Name a user address of process `pid` by its program's labels. */
	symbolizeProcess(guest: number, pid: number, pc: number): string;
	/**
	 * Under a VMM: does real physical `phys` hold the guest's kernel (true: it runs in virtual supervisor
	 * mode) or a process (false)? Undefined when not known, and without a VMM.
	 */
	virtualSupervisor?(guest: number, phys: number): boolean | undefined;
	/** Disassemble the instruction at a physical address (`out 0x10, r2`), if known. */
	disassemble(phys: number): string | undefined;
	/**
	 * The physical address of `pc` as the CPU sees it *now* (called by the store
	 * while it receives an `exception.raised` without `phys` — a trace from before
	 * the CPU said — so the faulting instruction can be disassembled later). NaN when unknown.
	 */
	physical(supervisor: boolean, pc: number): number;
	/** Per-guest state for the guests table (one entry without a VMM). */
	guests(): GuestInfo[];
	/** The Popek–Goldberg properties of this run, when a VMM reports them. */
	properties?(): PropertyLine[] | undefined;

	/** Called after state/progress changes; returns the unsubscribe function. */
	onChange(listener: () => void): () => void;

	pause(): void;
	resume(): void;
	/** Execute exactly one instruction, then pause. */
	step(): void;
	/** Run until the next exception is raised, then pause just after it. */
	nextException(): void;
	/**
	 * Live only (journey mode, `J`): run, one instruction at a time, until `done()` says so
	 * (asked after each instruction), then pause. The caller's listeners decide from the events.
	 */
	runUntil?(done: () => boolean): void;
	setSpeed(speed: Speed): void;
	/** Replay only: the pace that counts as 1× (speeds then read ¼× … unlimited). */
	readonly speedBase?: number;
	/** Live only: rebuild the run with another VMM technique or ISA profile. */
	restart?(change: RestartChange): void;
	/** Live only: attach a transient VMM under the running kernel, or detach it (`A`); says what happened. */
	toggleTransient?(): string;
	/** Live only: keyboard input for a guest's console. */
	pushInput?(text: string, guest: number): void;
	/** Live only: records the run to a trace file (`R`). */
	readonly recorder?: SourceRecorder;
	/** Replay only: one instruction back (`b`; one event in a trace without instructions). */
	stepBack?(): void;
	/** Replay only: jump to an event number. */
	seek?(event: number): void;
	/** Replay only: back to the previous exception (`[`). */
	prevException?(): void;
	/** Replay only: go to what the user typed after `g` (an event number or a cycle); an error message or null. */
	goto?(text: string): string | null;
	/** Stop timers and let go of the run. */
	dispose(): void;
}
