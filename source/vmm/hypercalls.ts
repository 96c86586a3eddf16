/**
 * Para-virtualization (Xen, VM/370's DIAG): the PV build of the guest kernel
 * asks for what it must not do itself with `int 0x82` (docs/hypercalls.md).
 *
 * The one-for-one form: `int 0x82` followed by a descriptor word naming the
 * hypercall and its operands. Each stands for exactly one native instruction,
 * so the VMM performs that instruction with the same emulation as
 * trap-and-emulate — the guest sees the same machine and the same time — and
 * resumes after the descriptor.
 *
 * The register form (r0 = number, r1/r2 = arguments, result in r0) is the
 * project's first ABI and is still accepted; its sites cost the guest extra
 * instructions, so a kernel using it cannot keep native time.
 */
import {type Instruction, emptyInstruction} from '../isa/encoding.js';
import {Flag, Op, Port, Vector} from '../isa/opcodes.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import {emulate, emulated} from './emulate.js';
import {portOut} from './devices.js';
import {reflect} from './reflect.js';

/** `int 0x82`, as Xen. */
export const HYPERCALL_VECTOR = 0x82;

/** One-for-one hypercalls: number → the native instruction each stands for. */
export const hypercallNames: readonly string[] = [
	'',
	'iret',
	'cli',
	'sti',
	'pushf',
	'popf',
	'hlt',
	'in',
	'out',
	'out_imm',
	'mfcr',
	'mtcr',
	'lidt',
	'sidt',
	'smsw',
];

/** The register form's numbers (r0), as the first ABI defined them. */
export const registerHypercallNames: readonly string[] = [
	'',
	'iret',
	'cli',
	'sti',
	'save_flags',
	'restore_flags',
	'lidt',
	'sidt',
	'smsw',
	'mfcr',
	'mtcr',
	'in',
	'out',
	'hlt',
	'console_write',
];

export interface Descriptor {
	form: 'one-for-one' | 'register';
	/** 0 when invalid. */
	number: number;
	name: string;
	/** What the VMM does (the guest already counted the `int 0x82`). */
	perform: (vm: Monitor, g: Guest, at: number) => void;
}

/** Read the hypercall made by the `int 0x82` that returns to guest pc `epc`. */
export function readDescriptor(vm: Monitor, g: Guest, epc: number): Descriptor {
	const m = vm.machine;
	const word = (a: number): number | undefined =>
		(a >>> 0) + 4 <= m.ulimit >>> 0 ? g.partition.readWord(m, (m.ubase >>> 0) - g.partition.base + (a >>> 0)) : undefined;
	const d = word(epc);
	if (d !== undefined && (d & 0xff) !== 0) return registerForm(vm, epc);
	if (d === undefined) return invalid;
	const number = (d >>> 8) & 0xff;
	const name = hypercallNames[number];
	if (!name) return invalid;
	const reg = (d >>> 16) & 15;
	const operand = (d >>> 24) & 0xff;
	const ins = instruction(name === 'out_imm' ? Op.out : Op[name as keyof typeof Op]);
	ins.a = reg;
	ins.c = reg;
	ins.n = operand & 7;
	ins.imm = operand;
	let next = (epc + 4) >>> 0;
	if (name === 'out_imm') {
		const value = word(next);
		if (value === undefined) return invalid;
		ins.isImm = true;
		ins.imm2 = value;
		next = (next + 4) >>> 0;
	}
	return {form: 'one-for-one', number, name, perform: (vm, g, at) => emulate(vm, g, ins, at, next)};
}

const invalid: Descriptor = {
	form: 'one-for-one',
	number: 0,
	name: 'invalid',
	perform: (vm, g, at) => {
		// Not a hypercall the VMM knows: as an undefined instruction, it does not retire.
		g.vcpu.instret--;
		g.vcpu.emulated--;
		g.vcpu.timerCountdown++;
		reflect(vm, g, Vector.UD, at);
	},
};

function instruction(op: number): Instruction {
	return emptyInstruction(op);
}

/** The register form: r0 = number, arguments in r1, r2, result in r0; resumes at `epc`. */
function registerForm(vm: Monitor, epc: number): Descriptor {
	const r = vm.machine.regs;
	const number = r[0]!;
	const name = registerHypercallNames[number] ?? '';
	const run = (op: number, setup: (ins: Instruction) => void, result?: number) => (vm: Monitor, g: Guest, at: number) => {
		const ins = instruction(op);
		setup(ins);
		emulate(vm, g, ins, at, epc);
		if (result !== undefined) vm.machine.regs[0] = result;
	};
	const perform = ((): Descriptor['perform'] | undefined => {
		switch (name) {
			case 'iret':
				// The guest's r0 waits on its kernel stack (r0 carried the number): pop it, then iret.
				return (vm, g, at) => {
					const sp = r[15]! >>> 0;
					r[0] = g.partition.readWord(vm.machine, sp) ?? 0;
					r[15] = sp + 4;
					run(Op.iret, () => {})(vm, g, at);
				};
			case 'cli':
				return run(Op.cli, () => {}, 0);
			case 'sti':
				return run(Op.sti, () => {}, 0);
			case 'hlt':
				return run(Op.hlt, () => {}, 0);
			case 'save_flags':
				return (vm, g, at) => {
					vm.machine.pc = epc;
					r[0] = g.vcpu.flags(vm.machine.flags);
					emulated(vm, g, 'pushf', at, `r0 ← FLAGS 0x${r[0].toString(16)}`);
				};
			case 'restore_flags':
				return (vm, g, at) => {
					const m = vm.machine;
					m.pc = epc;
					const f = r[1]!;
					const before = g.vcpu.intEnabled;
					m.c = (f & Flag.C) !== 0;
					m.z = (f & Flag.Z) !== 0;
					m.n = (f & Flag.N) !== 0;
					m.v = (f & Flag.V) !== 0;
					g.vcpu.intEnabled = (f & Flag.IF) !== 0;
					r[0] = 0;
					emulated(vm, g, 'popf', at, `IF ${before ? 1 : 0}→${g.vcpu.intEnabled ? 1 : 0}`);
				};
			case 'lidt':
				return run(Op.lidt, (i) => (i.a = 1), 0);
			case 'sidt':
				return run(Op.sidt, (i) => (i.a = 0));
			case 'smsw':
				return run(Op.smsw, (i) => (i.a = 0));
			case 'mfcr':
				return run(Op.mfcr, (i) => ((i.a = 0), (i.n = r[1]! & 7)));
			case 'mtcr':
				return run(Op.mtcr, (i) => ((i.a = 2), (i.n = r[1]! & 7)), 0);
			case 'in':
				return run(Op.in, (i) => ((i.a = 0), (i.imm = r[1]!)));
			case 'out':
				return run(Op.out, (i) => ((i.imm = r[1]!), (i.c = 2)), 0);
			case 'console_write':
				return (vm, g, at) => {
					vm.machine.pc = epc;
					const len = Math.max(0, r[2]!);
					for (let k = 0; k < len; k++) {
						const a = (r[1]! + k) >>> 0;
						if (!g.partition.contains(a, 1)) break;
						portOut(vm, g, Port.CONSOLE_OUT, vm.machine.mem[g.partition.real(a)]!, at);
					}
					r[0] = len;
					emulated(vm, g, 'out', at, `console: ${len} bytes`);
				};
			default:
				return undefined;
		}
	})();
	if (!perform) {
		// As the first ABI said: an unknown number returns -1 in r0.
		return {form: 'register', number, name: 'unknown', perform: (vm) => ((vm.machine.pc = epc), (r[0] = -1))};
	}
	return {form: 'register', number, name, perform};
}

/** Perform hypercall `d` made by the `int 0x82` at `at`. */
export function hypercall(vm: Monitor, g: Guest, d: Descriptor, at: number): void {
	const bus = vm.bus;
	if (bus.wanted['vmm.hypercall']) bus.emit({kind: 'vmm.hypercall', number: d.number, name: d.name, ...vm.stamp(g)});
	d.perform(vm, g, at);
}
