/**
 * Para-virtualization (Xen, VM/370's DIAG): the PV build of the guest kernel
 * asks for what it must not do itself with `int 0x82` followed by a
 * descriptor word (docs/hypercalls.md). Each hypercall stands for exactly one
 * native instruction, so the VMM performs that instruction's effect with the
 * same emulation as trap-and-emulate — the guest sees the same machine and the
 * same time — and resumes after the descriptor.
 */
import {type Instruction, emptyInstruction} from '../isa/encoding.js';
import {Op, Vector} from '../isa/opcodes.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import {emulate} from './emulate.js';
import {reflect} from './reflect.js';

/** `int 0x82`, as Xen. */
export const HYPERCALL_VECTOR = 0x82;

/** Hypercall number → name (docs/hypercalls.md); the name is also the native instruction it replaces. */
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

export interface Descriptor {
	/** 0 when invalid. */
	number: number;
	name: string;
	/** The native instruction the hypercall stands for. */
	ins: Instruction | undefined;
	/** Guest pc after the descriptor (and its immediate). */
	next: number;
}

/** Read the descriptor after the `int 0x82` at guest pc `epc - 4`. */
export function readDescriptor(vm: Monitor, g: Guest, epc: number): Descriptor {
	const m = vm.machine;
	const invalid: Descriptor = {number: 0, name: 'invalid', ins: undefined, next: epc};
	const word = (a: number): number | undefined =>
		a >>> 0 < (m.ulimit >>> 0) - 3 ? g.partition.readWord(m, (m.ubase >>> 0) - g.partition.base + (a >>> 0)) : undefined;
	const d = word(epc);
	if (d === undefined || (d & 0xff) !== 0) return invalid;
	const number = (d >>> 8) & 0xff;
	const name = hypercallNames[number];
	if (!name) return invalid;
	const reg = (d >>> 16) & 15;
	const operand = (d >>> 24) & 0xff;
	const ins = emptyInstruction(Op[(name === 'out_imm' ? 'out' : name) as keyof typeof Op]);
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
	return {number, name, ins, next};
}

/** Perform hypercall `d` made by the `int 0x82` at `at`. */
export function hypercall(vm: Monitor, g: Guest, d: Descriptor, at: number): void {
	const bus = vm.bus;
	if (bus.wanted['vmm.hypercall']) bus.emit({kind: 'vmm.hypercall', number: d.number, name: d.name, ...vm.stamp(g)});
	if (!d.ins) {
		// Not a hypercall the VMM knows: as an undefined instruction would, it does not retire.
		g.vcpu.instret--;
		g.vcpu.emulated--;
		g.vcpu.timerCountdown++;
		reflect(vm, g, Vector.UD, at);
		return;
	}
	emulate(vm, g, d.ins, at, d.next);
}
