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
 * 0x400 (three instructions and a `write`), then `iret` back to 0x24 — journey
 * `journey` as the core numbers and closes it, with its cost by level.
 */
export function syscallJourney(at = 100, journey = 1): VmEvent[] {
	const j = {journey};
	return [
		instruction(at, 0x20, false),
		{kind: 'exception.raised', vector: 0x80, pc: 0x20, badaddr: 0, supervisor: false, type: 'trap', ...stamp(at), ...j},
		// As the machine stamps them: `int` retires after its delivery, `iret` after its event.
		{kind: 'os.handler', vector: 0x80, handler: 0x400, symbol: 'syscall_entry', ...stamp(at, at + 50), ...j},
		{kind: 'exception.delivered', vector: 0x80, epc: 0x24, handler: 0x400, fromSupervisor: false, ...stamp(at, at + 50), ...j},
		{...instruction(at + 1, 0x400, true), ...j},
		{...instruction(at + 2, 0x408, true), ...j},
		{kind: 'os.syscall', pid: 1, number: 1, name: 'write', args: [1, 0x200, 5], ...stamp(at + 3, at + 53), ...j},
		{...instruction(at + 3, 0x410, true), ...j},
		{kind: 'iret', pc: 0x410, to: 0x24, toSupervisor: false, ...stamp(at + 4, at + 104), ...j},
		{
			kind: 'journey.end',
			parent: null,
			vector: 0x80,
			type: 'trap',
			virtual: false,
			cause: null,
			start: {cycle: at, instret: at},
			cost: {exception: 50, cpu: 4, return: 50},
			...stamp(at + 4, at + 104),
			...j,
		},
	];
}

/** Guest 0's kernel executes `cli` deprivileged: #GP, the VMM intercepts and emulates it (journey `journey`). */
export function vmmJourney(at = 500, guest = 0, reason = 'cli', journey = 2): VmEvent[] {
	const j = {journey};
	return [
		{kind: 'exception.raised', vector: 13, pc: 0x30, badaddr: 0x30, supervisor: false, type: 'fault', ...stamp(at, at, guest), ...j},
		{kind: 'vmm.intercept', reason, category: 'privileged', pc: 0x30, ...stamp(at, at + 50, guest), ...j},
		{kind: 'vmm.emulate', mnemonic: reason, pc: 0x30, effect: 'IF ← 0', ...stamp(at, at + 1050, guest), ...j},
		{kind: 'vmm.resume', pc: 0x34, cost: 1100, ...stamp(at + 1, at + 1150, guest), ...j},
		{
			kind: 'journey.end',
			parent: null,
			vector: 13,
			type: 'fault',
			virtual: false,
			cause: null,
			start: {cycle: at + 50, instret: at},
			cost: {vmm: 1100},
			...stamp(at + 1, at + 1150, guest),
			...j,
		},
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
