/**
 * The machine under the VMM, as every front end drives it (`Simulation`):
 * one real machine, N guests in their partitions, the monitor holding the
 * trap hook. Console output is each guest's virtual console; with several
 * guests the lines are tagged `[vm1] …` so they stay readable interleaved.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {StopReason} from '../bus/events.js';
import type {Machine, StopInfo} from '../cpu/machine.js';
import {type CodeArea, CodeNames, imageName} from '../sim/code-map.js';
import type {GuestInfo, RunDescription, Simulation} from '../sim/simulation.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import type {GuestSpec} from './build.js';
import type {OsObserver} from '../os/observer.js';

/** A guest's registers as the guest sees them: r0–r15, pc, virtual FLAGS. */
export interface GuestRegisters {
	regs: Int32Array;
	pc: number;
	flags: number;
}

export class VmmSimulation implements Simulation {
	/** The OS level of each guest (set by the scenario builder): its processes, its `os.*` events. */
	observers: OsObserver[] = [];
	/** Console bytes of each guest already handed out by takeOutput. */
	private readonly taken: number[];

	constructor(
		readonly machine: Machine,
		readonly monitor: Monitor,
		readonly description: RunDescription,
		readonly specs: GuestSpec[],
		readonly spec: unknown,
	) {
		this.taken = specs.map(() => 0);
		// Events name code as it is when they happen (Machine.codeNamer): by the image at its real
		// address, else by the guest's labels; the process is the one the guest kernel says runs.
		let names: CodeNames | undefined;
		machine.codeNamer = {
			symbol: (supervisor, pc, phys) => {
				names ??= new CodeNames(this.codeMap(), this.symbolTables());
				return imageName(names, phys, pc) ?? this.symbolize(machine.guest, supervisor, pc);
			},
			pid: () => this.observers[machine.guest]?.kernelCurrentPid(),
		};
	}

	get bus(): EventBus {
		return this.monitor.bus;
	}

	get guestList(): readonly Guest[] {
		return this.monitor.guests;
	}

	get stopped(): StopInfo | null {
		return this.machine.stopped;
	}

	get instret(): number {
		return this.machine.instret;
	}

	run(budget: number): number {
		if (this.machine.stopped) return 0;
		if (this.monitor.scheduler.waiting && !this.monitor.scheduler.wake()) return 0;
		const ran = this.monitor.interpreter ? runHybrid(this.machine, this.monitor, budget) : this.machine.run(budget);
		this.monitor.scheduler.settle();
		return ran;
	}

	stop(reason: StopReason, code: number, message: string): void {
		this.monitor.scheduler.settle();
		this.machine.stop(reason, code, message);
	}

	takeOutput(): string {
		const gs = this.monitor.guests;
		if (gs.length === 1) {
			const out = gs[0]!.vcpu.output;
			const fresh = Buffer.from(out.slice(this.taken[0])).toString('latin1');
			this.taken[0] = out.length;
			return fresh;
		}
		// Several guests: whole lines, in the order they were completed, each tagged with its guest.
		let text = '';
		for (const i of this.monitor.lineOrder.splice(0)) {
			const out = gs[i]!.vcpu.output;
			const end = out.indexOf(10, this.taken[i]);
			text += `[vm${i}] ${Buffer.from(out.slice(this.taken[i], end)).toString('latin1')}\n`;
			this.taken[i] = end + 1;
		}
		if (this.machine.stopped) {
			for (const g of gs) {
				const out = g.vcpu.output;
				if (this.taken[g.index]! < out.length) text += `[vm${g.index}] ${Buffer.from(out.slice(this.taken[g.index])).toString('latin1')}\n`;
				this.taken[g.index] = out.length;
			}
		}
		return text;
	}

	symbolize(guest: number, supervisor: boolean, pc: number): string {
		const s = this.specs[guest]?.symbolize;
		return s ? s(supervisor, pc) : '0x' + (pc >>> 0).toString(16).padStart(8, '0');
	}

	symbolTables(): Record<string, Record<string, number>> {
		const tables: Record<string, Record<string, number>> = {};
		this.specs.forEach((spec, i) => {
			for (const [name, table] of Object.entries(spec.symbolTables?.() ?? {})) tables[this.tableKey(i, name)] = table;
		});
		return tables;
	}

	/** Each guest's map moved to its partition: guest-physical `a` is real `base + a`. */
	codeMap(): CodeArea[] {
		return this.specs.flatMap((spec, i) => {
			const base = this.monitor.guests[i]!.partition.base;
			return (spec.codeMap?.() ?? []).map((a) => ({...a, start: base + a.start, guest: i, symbols: this.tableKey(i, a.symbols)}));
		});
	}

	/** With several guests their tables are told apart by guest: `vm1:kernel.s`. */
	private tableKey(guest: number, name: string): string {
		return this.specs.length > 1 ? `vm${guest}:${name}` : name;
	}

	pushInput(text: string, guest = 0): void {
		const g = this.monitor.guests[guest];
		if (!g) throw new RangeError(`no guest ${guest}`);
		g.vcpu.pushInput(new TextEncoder().encode(text));
		if (g.vcpu.state === 'blocked') g.vcpu.state = 'running';
	}

	guests(): GuestInfo[] {
		return this.monitor.guests.map((g) => {
			const v = g.vcpu;
			const state = v.state === 'stopped' ? 'stopped' : v.state === 'blocked' ? 'halted' : 'running';
			return {
				index: g.index,
				name: g.name,
				state,
				instructions: v.instret + (g === this.monitor.current ? this.machine.instret - this.monitor.scheduler.mark : 0),
				...(v.stopped ? {exitCode: v.stopped.code} : {}),
			};
		});
	}

	/** The guest's registers now: live from the real CPU if it holds the guest, else as saved. */
	registers(guest: number): GuestRegisters {
		const g = this.monitor.guests[guest]!;
		const v = g.vcpu;
		const live = g === this.monitor.current;
		const regs = live ? this.machine.regs.slice(0, 16) : v.regs.slice();
		const czvn = live ? this.machine.flags & 0xf : v.flagsCZNV;
		return {regs, pc: live ? this.machine.pc : v.pc, flags: v.flags(czvn)};
	}
}

/**
 * hvm: the guest's virtual supervisor mode is interpreted, its virtual user mode runs on the
 * real CPU — which returns to here (`returnToHost`) as soon as an exit leaves the guest in
 * virtual supervisor mode. Both count on the real `instret`. (A transient VMM runs the same loop.)
 */
export function runHybrid(m: Machine, vm: Monitor, budget: number): number {
	const start = m.instret;
	let idle = 0;
	while (!m.stopped && m.instret - start < budget && !vm.scheduler.waiting) {
		const g = vm.current;
		if (!g) break;
		const before = m.instret;
		const left = budget - (before - start);
		let steps: number;
		if (g.vcpu.supervisor) steps = vm.interpreter!.run(g, left);
		else {
			m.returnToHost = false;
			steps = m.run(left);
		}
		// Exceptions delivered without an instruction retiring count as steps: the guest's own
		// loop limit (GUEST_LOOP_LIMIT) stops a guest stuck that way; this only guards the loop.
		if (m.instret !== before || steps > 0) idle = 0;
		else if (++idle > 2) break;
	}
	return m.instret - start;
}
