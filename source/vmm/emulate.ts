/**
 * Emulation: what a sensitive instruction of the guest kernel would have done
 * on a real CPU in supervisor mode, done to the guest's virtual CPU instead.
 * One entry point for the three ways an instruction gets here — trapped
 * (`trap`), patched (`bt`) or asked for (`pv` hypercall) — so all three give
 * the guest exactly the same machine.
 *
 * The caller has counted the instruction on the guest's clock already (count,
 * then effect: `out 0x20, N` then arms a timer that fires after N *further*
 * instructions, as on the real CPU).
 */
import type {Instruction} from '../isa/encoding.js';
import {Cr, Flag, Op, Vector, controlRegisters, mnemonicOf} from '../isa/opcodes.js';
import {hex} from '../isa/program.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import {portIn, portOut} from './devices.js';
import {reflect} from './reflect.js';

const bit = (b: boolean): string => (b ? '1' : '0');
const where = (pc: number): string => (pc >>> 0).toString(16).padStart(8, '0');

/** Emulate `ins` (at guest pc `at`) for guest `g`; the guest continues at `next` unless it transfers control. */
export function emulate(vm: Monitor, g: Guest, ins: Instruction, at: number, next: number): void {
	const m = vm.machine;
	const v = g.vcpu;
	const r = m.regs;
	m.pc = next >>> 0;
	m.extraCycles += m.costs.emulate;
	// The effect is words for the `vmm.emulate` event: made only when someone listens.
	const say = vm.bus.wanted['vmm.emulate'];
	let effect = '';
	switch (ins.op) {
		case Op.iret: {
			const to = v.readControl(Cr.epc) >>> 0;
			const flags = v.readControl(Cr.eflags);
			const ifBefore = v.intEnabled;
			m.setConditionFlags(flags);
			v.intEnabled = (flags & Flag.IF) !== 0;
			v.switchMode((flags & Flag.S) !== 0, r);
			m.pc = to;
			if (say) effect = `pc ← ${hex(to)}, ${v.supervisor ? 'S' : 'U'}, IF ${bit(ifBefore)}→${bit(v.intEnabled)}`;
			// The guest's return ends the virtual journeys it returns from, with this entry.
			m.journeys.guestReturned(!v.supervisor);
			if (vm.bus.wanted.iret) {
				// Where `to` lies in real memory names the code returned to (kernel or which process).
				const seg = v.supervisor
					? g.partition.kernelSegment()
					: g.partition.userSegment(v.readControl(Cr.ubase), v.readControl(Cr.ulimit));
				const toPhys = to < seg.ulimit ? seg.ubase + to : undefined;
				vm.bus.emit({kind: 'iret', pc: at >>> 0, to, toSupervisor: v.supervisor, ...(toPhys === undefined ? {} : {toPhys}), ...m.named(v.supervisor, to, toPhys ?? Number.NaN), ...vm.stamp(g)});
			}
			break;
		}
		case Op.cli:
			if (say) effect = `IF ${bit(v.intEnabled)}→0`;
			if (!g.resource.again('disable interrupts', 'kernel')) g.resource.record({
				guest: g.index,
				kind: 'disable interrupts',
				by: 'kernel',
				pc: at,
				detail: 'cli',
				outcome: 'virtual IF only; real interrupts stay on and the real timer still reaches the VMM',
			});
			v.intEnabled = false;
			break;
		case Op.sti:
			if (say) effect = `IF ${bit(v.intEnabled)}→1`;
			v.intEnabled = true;
			break;
		case Op.hlt:
			effect = halt(vm, g);
			break;
		case Op.lidt:
			if (say) effect = `idt ← ${hex(r[ins.a]!)}`;
			v.writeControl(Cr.idt, r[ins.a]!);
			g.resource.record({
				guest: g.index,
				kind: 'replace the IDT',
				by: 'kernel',
				pc: at,
				detail: `lidt ${hex(r[ins.a]!)}`,
				outcome: 'virtual idt only; real exceptions still go to the VMM',
			});
			break;
		case Op.sidt:
			r[ins.a] = v.readControl(Cr.idt);
			if (say) effect = `r${ins.a} ← idt ${hex(r[ins.a]!)}`;
			break;
		case Op.smsw:
			r[ins.a] = v.supervisor ? 1 : 0;
			if (say) effect = `r${ins.a} ← ${r[ins.a]} (virtual S)`;
			break;
		case Op.mfcr:
			r[ins.a] = v.readControl(ins.n);
			if (say) effect = `r${ins.a} ← ${controlRegisters[ins.n]} ${hex(r[ins.a]!)}`;
			break;
		case Op.mtcr:
			v.writeControl(ins.n, r[ins.a]!);
			if (say) effect = `${controlRegisters[ins.n]} ← ${hex(v.readControl(ins.n))}`;
			if (ins.n === Cr.ubase || ins.n === Cr.ulimit) widen(vm, g, at);
			break;
		case Op.in:
			r[ins.a] = portIn(vm, g, ins.imm >>> 0);
			if (say) effect = `r${ins.a} ← port 0x${(ins.imm >>> 0).toString(16)}: ${r[ins.a]}`;
			break;
		case Op.out:
			effect = portOut(vm, g, ins.imm >>> 0, ins.isImm ? ins.imm2 : r[ins.c]!, at);
			break;
		case Op.pushf:
		case Op.popf:
			effect = pushfPopf(vm, g, ins.op, at);
			break;
		default:
			effect = 'not a sensitive instruction';
	}
	if (say) vm.bus.emit({kind: 'vmm.emulate', mnemonic: mnemonicOf[ins.op] ?? '?', pc: at >>> 0, effect, ...vm.stamp(g)});
}

/** Cost and event of work the VMM did for the guest outside `emulate` (register-form hypercalls). */
export function emulated(vm: Monitor, g: Guest, mnemonic: string, at: number, effect: string): void {
	vm.machine.extraCycles += vm.machine.costs.emulate;
	const bus = vm.bus;
	if (bus.wanted['vmm.emulate']) bus.emit({kind: 'vmm.emulate', mnemonic, pc: at >>> 0, effect, ...vm.stamp(g)});
}

/**
 * `hlt`: the guest waits for its next virtual interrupt. Its clock jumps there
 * (the idle slots count, as native `hlt` counts them) instead of the real CPU
 * waiting, so other guests lose nothing.
 */
function halt(vm: Monitor, g: Guest): string {
	const v = g.vcpu;
	const m = vm.machine;
	const bus = vm.bus;
	if (bus.wanted.halt) bus.emit({kind: 'halt', state: 'waiting', pc: m.pc >>> 0, ...vm.stamp(g)});
	const woke = () => bus.wanted.halt && bus.emit({kind: 'halt', state: 'woke', pc: m.pc >>> 0, ...vm.stamp(g)});
	if (v.irqPending !== 0 && v.intEnabled) {
		woke();
		return 'interrupt pending: no wait';
	}
	if (!v.intEnabled) {
		g.resource.record({
			guest: g.index,
			kind: 'halt with interrupts disabled',
			by: 'kernel',
			pc: m.pc - 4,
			detail: 'hlt with IF = 0',
			outcome: 'this guest stopped; the real CPU went on',
		});
		vm.scheduler.stopGuest(g, 'halt-interrupts-disabled', 1, `halted with interrupts disabled at pc 0x${where(m.pc)}`);
		return 'virtual IF = 0: guest stopped';
	}
	if (v.timerPeriod > 0) {
		const wait = v.timerCountdown;
		v.idle += wait;
		m.idle += wait;
		v.timerCountdown = v.timerPeriod;
		v.irqPending |= 1;
		woke();
		return vm.bus.wanted['vmm.emulate'] ? `idle ${wait} until the virtual timer` : '';
	}
	if (v.inputOpen) {
		v.state = 'blocked';
		return 'waiting for console input';
	}
	vm.scheduler.stopGuest(g, 'halt-nothing-can-wake', 1, `halted: nothing can wake it (timer stopped, no console input to come) at pc 0x${where(m.pc)}`);
	return 'nothing can wake it: guest stopped';
}

/**
 * `pushf`/`popf` with the virtual IF and S, through the segment the guest runs
 * in (its kernel's partition, or — a patch reached from user mode — its process's).
 */
function pushfPopf(vm: Monitor, g: Guest, op: number, at: number): string {
	const m = vm.machine;
	const v = g.vcpu;
	const r = m.regs;
	const a = (op === Op.pushf ? r[15]! - 4 : r[15]!) >>> 0;
	const real = (m.ubase >>> 0) + a;
	if ((a & 3) !== 0 || a + 4 > m.ulimit >>> 0 || real + 4 > m.memorySize) {
		// Faults do not retire: take back the count, then deliver #GP as the CPU would.
		v.instret--;
		v.emulated--;
		v.timerCountdown++;
		m.pc = at >>> 0;
		reflect(vm, g, Vector.GP, at, a);
		return `stack 0x${a.toString(16)} outside memory: #GP`;
	}
	if (op === Op.pushf) {
		const value = v.flags(m.flags);
		m.mem32[real >>> 2] = value;
		m.code.invalidate(real);
		r[15] = a;
		return vm.bus.wanted['vmm.emulate'] ? `push FLAGS ${hex(value, 4)} (IF ${bit(v.intEnabled)}, S ${bit(v.supervisor)})` : '';
	}
	const value = m.mem32[real >>> 2]!;
	r[15] = a + 4;
	m.setConditionFlags(value);
	const before = v.intEnabled;
	// As the CPU: in supervisor mode popf loads IF; in user mode IF (and S, always) stay.
	if (v.supervisor) v.intEnabled = (value & Flag.IF) !== 0;
	return vm.bus.wanted['vmm.emulate'] ? `pop FLAGS ${hex(value, 4)}: IF ${bit(before)}→${bit(v.intEnabled)}` : '';
}

/** Resource control: the guest asked for a user segment reaching beyond its partition. */
function widen(vm: Monitor, g: Guest, at: number): void {
	const v = g.vcpu;
	const base = v.readControl(Cr.ubase) >>> 0;
	const limit = v.readControl(Cr.ulimit) >>> 0;
	if (base + limit <= g.partition.size) return;
	const seg = g.partition.userSegment(base, limit);
	g.resource.record({
		guest: g.index,
		kind: 'widen the user segment',
		by: 'kernel',
		pc: at,
		detail: `ubase ${hex(base)}, ulimit ${hex(limit)}`,
		outcome: `composed with the partition: real segment ${hex(seg.ubase)} + ${hex(seg.ulimit)}`,
	});
}
