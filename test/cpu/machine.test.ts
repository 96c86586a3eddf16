import {describe, expect, it} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {catchAll, rig, word} from './helpers.js';

describe('decode once, invalidate on write', () => {
	it('self-modifying code runs the new instruction, not the stale decoded one', () => {
		// The loop body's `add r1, r1, 1` is overwritten by a copy of `add r1, r1, 100`
		// after the first pass: the second pass must see the new bytes.
		const r = rig(`
        mov r1, 0
        mov r5, 2
again:
body:   add r1, r1, 1
        ld r2, [patch]
        st r2, [body]
        ld r2, [patch+4]
        st r2, [body+4]
        sub r5, r5, 1
        jnz again
        out 0xF0, 0
        .align 4
patch:  add r1, r1, 100
`).run();
		expect(r.machine.regs[1]).toBe(101);
	});

	it('a store to data right after code drops no slot of that code (only an instruction that takes the stored word)', () => {
		// `bump` ends with 4-byte instructions right before `counter`, which every call stores to.
		const r = rig(`
        mov sp, 0x8000
        mov r5, 5
again:  call bump
        sub r5, r5, 1
        jnz again
        out 0xF0, 0
bump:   st r5, [counter]
        nop
        ret
counter: .word 0
`);
		const decoded = new Map<number, number>();
		r.machine.decodeHook = (phys) => decoded.set(phys, (decoded.get(phys) ?? 0) + 1);
		r.run();
		expect(r.machine.stopped?.code).toBe(0);
		expect(r.machine.mem32[r.at('counter') >>> 2]).toBe(1);
		// Each of bump's slots is filled once, though the word after its `ret` was written five times.
		const bump = r.at('bump');
		expect([decoded.get(bump), decoded.get(bump + 8), decoded.get(bump + 12)]).toEqual([1, 1, 1]);
	});

	it('the decoded cache marks the words decoded instructions take (covered), and only those', () => {
		// `mov r1, 7` takes two words, `out 0x10, 'A'` three; the data word after them none.
		const r = rig(`
        mov r1, 7
        out 0x10, 'A'
        out 0xF0, 0
data:   .word 0
`).run();
		const covered = [...r.machine.code.covered.subarray(0, (r.at('data') >>> 2) + 1)];
		expect(covered).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 0]);
	});

	it('a store into the second or third word of an instruction runs the new instruction', () => {
		// `mov r1, 7` takes 8 bytes, `out 0x10, 'A'` 12: the stores change only their immediates.
		const r = rig(`
        mov r5, 2
again:
site:   mov r1, 7
        add r2, r2, r1
put:    out 0x10, 'A'
        mov r3, 100
        st r3, [site+4]
        mov r3, 'B'
        st r3, [put+8]
        sub r5, r5, 1
        jnz again
        out 0xF0, 0
`).run();
		expect(r.machine.regs[2]).toBe(107);
		expect(r.output()).toBe('AB');
	});

	it('a decode hook sees each slot filled once; a patch turns the slot into a trap to the given vector', () => {
		const program = assembleOrThrow(
			`
        mov r1, vectors
        lidt r1
        nop
site:   pushf
        out 0xF0, 1
${catchAll}`,
			{file: 't.s'},
		);
		const m = new Machine();
		m.load(program.bytes);
		const site = program.labels.get('site')!;
		const seen: number[] = [];
		m.decodeHook = (phys) => {
			seen.push(phys);
			if (phys === site) m.code.patch(phys, 99); // binary translation: pushf → int 99
		};
		while (!m.stopped) m.run(100);
		expect(seen.filter((p) => p === site)).toHaveLength(1);
		expect(word(m, program.labels.get('seen_cause')!)).toBe(99);
		// epc: the instruction after the patched one, as for `int n`
		expect(word(m, program.labels.get('seen_epc')!)).toBe(site + 4);
		expect(m.mem32[site >>> 2]! & 0xff).toBe(47); // memory still holds pushf
	});
});

describe('trap hook (the VMM takes exceptions instead of the IDT)', () => {
	it('receives vector, epc, badaddr and the instruction pc, and decides where to resume', () => {
		const program = assembleOrThrow(
			`
        mov r1, 0x1001
site:   ld r2, [r1]
        out 0xF0, 5
`,
			{file: 't.s'},
		);
		const m = new Machine();
		m.load(program.bytes);
		const calls: number[][] = [];
		m.trapHook = (vector, epc, badaddr, pc) => {
			calls.push([vector, epc, badaddr, pc]);
			m.pc = epc + 8; // skip the faulting 8-byte load
		};
		while (!m.stopped) m.run(100);
		const site = program.labels.get('site')!;
		expect(calls).toEqual([[13, site, 0x1001, site]]);
		expect(m.stopped?.code).toBe(5);
	});
});

describe('event bus', () => {
	const source = `
        mov r1, vectors
        lidt r1
        brk
        in r2, 0x21
        out 0x10, 'x'
        out 0xF0, 0
${catchAll.replace('out 0xF0, 0x7E', 'iret')}`;

	function run(subscribe: (bus: EventBus, log: VmEvent[]) => void) {
		const program = assembleOrThrow(source, {file: 't.s'});
		const bus = new EventBus();
		const log: VmEvent[] = [];
		subscribe(bus, log);
		const m = new Machine({bus});
		m.load(program.bytes);
		while (!m.stopped) m.run(1000);
		return {m, log};
	}

	it('delivers typed events of each kind to their subscribers, in order', () => {
		const {log} = run((bus, log) => bus.onMany(['exception.raised', 'exception.delivered', 'iret', 'io', 'stop', 'console'], (e) => log.push(e)));
		expect(log.map((e) => e.kind)).toEqual([
			'exception.raised',
			'exception.delivered',
			'iret',
			'io',
			'io',
			'console',
			'io',
			'stop',
		]);
		const delivered = log[1] as Extract<VmEvent, {kind: 'exception.delivered'}>;
		expect(delivered.vector).toBe(3);
		expect(delivered.guest).toBe(-1);
	});

	it('instruction events: one per executed instruction when subscribed, none built otherwise', () => {
		const traced = run((bus, log) => bus.on('instruction', (e) => log.push(e)));
		const handlerAndMain = traced.m.instret;
		expect(traced.log).toHaveLength(handlerAndMain);
		expect(traced.log.every((e) => e.kind === 'instruction')).toBe(true);
		// Unsubscribed: the flag producers test is false, so nothing is built.
		const bus = new EventBus();
		const off = bus.on('instruction', () => {});
		off();
		expect(bus.wanted.instruction).toBe(false);
	});

	it('the same program, configuration and input give the same run, event for event', () => {
		const a = run((bus, log) => bus.onMany(['instruction', 'io', 'exception.delivered'], (e) => log.push(e)));
		const b = run((bus, log) => bus.onMany(['instruction', 'io', 'exception.delivered'], (e) => log.push(e)));
		expect(a.log).toEqual(b.log);
		expect(a.m.cycles).toBe(b.m.cycles);
	});

	it('traced and untraced runs agree on the machine state', () => {
		const traced = run((bus) => bus.on('instruction', () => {}));
		const plain = run(() => {});
		expect(traced.m.instret).toBe(plain.m.instret);
		expect(traced.m.cycles).toBe(plain.m.cycles);
		expect([...traced.m.regs]).toEqual([...plain.m.regs]);
	});
});
