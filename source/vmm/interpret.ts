/**
 * The hybrid VMM's interpreter (`--vmm hvm`; Popek & Goldberg, Theorem 3):
 * every instruction the guest executes in *virtual supervisor mode* is
 * interpreted here, in software, on the guest's state; only virtual user mode
 * runs directly on the real CPU. A sensitive instruction of the guest kernel
 * never reaches the real CPU, trapping or not — so a hybrid VMM needs only the
 * *user*-sensitive instructions to be privileged (`smsw` and `popf` may stay
 * unprivileged: samples/isa/hybrid.json).
 *
 * It reuses the CPU's decoder (the decoded cache) and does what the CPU
 * does in supervisor mode (docs/v32.md §3), with two differences: memory is
 * the guest's partition, and every sensitive instruction acts on the virtual
 * CPU through the same `emulate` as trap-and-emulate; exceptions are
 * delivered into the guest kernel by `reflect`. Each interpreted instruction
 * retires on the guest's clock (exact guest time) and costs `interpret`
 * cycles on top of its own (docs/v32.md §8.1).
 *
 * While the guest holds the real CPU its registers live in the real ones
 * (`machine.regs`, `pc`, C Z N V), as for every technique: the interpreter
 * reads and writes them there.
 */
import {FETCH_FAULT, UNDECODED, UNDEFINED_OP} from '../cpu/decoded-cache.js';
import {physical} from '../cpu/machine.js';
import type {JourneyType} from '../bus/events.js';
import {Op, Vector} from '../isa/opcodes.js';
import {emulate} from './emulate.js';
import type {Guest} from './guest.js';
import {GUEST_LOOP_LIMIT, type Monitor} from './monitor.js';
import {deliverPending, reflect} from './reflect.js';
import {sensitive} from './translator.js';

/** The exit reason of interpreted instructions (`stats`, the dashboard's exit table). */
export const INTERPRET_REASON = 'interpret: kernel instruction';

const isSensitive = new Uint8Array(256);
for (const op of sensitive) isSensitive[op] = 1;

export class Interpreter {
	/** Guest instructions interpreted, all guests. */
	interpreted = 0;
	/** Their cycles (instruction + interpret, and emulate for a sensitive one). */
	cycles = 0;
	/** Not yet reported in a `vmm.interpret` event: how many, their cycles, from which pc. */
	private pendingCount = 0;
	private pendingCycles = 0;
	private pendingPc = 0;

	constructor(private readonly vm: Monitor) {}

	/**
	 * Interpret guest `g` while it is in virtual supervisor mode, for at most
	 * `budget` instructions. Returns how many steps were taken (an instruction
	 * retired or an exception delivered), 0 only when nothing could be done.
	 * Ends when the guest returns to virtual user mode, stops or blocks, its
	 * time slice ends, or the budget is spent.
	 */
	run(g: Guest, budget: number): number {
		const vm = this.vm;
		const m = vm.machine;
		const v = g.vcpu;
		let steps = 0;
		// An interrupt that became pending while the guest waited (console input woke it) is taken first.
		if (v.state === 'running' && v.intEnabled && v.irqPending !== 0) this.deliver(g, () => deliverPending(vm, g), -1, 'interrupt');
		while (steps < budget && v.supervisor && v.state === 'running' && !m.stopped) {
			this.step(g);
			steps++;
			if (v.state === 'running' && v.intEnabled && v.irqPending !== 0) this.deliver(g, () => deliverPending(vm, g), -1, 'interrupt');
			if (v.instret >= vm.scheduler.sliceEndsAt) break;
		}
		this.flush(g);
		vm.scheduler.interpreted();
		// Leaving the interpreter: back to the real CPU in virtual user mode, another guest, or no one.
		if (!v.supervisor || v.state !== 'running' || v.instret >= vm.scheduler.sliceEndsAt) vm.scheduler.afterIntercept(g, false);
		return steps;
	}

	/** One guest instruction at the guest's pc, in virtual supervisor mode. */
	private step(g: Guest): void {
		const vm = this.vm;
		const m = vm.machine;
		const v = g.vcpu;
		const r = m.regs;
		const code = m.code;
		const base = g.partition.base;
		const size = g.partition.size;
		const pc = m.pc >>> 0;
		if ((pc & 3) !== 0 || pc >= size) return this.fault(g, Vector.GP, pc, pc);
		const phys = base + pc;
		const w = phys >>> 2;
		let op = code.op[w]!;
		if (op === UNDECODED) op = code.decode(m.mem32, phys);
		const len = code.size[w]!;
		if (pc + len > size) return this.fault(g, Vector.GP, pc, size);
		if (this.pendingCount === 0) this.pendingPc = pc;
		const bus = vm.bus;
		if (bus.wanted.instruction) {
			// As the CPU's fetch event under a VMM: the guest kernel's code, at its real address.
			bus.emit({kind: 'instruction', pc, phys, supervisor: false, header: m.mem32[w]!, ...vm.stamp(g)});
		}
		const next = (pc + len) >>> 0;
		const a = code.a[w]!;
		const b = code.b[w]!;
		// The source operand (register c, or the zero register + the immediate), and as a jump target.
		const src = (r[code.c[w]!]! + code.imm[w]!) | 0;
		const target = src >>> 0;
		let to = next;
		switch (op) {
			case Op.nop:
				break;
			case Op.mov:
				r[a] = src;
				break;
			case Op.add:
			case Op.sub:
			case Op.cmp:
			case Op.mul:
			case Op.and:
			case Op.or:
			case Op.xor:
			case Op.shl:
			case Op.shr:
			case Op.sar:
				this.alu(op, op === Op.cmp ? r[a]! : r[b]!, src, op === Op.cmp ? -1 : a);
				break;
			case Op.div:
			case Op.rem: {
				const x = r[b]!;
				const y = src;
				if (y === 0) return this.fault(g, Vector.DE, pc);
				const res = x === -0x80000000 && y === -1 ? (op === Op.div ? x : 0) : op === Op.div ? (x / y) | 0 : x % y | 0;
				this.setLogic(res);
				r[a] = res;
				break;
			}
			case Op.ld:
			case Op.ldb:
			case Op.st:
			case Op.stb: {
				const addr = (r[b]! + code.imm[w]!) >>> 0;
				const word = op === Op.ld || op === Op.st;
				const p = physical(addr, word ? 4 : 1, false, 0, 0, size);
				if (p < 0) return this.fault(g, Vector.GP, pc, addr);
				const real = base + p;
				if (op === Op.ld) r[a] = m.mem32[real >>> 2]!;
				else if (op === Op.ldb) r[a] = m.mem[real]!;
				else {
					if (op === Op.st) m.mem32[real >>> 2] = r[a]!;
					else m.mem[real] = r[a]!;
					code.invalidate(real);
				}
				break;
			}
			case Op.push:
			case Op.call: {
				const value = op === Op.push ? src : next;
				const addr = (r[15]! - 4) >>> 0;
				const p = physical(addr, 4, false, 0, 0, size);
				if (p < 0) return this.fault(g, Vector.GP, pc, addr);
				m.mem32[(base + p) >>> 2] = value;
				code.invalidate(base + p);
				r[15] = addr;
				// As the CPU: the target is read after sp moved (`call sp` jumps to the new sp).
				if (op === Op.call) to = (r[code.c[w]!]! + code.imm[w]!) >>> 0;
				break;
			}
			case Op.pop:
			case Op.ret: {
				const addr = r[15]! >>> 0;
				const p = physical(addr, 4, false, 0, 0, size);
				if (p < 0) return this.fault(g, Vector.GP, pc, addr);
				const value = m.mem32[(base + p) >>> 2]!;
				r[15] = addr + 4;
				if (op === Op.pop) r[a] = value;
				else to = value >>> 0;
				break;
			}
			case Op.jmp:
			case Op.jz:
			case Op.jnz:
			case Op.jl:
			case Op.jle:
			case Op.jg:
			case Op.jge:
			case Op.jb:
			case Op.jbe:
			case Op.ja:
			case Op.jae:
				if (this.taken(op)) to = target;
				break;
			case Op.int:
			case Op.brk: {
				// A trap: it retires, then its vector is delivered with epc past it (docs/v32.md §4.2).
				m.pc = next;
				this.retire(g, 0);
				const vector = op === Op.int ? code.n[w]! : Vector.BP;
				return this.deliver(g, () => reflect(vm, g, vector, next), vector, 'trap');
			}
			case FETCH_FAULT:
				return this.fault(g, Vector.GP, pc, size);
			case UNDEFINED_OP:
				return this.fault(g, Vector.UD, pc);
			default: {
				if (!isSensitive[op]) return this.fault(g, Vector.UD, pc);
				// A sensitive instruction: on the virtual CPU, as trap-and-emulate would after its trap.
				const ins = vm.instructionAt(phys)!;
				const before = v.instret;
				const extra = m.extraCycles;
				if (op === Op.iret) this.flush(g);
				// Count, then effect (emulate.ts): `out 0x20, N` arms a timer for N further instructions.
				v.tick(1);
				v.emulated++;
				emulate(vm, g, ins, pc, next);
				// A guest `iret` ends the journeys it returns from, as the CPU's does.
				if (op === Op.iret) m.journeys.returned(!v.supervisor);
				// It faulted (pushf/popf off the stack) and was delivered instead: nothing retired.
				if (v.instret === before) return;
				return this.retire(g, m.extraCycles - extra, true);
			}
		}
		m.pc = to;
		this.retire(g, 0);
	}

	/**
	 * The instruction retired: on the guest's clock (unless `counted` already), as a guest
	 * instruction the VMM handled (efficiency), on the real count, and at the interpreter's cost.
	 */
	private retire(g: Guest, emulateCycles: number, counted = false): void {
		const m = this.vm.machine;
		const v = g.vcpu;
		if (!counted) {
			v.tick(1);
			v.emulated++;
		}
		g.interpreted++;
		g.fruitless = 0;
		m.instret++;
		m.extraCycles += m.costs.interpret;
		const cost = m.costs.instruction + m.costs.interpret + emulateCycles;
		this.interpreted++;
		this.cycles += cost;
		this.pendingCount++;
		this.pendingCycles += cost;
	}

	/** A fault: the instruction does not retire; its vector goes to the guest kernel (epc = the instruction). */
	private fault(g: Guest, vector: number, pc: number, badaddr?: number): void {
		const vm = this.vm;
		if (++g.fruitless >= GUEST_LOOP_LIMIT) {
			vm.scheduler.stopGuest(
				g,
				'exception-loop',
				1,
				`stuck: ${GUEST_LOOP_LIMIT} exceptions in a row without executing an instruction (last: vector ${vector} at pc 0x${pc.toString(16).padStart(8, '0')})`,
			);
			return;
		}
		this.deliver(g, () => reflect(vm, g, vector, pc, vector === Vector.GP ? badaddr : undefined), vector, 'fault');
	}

	/**
	 * Deliver a virtual exception from the interpreter. It is a journey of its own, as a VMM
	 * entry is (cpu/journey.ts): the VMM's delivery, then the guest handler's virtual journey.
	 */
	private deliver(g: Guest, act: () => void, vector: number, type: JourneyType): void {
		const m = this.vm.machine;
		this.flush(g);
		const v = g.vcpu;
		const journeys = m.journeys;
		// Which vector a pending interrupt is: the timer before the console, as deliverPending takes them.
		const opened = journeys.open(vector >= 0 ? vector : v.irqPending & 1 ? Vector.TIMER : Vector.CONSOLE, type) !== null;
		if (opened) journeys.phase('vmm');
		act();
		if (opened) journeys.resumed();
	}

	/** Report the instructions interpreted since the last report (`vmm.interpret`). */
	private flush(g: Guest): void {
		if (this.pendingCount === 0) return;
		const bus = this.vm.bus;
		if (bus.wanted['vmm.interpret']) {
			bus.emit({kind: 'vmm.interpret', pc: this.pendingPc, count: this.pendingCount, cost: this.pendingCycles, ...this.vm.stamp(g)});
		}
		this.pendingCount = 0;
		this.pendingCycles = 0;
	}

	private alu(op: number, x: number, y: number, rd: number): void {
		const m = this.vm.machine;
		let res: number;
		switch (op) {
			case Op.add:
				res = (x + y) | 0;
				m.c = (x >>> 0) + (y >>> 0) > 0xffffffff;
				m.v = ((x ^ res) & (y ^ res)) < 0;
				break;
			case Op.sub:
			case Op.cmp:
				res = (x - y) | 0;
				m.c = x >>> 0 < y >>> 0;
				m.v = ((x ^ y) & (x ^ res)) < 0;
				break;
			case Op.mul:
				res = Math.imul(x, y);
				m.c = false;
				m.v = false;
				break;
			case Op.and:
				res = x & y;
				m.c = false;
				m.v = false;
				break;
			case Op.or:
				res = x | y;
				m.c = false;
				m.v = false;
				break;
			case Op.xor:
				res = x ^ y;
				m.c = false;
				m.v = false;
				break;
			default: {
				const k = y & 31;
				if (op === Op.shl) {
					res = x << k;
					m.c = k !== 0 && ((x >>> (32 - k)) & 1) !== 0;
				} else if (op === Op.shr) {
					res = (x >>> k) | 0;
					m.c = k !== 0 && ((x >>> (k - 1)) & 1) !== 0;
				} else {
					res = x >> k;
					m.c = k !== 0 && ((x >> (k - 1)) & 1) !== 0;
				}
				m.v = false;
			}
		}
		m.z = res === 0;
		m.n = res < 0;
		if (rd >= 0) m.regs[rd] = res;
	}

	/** C and V cleared, Z and N from the result (div, rem). */
	private setLogic(res: number): void {
		const m = this.vm.machine;
		m.c = false;
		m.v = false;
		m.z = res === 0;
		m.n = res < 0;
	}

	/** Is the conditional jump `op` taken with the current flags (docs/v32.md §3.5)? */
	private taken(op: number): boolean {
		const {c, z, n, v} = this.vm.machine;
		switch (op) {
			case Op.jz:
				return z;
			case Op.jnz:
				return !z;
			case Op.jl:
				return n !== v;
			case Op.jle:
				return z || n !== v;
			case Op.jg:
				return !z && n === v;
			case Op.jge:
				return n === v;
			case Op.jb:
				return c;
			case Op.jbe:
				return c || z;
			case Op.ja:
				return !c && !z;
			case Op.jae:
				return !c;
			default:
				return true;
		}
	}
}
