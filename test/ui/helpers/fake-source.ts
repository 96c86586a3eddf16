/**
 * A DashboardSource without a core: tests emit synthetic events on its bus
 * and read back what the controller asked of it.
 */
import {EventBus} from '../../../source/bus/event-bus.js';
import type {VmEvent} from '../../../source/bus/events.js';
import {defaultCosts} from '../../../source/cpu/costs.js';
import type {StopInfo} from '../../../source/cpu/machine.js';
import type {GuestInfo, RunDescription} from '../../../source/sim/simulation.js';
import type {
	DashboardSource,
	PropertyLine,
	RestartChange,
	SourceState,
	Speed,
} from '../../../source/driver/source.js';
import {showsInstructions} from '../../../source/driver/speed.js';

export class FakeSource implements DashboardSource {
	bus = new EventBus();
	generation = 0;
	instret = 0;
	cycle = 0;
	stopped: StopInfo | null = null;
	description: RunDescription;
	mode: SourceState['mode'] = 'running';
	speed: Speed = 300;
	stepping = false;
	guestList: GuestInfo[] = [{index: -1, name: 'default', state: 'running', instructions: 0}];
	props: PropertyLine[] | undefined;
	/** Every control call, in order: `pause`, `step`, `speed 1000`, `restart vmm=bt`, `input 0 "a"`. */
	calls: string[] = [];
	private listeners = new Set<() => void>();
	/** When set, restart throws this (a technique not available). */
	restartError?: string;

	constructor(description: Partial<RunDescription> = {}) {
		this.description = {name: 'default', isa: 'classic', vmm: 'none', type: 1, guests: 1, costs: defaultCosts, ...description};
	}

	get state(): SourceState {
		return {mode: this.mode, speed: this.speed, detail: this.stepping || showsInstructions(this.speed)};
	}

	symbolize(_guest: number, supervisor: boolean, pc: number): string {
		return `${supervisor ? 'kernel' : 'main'}+0x${pc.toString(16)}`;
	}

	/** No code map: instructions are named by mode, as the fake's events expect. */
	symbolizeInstruction(guest: number, supervisor: boolean, pc: number, _phys: number): string {
		return this.symbolize(guest, supervisor, pc);
	}

	symbolizeProcess(guest: number, _pid: number, pc: number): string {
		return this.symbolize(guest, false, pc);
	}

	disassemble(phys: number): string | undefined {
		return Number.isFinite(phys) ? `op@${phys.toString(16)}` : undefined;
	}

	physical(supervisor: boolean, pc: number): number {
		return supervisor ? pc : 0x1000 + pc;
	}

	guests(): GuestInfo[] {
		return this.guestList;
	}

	properties(): PropertyLine[] | undefined {
		return this.props;
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	changed(): void {
		for (const l of [...this.listeners]) l();
	}

	/** Emit events as the core would, advancing instret/cycle with them. */
	emit(...events: VmEvent[]): void {
		for (const e of events) {
			this.instret = Math.max(this.instret, e.instret);
			this.cycle = Math.max(this.cycle, e.cycle);
			if (this.bus.wanted[e.kind]) this.bus.emit(e);
		}
	}

	pause(): void {
		this.calls.push('pause');
		this.mode = 'paused';
		this.changed();
	}

	resume(): void {
		this.calls.push('resume');
		this.mode = 'running';
		this.stepping = false;
		this.changed();
	}

	step(): void {
		this.calls.push('step');
		this.mode = 'paused';
		this.stepping = true;
		this.changed();
	}

	nextException(): void {
		this.calls.push('nextException');
		this.mode = 'seeking';
		this.changed();
	}

	setSpeed(speed: Speed): void {
		this.calls.push(`speed ${speed}`);
		this.speed = speed;
		this.changed();
	}

	restart(change: RestartChange): void {
		this.calls.push(`restart ${Object.entries(change).map(([k, v]) => `${k}=${v}`).join(' ')}`);
		if (this.restartError) throw new Error(this.restartError);
		this.description = {...this.description, ...change};
		this.bus = new EventBus();
		this.generation++;
		this.instret = 0;
		this.cycle = 0;
		this.changed();
	}

	pushInput(text: string, guest: number): void {
		this.calls.push(`input ${guest} ${JSON.stringify(text)}`);
	}

	dispose(): void {
		this.calls.push('dispose');
	}
}
