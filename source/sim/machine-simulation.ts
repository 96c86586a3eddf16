/**
 * What every Simulation on one real machine shares: running in batches,
 * console, stopping, the guests table. Subclasses say how to name code.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {Machine, StopInfo} from '../cpu/machine.js';
import {type CodeArea, CodeNames, imageName} from './code-map.js';
import type {GuestInfo, RunDescription, Simulation} from './simulation.js';

export abstract class MachineSimulation implements Simulation {
	constructor(
		readonly machine: Machine,
		readonly bus: EventBus,
		readonly description: RunDescription,
		readonly spec: unknown,
	) {
		machine.codeNamer = {symbol: (supervisor, pc, phys) => this.nameNow(supervisor, pc, phys), pid: () => this.runningPid()};
	}

	private names: CodeNames | undefined;

	/** Code named as it is now (events carry it: see Machine.codeNamer): by the image at `phys`, else by `symbolize`. */
	private nameNow(supervisor: boolean, pc: number, phys: number): string {
		this.names ??= new CodeNames(this.codeMap(), this.symbolTables());
		return imageName(this.names, phys, pc) ?? this.nameByMode(supervisor, pc);
	}

	/** Without a physical address: by the mode's labels (a kernel simulation: the process the kernel says runs). */
	protected nameByMode(supervisor: boolean, pc: number): string {
		return this.symbolize(this.machine.guest, supervisor, pc);
	}

	/** The process that runs now, by the kernel's word; undefined without an OS. */
	protected runningPid(): number | undefined {
		return undefined;
	}

	run(budget: number): number {
		return this.machine.run(budget);
	}

	get stopped(): StopInfo | null {
		return this.machine.stopped;
	}

	get instret(): number {
		return this.machine.instret;
	}

	takeOutput(): string {
		return this.machine.takeOutput();
	}

	stop(reason: StopInfo['reason'], code: number, message: string): void {
		this.machine.stop(reason, code, message);
	}

	/** One console: `guest` does not matter without a VMM. */
	pushInput(text: string, _guest?: number): void {
		this.machine.pushInput(text);
	}

	/** The bare machine is the one "guest", with index -1 like its events. */
	guests(): GuestInfo[] {
		const m = this.machine;
		const info: GuestInfo = {
			index: -1,
			name: this.description.name,
			state: m.stopped ? 'stopped' : m.halted ? 'halted' : 'running',
			instructions: m.instret,
		};
		if (m.stopped) info.exitCode = m.stopped.code;
		return [info];
	}

	abstract symbolize(guest: number, supervisor: boolean, pc: number): string;
	abstract symbolTables(): Record<string, Record<string, number>>;
	abstract codeMap(): CodeArea[];
}
