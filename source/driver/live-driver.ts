/**
 * The live driver: runs a Simulation in batches on the event loop, at a pace
 * from a few hundred instructions per second up to as fast as the host goes.
 *
 * Turns are scheduled by the pacing base both drivers share
 * (driver/paced-driver.ts): every turn runs for at most `sliceMs` of wall time
 * and then yields, so key presses are read between turns however fast the core
 * runs. The core never awaits; the UI never runs inside a batch.
 */
import type {StopInfo} from '../cpu/machine.js';
import {decodeBytes} from '../isa/encoding.js';
import {disassembleInstruction} from '../isa/disassembler.js';
import {CodeNames, instructionName} from '../sim/code-map.js';
import type {GuestInfo, Simulation} from '../sim/simulation.js';
import {TransientSimulation} from '../vmm/transient.js';
import {CATCH_UP_MS, PacedDriver, type TurnPace} from './paced-driver.js';
import {type DriverMode, type Scheduler, type SourceState, type Speed, defaultSpeed, showsInstructions} from './pacing.js';
import {LiveRecorder} from './live-recorder.js';
import type {DashboardSource, PropertyLine, RestartChange} from './source.js';
import {runFlatOut, runPaced, runUntilDone, runUntilException} from './turns.js';

/** Builds the run again with another VMM technique or ISA profile (`v`, `i`). */
export type SimulationFactory = (change: RestartChange) => Simulation;

export interface LiveDriverOptions {
	speed?: Speed;
	/** Start paused (tests, `--paused`). */
	paused?: boolean;
	/** Longest stretch of core work before yielding to the event loop (ms). */
	sliceMs?: number;
	/** Turn period at finite speeds (ms). */
	frameMs?: number;
	scheduler?: Scheduler;
	/** Rebuilds the run for `restart`; without it `v` / `i` are unavailable. */
	factory?: SimulationFactory;
	/** Popek–Goldberg lines for the properties panel, asked at frame rate. */
	properties?: (sim: Simulation) => PropertyLine[] | undefined;
	/** Where `R` records a run of this name (default: `defaultTraceFile`, in the working directory). */
	traceFile?: (name: string) => string;
}

export class LiveDriver extends PacedDriver implements DashboardSource {
	private sim: Simulation;
	generation = 0;
	private speedValue: Speed;
	/** The user wants it to run (space toggles this). */
	private wantRun: boolean;
	/** Running to the next exception. */
	private seeking = false;
	/** Journey mode: running until this says so (`runUntil`), else to the next exception. */
	private until: (() => boolean) | null = null;
	/** After `s`: show instructions even at a high speed, until resumed. */
	private stepping = false;
	/** The core is waiting for console input. */
	private waiting = false;
	private credit = 0;
	/** Chunk size for flat-out running, adapted so one chunk takes ~1–3 ms. */
	readonly chunk = {size: 10_000};
	/** `R`: records the run being driven now. */
	readonly recorder: LiveRecorder;
	/** Names by physical address, for the simulation they were built from (a restart replaces it). */
	private names: {sim: Simulation; names: CodeNames} | null = null;

	constructor(
		sim: Simulation,
		private readonly options: LiveDriverOptions = {},
	) {
		super(options.scheduler, options);
		this.sim = sim;
		this.speedValue = options.speed ?? defaultSpeed;
		this.wantRun = !(options.paused ?? false);
		this.recorder = new LiveRecorder(() => this.sim, {traceFile: options.traceFile});
		this.schedule();
	}

	/** The simulation being driven (replaced by `restart`). */
	get simulation(): Simulation {
		return this.sim;
	}

	get description() {
		return this.sim.description;
	}

	get engine() {
		return this.sim.machine.engine;
	}

	get bus() {
		return this.sim.bus;
	}

	get instret(): number {
		return this.sim.instret;
	}

	get cycle(): number {
		return this.sim.machine.cycles;
	}

	get stopped(): StopInfo | null {
		return this.sim.stopped;
	}

	get state(): SourceState {
		return {mode: this.mode(), speed: this.speedValue, detail: this.stepping || showsInstructions(this.speedValue)};
	}

	private mode(): DriverMode {
		if (this.sim.stopped) return 'stopped';
		if (this.seeking) return this.waiting ? 'waiting' : 'seeking';
		if (!this.wantRun) return 'paused';
		return this.waiting ? 'waiting' : 'running';
	}

	symbolize(guest: number, supervisor: boolean, pc: number): string {
		return this.sim.symbolize(guest, supervisor, pc);
	}

	symbolizeInstruction(guest: number, supervisor: boolean, pc: number, phys: number): string {
		return instructionName(this.codeNames(), phys, pc, () => this.sim.symbolize(guest, supervisor, pc));
	}

	symbolizeProcess(guest: number, pid: number, pc: number): string {
		return this.codeNames().process(guest, pid, pc) ?? this.sim.symbolize(guest, false, pc);
	}

	virtualSupervisor(guest: number, phys: number): boolean | undefined {
		if (this.sim.description.vmm === 'none' || !Number.isFinite(phys)) return undefined;
		const pid = this.codeNames().pidAt(phys);
		return pid === undefined ? undefined : pid === 0;
	}

	private codeNames(): CodeNames {
		if (this.names?.sim !== this.sim) this.names = {sim: this.sim, names: new CodeNames(this.sim.codeMap(), this.sim.symbolTables())};
		return this.names.names;
	}

	disassemble(phys: number): string | undefined {
		if (!Number.isFinite(phys)) return undefined;
		const ins = decodeBytes(this.sim.machine.mem, phys);
		return ins ? disassembleInstruction(ins) : undefined;
	}

	physical(supervisor: boolean, pc: number): number {
		const m = this.sim.machine;
		if (supervisor) return pc >>> 0;
		// Beyond the segment nothing is fetched: another program's code may lie at ubase + pc.
		return pc >>> 0 < m.ulimit >>> 0 ? (m.ubase >>> 0) + (pc >>> 0) : Number.NaN;
	}

	guests(): GuestInfo[] {
		return this.sim.guests();
	}

	properties(): PropertyLine[] | undefined {
		return this.options.properties?.(this.sim);
	}

	pause(): void {
		this.wantRun = false;
		this.seeking = false;
		this.until = null;
		this.changed();
	}

	resume(): void {
		if (this.sim.stopped) return;
		this.wantRun = true;
		this.seeking = false;
		this.until = null;
		this.stepping = false;
		this.lastTurn = this.sched.now();
		this.credit = 0;
		this.changed();
	}

	step(): void {
		if (this.sim.stopped) return;
		this.wantRun = false;
		this.seeking = false;
		this.until = null;
		// Detail first, so the store subscribes to `instruction` before it runs.
		this.stepping = true;
		this.changed();
		const ran = this.sim.run(1);
		this.recorder.afterBatch();
		this.waiting = ran === 0 && !this.sim.stopped;
		this.changed();
	}

	nextException(): void {
		if (this.sim.stopped) return;
		this.wantRun = false;
		this.seeking = true;
		this.until = null;
		this.changed();
	}

	runUntil(done: () => boolean): void {
		if (this.sim.stopped) return;
		this.wantRun = false;
		this.seeking = true;
		this.until = done;
		this.changed();
	}

	setSpeed(speed: Speed): void {
		this.speedValue = speed;
		this.credit = 0;
		this.changed();
	}

	restart(change: RestartChange): void {
		const factory = this.options.factory;
		if (!factory) return;
		// Build first: if it throws, the run (and its recording) goes on untouched.
		const next = factory(change);
		this.cancelTurn();
		// The recording belongs to the run being replaced: its footer describes that run's end.
		this.recorder.stop('recording-stopped');
		this.sim = next;
		this.generation++;
		this.seeking = false;
		this.until = null;
		this.waiting = false;
		this.credit = 0;
		this.lastTurn = this.sched.now();
		this.changed();
	}

	toggleTransient(): string {
		const sim = this.sim;
		if (!(sim instanceof TransientSimulation)) {
			return sim.description.vmm === 'none'
				? 'no kernel to attach a VMM under (a bare program)'
				: `the VMM (${sim.description.vmm}) runs from the start: A attaches one under a native run (v to none)`;
		}
		if (sim.stopped) return 'the run has ended';
		const what = sim.toggle();
		this.changed();
		const a = sim.attachments.at(-1);
		if (what === 'attach') {
			return sim.monitor && a ? `VMM attached (${a.technique}) at instruction ${a.attachAt}: ${a.attachCost} cycles` : 'the CPU waits in hlt: the VMM attaches when it runs';
		}
		return a?.detachAt !== undefined ? `VMM detached at instruction ${a.detachAt} after ${a.entries} entries: ${a.detachCost} cycles` : 'VMM detaching';
	}

	pushInput(text: string, guest: number): void {
		this.sim.pushInput(text, guest);
		this.waiting = false;
		this.changed();
	}

	override dispose(): void {
		super.dispose();
		// Normally stopped already, with the reason (q, a signal); never leave a file without its footer.
		this.recorder.stop('recording-stopped');
	}

	protected override nextPace(): TurnPace | null {
		if (this.sim.stopped || (!this.wantRun && !this.seeking)) return null;
		// Waiting for a key: poll slowly (pushInput wakes it at once anyway).
		if (this.waiting) return 'poll';
		return this.seeking || this.speedValue === 'max' ? 'flat-out' : 'frame';
	}

	protected override turn(now: number, deadline: number): void {
		let ran: number;
		if (this.seeking) {
			const result = this.until ? runUntilDone(this.sim, this.sched, deadline, this.until) : runUntilException(this.sim, this.sched, deadline);
			ran = result.ran;
			if (result.hit) {
				this.seeking = false;
				this.until = null;
				this.wantRun = false;
			}
		} else if (this.speedValue === 'max') {
			ran = runFlatOut(this.sim, this.sched, deadline, this.chunk);
		} else {
			// Catch up at most CATCH_UP_MS after a stall: the credit never exceeds that much work.
			this.credit = Math.min(this.credit + (this.speedValue * (now - this.lastTurn)) / 1000, (this.speedValue * CATCH_UP_MS) / 1000 + 1);
			const budget = Math.floor(this.credit);
			ran = budget > 0 ? runPaced(this.sim, this.sched, deadline, budget) : -1;
			if (ran > 0) this.credit -= ran;
		}
		this.lastTurn = now;
		this.recorder.afterBatch();
		// Console text reaches the store as `console` events; drop the copy the core keeps.
		this.sim.takeOutput();
		this.waiting = ran === 0 && !this.sim.stopped;
		this.changed();
	}
}
