/**
 * The virtual CPU of one guest: everything the guest believes about the
 * machine that the real machine does not hold for it. The guest kernel really
 * runs in user mode with interrupts on; its supervisor mode, its IF, its IDT,
 * its control registers, its timer and its console exist only here.
 *
 * Time is virtual and exact: the vCPU counts one guest instruction for every
 * instruction the guest executes directly and for every one the VMM emulates,
 * and its timer fires after exactly N of them — so the guest's schedule, and
 * its console output, equal a native run's.
 */
import type {DecodedCache} from '../cpu/decoded-cache.js';
import type {StopInfo} from '../cpu/machine.js';
import {Cr, Flag} from '../isa/opcodes.js';

/** Index of the status word (what `smsw` reads) after the eight control registers. */
export const MSW = 8;

/** Where the virtual control registers live. */
export interface ControlStore {
	get(cr: number): number;
	set(cr: number, value: number): void;
}

/** trap and bt: the VMM's own storage, invisible to the guest. */
export class OwnControls implements ControlStore {
	private readonly r = new Int32Array(MSW + 1);
	get(cr: number): number {
		return this.r[cr]!;
	}
	set(cr: number, value: number): void {
		this.r[cr] = value;
	}
}

/** pv: the guest's shared vCPU page (docs/hypercalls.md), read and written with plain ld/st by the guest. */
export class SharedPage implements ControlStore {
	constructor(
		private readonly mem32: Int32Array,
		private readonly code: DecodedCache,
		/** Real address of the page. */
		readonly phys: number,
	) {}
	get(cr: number): number {
		return this.mem32[(this.phys >>> 2) + cr]!;
	}
	set(cr: number, value: number): void {
		this.mem32[(this.phys >>> 2) + cr] = value;
		this.code.invalidate(this.phys + 4 * cr);
	}
}

export type GuestState = 'running' | 'blocked' | 'stopped';

export class VCpu {
	/** Virtual S: the guest kernel runs with this set, in real user mode. */
	supervisor = true;
	/** Virtual IF: the guest's `cli` clears only this; real interrupts stay on. */
	intEnabled = false;
	/** The banked sp of the virtual mode not running (in pv kernel mode the user sp is in the shared page). */
	private banked = 0;

	/** Registers r0–r15, pc and C Z N V while another guest holds the real CPU. */
	readonly regs = new Int32Array(16);
	pc = 0;
	flagsCZNV = 0;

	timerPeriod = 0;
	timerCountdown = 0;
	/** Pending virtual interrupt lines, bit i = IRQ i. */
	irqPending = 0;

	readonly input: number[] = [];
	inputHead = 0;
	/** More input may come (live dashboard): `hlt` then blocks instead of stopping. */
	inputOpen = false;
	/** Everything the guest wrote to its console. */
	readonly output: number[] = [];

	/** Guest instructions: executed directly + emulated (the guest's clock). */
	instret = 0;
	/** Of those, how many entered the VMM (emulated, hypercall, bt call, reflected trap). */
	emulated = 0;
	/** Idle slots of the virtual `hlt` (fast-forwarded to the next virtual interrupt). */
	idle = 0;

	state: GuestState = 'running';
	stopped: StopInfo | null = null;

	constructor(readonly controls: ControlStore = new OwnControls()) {}

	/** Count `n` guest instructions on the guest's clock; the virtual timer fires after exactly its period. */
	tick(n: number): void {
		this.instret += n;
		if (this.timerPeriod === 0 || n === 0) return;
		this.timerCountdown -= n;
		if (this.timerCountdown <= 0) {
			this.timerCountdown = this.timerPeriod;
			this.irqPending |= 1;
		}
	}

	/** The user-mode sp while the guest is in virtual kernel mode. */
	get userSp(): number {
		return this.controls instanceof SharedPage ? this.controls.get(Cr.usp) : this.banked;
	}

	set userSp(value: number) {
		if (this.controls instanceof SharedPage) this.controls.set(Cr.usp, value | 0);
		else this.banked = value | 0;
	}

	/** Switch the virtual mode, banking the sp that `regs[15]` (the running one) holds. */
	switchMode(toSupervisor: boolean, regs: Int32Array): void {
		if (toSupervisor === this.supervisor) return;
		const current = regs[15]!;
		if (toSupervisor) {
			regs[15] = this.banked;
			this.supervisor = true;
			this.userSp = current;
		} else {
			const user = this.userSp;
			this.supervisor = false;
			this.banked = current;
			regs[15] = user;
		}
	}

	/** The sp of the virtual mode not running (a transient VMM detaching hands it to the real CPU's banked sp). */
	get otherSp(): number {
		return this.supervisor ? this.userSp : this.banked;
	}

	/** Set the banked sp directly (boot: from the loader's machine state). */
	setBanked(value: number): void {
		if (this.supervisor) this.userSp = value;
		else this.banked = value | 0;
	}

	readControl(cr: number): number {
		return cr === Cr.usp ? this.userSp : this.controls.get(cr);
	}

	writeControl(cr: number, value: number): void {
		value |= 0;
		if (cr === Cr.usp) this.userSp = value;
		// As on the real CPU (docs/v32.md §1.3) the base register is word-granular.
		else this.controls.set(cr, cr === Cr.ubase ? value & ~3 : value);
	}

	/** The virtual FLAGS word: the real C Z N V with the virtual IF and S. */
	flags(realCZNV: number): number {
		return (realCZNV & (Flag.C | Flag.Z | Flag.N | Flag.V)) | (this.intEnabled ? Flag.IF : 0) | (this.supervisor ? Flag.S : 0);
	}

	/** Console input for this guest; raises its virtual IRQ 1. */
	pushInput(bytes: Uint8Array): void {
		if (bytes.length === 0) return;
		for (const b of bytes) this.input.push(b);
		this.irqPending |= 2;
	}

	get pendingInput(): number {
		return this.input.length - this.inputHead;
	}

	/** `in rd, 0x11`: next input byte or -1. */
	readInput(): number {
		return this.inputHead < this.input.length ? this.input[this.inputHead++]! : -1;
	}

	outputText(): string {
		return Buffer.from(this.output).toString('latin1');
	}
}
