/**
 * The first divergence of a transient VMM's run (source/vmm/lockstep.ts): the
 * kernel stepped natively against the same kernel with the VMM attached and
 * detached on schedule. Whether an attach point keeps equivalence is decided
 * the way rr would: instruction by instruction, with the first cause named
 * (on pentium, a `popf` under trap after an attach inside pushf/cli … popf).
 */
import type {EventBus} from '../bus/event-bus.js';
import {Cr} from '../isa/opcodes.js';
import {EventStepper, type LockstepReport, NativeStepper, Places, lockstep} from './lockstep.js';
import type {TransientSimulation} from './transient.js';

/** The kernel of a transient run, native or under the VMM as the schedule says. */
export class TransientStepper extends EventStepper {
	private output = 0;
	private lastByte = 0;

	constructor(
		private readonly sim: TransientSimulation,
		bus: EventBus,
	) {
		super(sim.machine, new Places(sim.codeMap(), sim.symbolTables()));
		bus.on('instruction', (e) => this.snap(e.pc));
	}

	advance(): boolean {
		while (this.queue.length === 0 && !this.sim.stopped) {
			const ran = this.sim.run(1);
			const out = this.sim.takeOutput();
			if (out.length > 0) {
				this.output += out.length;
				this.lastByte = out.charCodeAt(out.length - 1);
			}
			if (ran === 0 && this.queue.length === 0) break;
		}
		return this.queue.length > 0;
	}

	stopped(): string | undefined {
		return this.sim.stopped?.message;
	}

	protected guestBase(): number {
		const g = this.sim.guest;
		return (g ? g.vcpu.readControl(Cr.ubase) : this.sim.machine.ubase) >>> 0;
	}
	protected realBase(): number {
		return 0;
	}
	protected view() {
		const m = this.sim.machine;
		const v = this.sim.guest?.vcpu;
		const mode = v ? {supervisor: v.supervisor, flags: v.flags(m.flags)} : {supervisor: m.supervisor, flags: m.flags};
		return {...mode, output: this.output, lastByte: this.lastByte, index: this.count++};
	}
}

/** Two fresh runs of the same kernel, each on its own bus: natively, and with the transient schedule. */
export function transientLockstep(
	native: {sim: {machine: TransientSimulation['machine']; codeMap: TransientSimulation['codeMap']; symbolTables: TransientSimulation['symbolTables']}; bus: EventBus},
	transient: {sim: TransientSimulation; bus: EventBus},
	options: {limit?: number} = {},
): LockstepReport {
	const left = new NativeStepper(native.sim.machine, native.bus, native.sim.codeMap(), native.sim.symbolTables());
	return lockstep(left, new TransientStepper(transient.sim, transient.bus), options);
}
