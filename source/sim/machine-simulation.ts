/**
 * What every Simulation on one real machine shares: running in batches,
 * console, stopping, the guests table. Subclasses say how to name code.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {Machine, StopInfo} from '../cpu/machine.js';
import type {CodeArea} from './code-map.js';
import type {GuestInfo, RunDescription, Simulation} from './simulation.js';

export abstract class MachineSimulation implements Simulation {
	constructor(
		readonly machine: Machine,
		readonly bus: EventBus,
		readonly description: RunDescription,
		readonly spec: unknown,
	) {}

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
