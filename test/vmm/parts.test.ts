/** The small pieces: partitions, the vCPU's banked sp, hypercall descriptors, a guest waiting for input. */
import {describe, expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {classic} from '../../source/isa/profiles.js';
import {buildVmmSimulation} from '../../source/vmm/build.js';
import {bootStateOf} from '../../source/vmm/guest.js';
import {Partition} from '../../source/vmm/partition.js';
import {VCpu} from '../../source/vmm/vcpu.js';

describe('partition', () => {
	const p = new Partition(1, 0x100000, 0x100000);
	test('the guest kernel sees all of its memory, nothing more', () => {
		expect(p.kernelSegment()).toEqual({ubase: 0x100000, ulimit: 0x100000});
	});
	test("a process's segment is the guest's composed with the partition", () => {
		expect(p.userSegment(0x10000, 0x10000)).toEqual({ubase: 0x110000, ulimit: 0x10000});
		// A guest asking for everything gets what its own machine has, from its base on.
		expect(p.userSegment(0x10000, -1)).toEqual({ubase: 0x110000, ulimit: 0xf0000});
		expect(p.userSegment(0x200000, 0x1000)).toEqual({ubase: 0x100000, ulimit: 0});
	});
});

describe('vCPU', () => {
	test('switching the virtual mode banks sp like the real CPU', () => {
		const v = new VCpu();
		const regs = new Int32Array(16);
		regs[15] = 0x8000; // kernel sp
		v.userSp = 0x10000;
		v.switchMode(false, regs);
		expect(regs[15]).toBe(0x10000);
		regs[15] = 0xff00;
		v.switchMode(true, regs);
		expect(regs[15]).toBe(0x8000);
		expect(v.userSp).toBe(0xff00);
	});
	test('the virtual timer fires after exactly its period of guest instructions', () => {
		const v = new VCpu();
		v.timerPeriod = v.timerCountdown = 10;
		v.tick(9);
		expect(v.irqPending).toBe(0);
		v.tick(1);
		expect(v.irqPending).toBe(1);
		expect(v.timerCountdown).toBe(10);
	});
});

/** A bare guest kernel (no processes): boots at 0 in supervisor mode. */
function bareGuest(source: string, input?: string) {
	const program = assembleOrThrow(source, {file: 'guest.s'});
	const m = new Machine({memorySize: 1 << 16});
	m.load(program.bytes);
	m.pc = program.entry;
	return {name: 'bare', boot: bootStateOf(m), input};
}

test('hypercalls: descriptor form and register form give the same machine', () => {
	const source = `
		mov r1, 0x1234
		int 0x82
		.word 0x0a00 + 0x20000 + 0x4000000   ; mfcr r2, idt  (cr 4)
		int 0x82
		.word 0x0900 + 0x10000000            ; out 0x10, 'A'
		.word 'A'
		mov r0, 12                           ; register form: out(r1 = port, r2 = value)
		mov r1, 0x10
		mov r2, 'B'
		int 0x82
		int 0x82
		.word 0x0900 + 0xF0000000            ; out 0xf0, 7
		.word 7
	`;
	const bus = new EventBus();
	const calls: string[] = [];
	bus.on('vmm.hypercall', (e) => calls.push(e.name));
	const sim = buildVmmSimulation({technique: 'pv', profile: classic, memorySize: 1 << 16, bus, guests: [bareGuest(source)]});
	sim.run(1000);
	expect(sim.takeOutput()).toBe('AB');
	expect(calls).toEqual(['mfcr', 'out_imm', 'out', 'out_imm']);
	expect(sim.stopped).toMatchObject({reason: 'poweroff', code: 7});
	// Every hypercall counted as one guest instruction.
	expect(sim.guestList[0]!.vcpu.instret).toBe(8);
});

test.each(['trap', 'hvm'] as const)('live (%s): a guest halted with nothing to wake it waits for console input, then takes IRQ 1', (technique) => {
	const source = `
		mov r1, table
		lidt r1
		mov r1, on_input
		st r1, [table+132]
		sti
		hlt
		jmp 0
on_input:
		in r2, 0x11
		out 0x10, r2
		out 0xf0, 0
		.align 4
table:	.space 256
	`;
	const sim = buildVmmSimulation({technique, profile: classic, memorySize: 1 << 16, inputOpen: true, guests: [bareGuest(source)]});
	expect(sim.run(1000)).toBeGreaterThan(0);
	expect(sim.stopped).toBeNull();
	expect(sim.guests()[0]!.state).toBe('halted');
	expect(sim.run(1000)).toBe(0);
	sim.pushInput('x');
	sim.run(1000);
	expect(sim.takeOutput()).toBe('x');
	expect(sim.stopped).toMatchObject({reason: 'poweroff', code: 0});
	// The hybrid VMM takes the interrupt before the instruction after hlt, as the CPU does:
	// six instructions to hlt, then the handler's three.
	if (technique === 'hvm') expect(sim.guestList[0]!.vcpu.instret).toBe(9);
});
