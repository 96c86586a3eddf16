/**
 * Synthetic event sequences, shaped like the core's: a system call's journey
 * through the levels (the lecture's five steps), a VMM intercept, console
 * output, and bursts.
 */
import type {VmEvent} from '../../../source/bus/events.js';

type Stamp = {cycle: number; instret: number; guest: number};
const stamp = (instret: number, cycle = instret, guest = -1): Stamp => ({instret, cycle, guest});

export function instruction(instret: number, pc: number, supervisor: boolean, guest = -1): VmEvent {
	return {kind: 'instruction', pc, phys: supervisor ? pc : 0x1000 + pc, supervisor, header: 0, ...stamp(instret, instret, guest)};
}

/**
 * `int 0x80` at user pc 0x20 (instret `at`): raised, handled by the kernel at
 * 0x400 (three instructions and a `write`), then `iret` back to 0x24.
 */
export function syscallJourney(at = 100): VmEvent[] {
	return [
		instruction(at, 0x20, false),
		{kind: 'exception.raised', vector: 0x80, pc: 0x20, badaddr: 0, supervisor: false, ...stamp(at)},
		// As the machine stamps them: `int` retires after its delivery, `iret` after its event.
		{kind: 'os.handler', vector: 0x80, handler: 0x400, symbol: 'syscall_entry', ...stamp(at, at + 50)},
		{kind: 'exception.delivered', vector: 0x80, epc: 0x24, handler: 0x400, fromSupervisor: false, ...stamp(at, at + 50)},
		instruction(at + 1, 0x400, true),
		instruction(at + 2, 0x408, true),
		{kind: 'os.syscall', pid: 1, number: 1, name: 'write', args: [1, 0x200, 5], ...stamp(at + 3, at + 53)},
		instruction(at + 3, 0x410, true),
		{kind: 'iret', pc: 0x410, to: 0x24, toSupervisor: false, ...stamp(at + 4, at + 104)},
	];
}

/** Guest 0's kernel executes `cli` deprivileged: #GP, the VMM intercepts and emulates it. */
export function vmmJourney(at = 500, guest = 0, reason = 'cli'): VmEvent[] {
	return [
		{kind: 'exception.raised', vector: 13, pc: 0x30, badaddr: 0x30, supervisor: false, ...stamp(at, at, guest)},
		{kind: 'vmm.intercept', reason, category: 'privileged', pc: 0x30, ...stamp(at, at + 50, guest)},
		{kind: 'vmm.emulate', mnemonic: reason, pc: 0x30, effect: 'IF ← 0', ...stamp(at, at + 1050, guest)},
		{kind: 'vmm.resume', pc: 0x34, cost: 1100, ...stamp(at + 1, at + 1150, guest)},
	];
}

export function consoleText(text: string, at = 1, guest = -1): VmEvent {
	return {kind: 'console', text, ...stamp(at, at, guest)};
}

/** `n` timer interrupts, one per 1000 instructions. */
export function timerBurst(n: number, from = 1000): VmEvent[] {
	const out: VmEvent[] = [];
	for (let i = 0; i < n; i++) {
		const at = from + i * 1000;
		out.push({kind: 'exception.raised', vector: 32, pc: 0x40, badaddr: 0, supervisor: false, ...stamp(at)});
	}
	return out;
}
