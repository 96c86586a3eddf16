import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {defaultCosts} from '../../source/cpu/costs.js';
import {cooperation} from '../../source/ui/store/cooperation.js';
import {type Namer, formatRow} from '../../source/ui/store/format-row.js';
import {EventRing} from '../../source/ui/store/ring.js';
import {syscallJourney, vmmJourney} from './helpers/events.js';

const symbolize = (_g: number, s: boolean, pc: number): string => `${s ? 'kernel' : 'main'}+0x${pc.toString(16)}`;
const namer: Namer = {
	symbolize,
	symbolizeInstruction: (g, s, pc) => symbolize(g, s, pc),
	symbolizeProcess: (g, _pid, pc) => symbolize(g, false, pc),
	disassemble: (phys) => (Number.isFinite(phys) ? 'int 0x80' : undefined),
};

function ringOf(events: VmEvent[]): EventRing {
	const ring = new EventRing(100);
	for (const e of events) ring.push(e, e.kind === 'exception.raised' ? 0x1020 : e.kind === 'instruction' ? e.phys : Number.NaN);
	return ring;
}

describe('vertical cooperation', () => {
	test('a system call reads as the lecture’s five steps, with costs', () => {
		const ring = ringOf(syscallJourney(100));
		const view = cooperation(ring, 1, namer, defaultCosts)!;
		expect(view.complete).toBe(true);
		const [s1, s2, s3, s4, s5] = view.steps;
		expect(s1!.what).toBe('U main+0x20  int 0x80');
		expect(s1!.cost).toBe('1 instr, 1 cyc');
		expect(s2!.what).toBe('int 0x80 → IDT → kernel+0x400');
		expect(s2!.cost).toBe('50 cyc');
		expect(s3!.what).toBe('4 instr from kernel+0x400');
		expect(s4!.title).toBe('fetch-execute (OS)');
		expect(s4!.what).toContain('handler syscall_entry');
		expect(s4!.what).toContain('pid 1: write(0x1, 0x200, 0x5)');
		expect(s5!.what).toBe('iret → U main+0x24');
		expect(s5!.cost).toBe('50 cyc');
		expect(view.steps.every((s) => s.done)).toBe(true);
	});

	test('a handler still running: step 5 is pending', () => {
		const ring = ringOf(syscallJourney(100).slice(0, 5));
		const view = cooperation(ring, 1, namer, defaultCosts)!;
		expect(view.complete).toBe(false);
		expect(view.steps[4]!.done).toBe(false);
		expect(view.steps[4]!.what).toContain('still in the handler');
	});

	test('under a VMM the fourth step is the VMM interpreting the sensitive instruction', () => {
		const ring = ringOf(vmmJourney(500, 0, 'cli'));
		const view = cooperation(ring, 0, namer, defaultCosts)!;
		expect(view.vector).toBe('#GP');
		expect(view.guest).toBe(0);
		expect(view.steps[1]!.what).toBe('#GP → VMM intercepts');
		expect(view.steps[3]!.title).toBe('fetch-execute (VMM)');
		expect(view.steps[3]!.what).toBe('emulate cli: IF ← 0');
		expect(view.steps[4]!.what).toBe('resume @ 0x34 (1100 cycles)');
		expect(view.steps[4]!.cost).toBe('1,100 cyc');
	});

	test('only an exception.raised row starts a cooperation', () => {
		const ring = ringOf(syscallJourney(100));
		expect(cooperation(ring, 0, namer, defaultCosts)).toBeNull();
	});
});

describe('row text', () => {
	test('an exception shows its instruction under CPU and itself under Exceptions', () => {
		const [, raised] = syscallJourney(100);
		const cells = formatRow(raised!, 0x1020, namer);
		expect(cells.cpu).toBe('U main+0x20  int 0x80');
		expect(cells.exception).toBe('int 0x80 raised');
		expect(cells.os).toBe('');
	});

	test('an interrupt is shown as happening before the instruction at pc', () => {
		const taken: VmEvent = {kind: 'interrupt.taken', irq: 0, vector: 32, pc: 0x20, cycle: 9, instret: 9, guest: -1};
		const raised: VmEvent = {kind: 'exception.raised', vector: 32, pc: 0x20, badaddr: 0, supervisor: false, cycle: 9, instret: 9, guest: -1};
		expect(formatRow(raised, 0x1020, namer, taken).cpu).toBe('before U main+0x20  int 0x80');
		expect(formatRow(taken, Number.NaN, namer).exception).toBe('IRQ0 taken (timer)');
	});
});
