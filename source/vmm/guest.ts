/**
 * A guest: one virtual machine under the VMM — its partition of real memory,
 * its virtual CPU, and what the VMM learns about it while it runs (translation
 * cache, sensitive instructions seen, escape attempts, cycles charged).
 *
 * A guest starts from exactly the state the boot loader leaves on a native
 * machine (`BootState`, taken from a freshly loaded `Machine`), so the native
 * reference run and the virtualized run start identical.
 */
import type {Machine} from '../cpu/machine.js';
import {Cr, controlRegisters} from '../isa/opcodes.js';
import {Partition} from './partition.js';
import {OwnControls, SharedPage, VCpu, MSW} from './vcpu.js';
import {ResourceLog} from './resource-control.js';

/** The CPU and device state a native machine has right after the loader ran. */
export interface BootState {
	memory: Uint8Array;
	pc: number;
	regs: Int32Array;
	otherSp: number;
	supervisor: boolean;
	intEnabled: boolean;
	/** C Z N V as a FLAGS word. */
	flags: number;
	controls: Record<(typeof controlRegisters)[number], number>;
	timerPeriod: number;
	timerCountdown: number;
	irqPending: number;
}

/** Snapshot a loaded (not yet run) native machine: what the guest must start from. */
export function bootStateOf(machine: Machine): BootState {
	const controls = {} as BootState['controls'];
	controlRegisters.forEach((name, cr) => (controls[name] = machine.readControl(cr)));
	return {
		memory: machine.mem.slice(),
		pc: machine.pc,
		regs: machine.regs.slice(0, 16),
		otherSp: machine.otherSp,
		supervisor: machine.supervisor,
		intEnabled: machine.intEnabled,
		flags: machine.flags,
		controls,
		timerPeriod: machine.timerPeriod,
		timerCountdown: machine.timerCountdown,
		irqPending: machine.irqPending,
	};
}

/** A sensitive unprivileged instruction found in guest-kernel code (trap mode records, bt patches). */
export interface SensitiveSite {
	mnemonic: string;
	/** Guest-physical address of the first site seen. */
	pc: number;
	sites: number;
}

export class Guest {
	readonly vcpu: VCpu;
	/** Cycles charged to this guest: while it held the real CPU, plus its virtual idle. */
	cycles = 0;
	/** VMM entries while this guest ran. */
	entries = 0;
	/** Real timer entries taken while the guest had its virtual IF off (the VMM kept control). */
	timerEntriesWhileMasked = 0;
	/** Sensitive unprivileged instructions in the guest kernel's code, by mnemonic (found as it is decoded). */
	readonly sensitive = new Map<string, SensitiveSite>();
	readonly resource = new ResourceLog();
	/** VMM entries in a row in which the guest executed no instruction (an exception loop). */
	fruitless = 0;
	/** Family virtualization: opcode → privileged in the guest's own ISA (null: the real machine's). */
	privileged: Uint8Array | null = null;
	/** Hybrid VMM: guest instructions interpreted (virtual supervisor mode), part of `vcpu.emulated`. */
	interpreted = 0;
	/** Passes through the host OS (Type II). */
	hostPasses = 0;
	/** Binary translation: blocks translated (first time), re-translated (after the guest wrote its code), patches, instructions scanned. */
	readonly translation = {blocks: 0, retranslations: 0, patches: 0, scanned: 0};
	/** Real addresses of the instructions translated so far, and of the sensitive sites seen. */
	readonly translated = new Set<number>();
	readonly sites = new Set<number>();

	constructor(
		readonly index: number,
		readonly name: string,
		readonly partition: Partition,
		machine: Machine,
		boot: BootState,
		/** pv: guest-physical address of the kernel's shared vCPU page (`pv_vcpu`). */
		sharedPage?: number,
	) {
		if (boot.memory.length > partition.size) {
			throw new RangeError(`guest ${index}: image of ${boot.memory.length} bytes does not fit its ${partition.size}-byte partition`);
		}
		machine.mem.set(boot.memory, partition.base);
		machine.code.invalidateRange(partition.base, partition.size);
		const page =
			sharedPage !== undefined && partition.contains(sharedPage, 4 * (MSW + 1)) && sharedPage % 4 === 0
				? new SharedPage(machine.mem32, machine.code, partition.real(sharedPage))
				: undefined;
		const v = new VCpu(page ?? new OwnControls());
		this.vcpu = v;
		v.supervisor = boot.supervisor;
		v.intEnabled = boot.intEnabled;
		v.regs.set(boot.regs);
		v.pc = boot.pc;
		v.flagsCZNV = boot.flags;
		controlRegisters.forEach((name, cr) => {
			if (cr !== Cr.usp) v.controls.set(cr, boot.controls[name]);
		});
		v.setBanked(boot.otherSp);
		// The status word a pv kernel reads instead of `smsw`: it runs in virtual supervisor mode.
		v.controls.set(MSW, 1);
		v.timerPeriod = boot.timerPeriod;
		v.timerCountdown = boot.timerCountdown;
		v.irqPending = boot.irqPending;
	}
}
