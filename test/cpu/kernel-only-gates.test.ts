/**
 * Kernel-only gates (docs/v32.md §4.6; issue 13 §6): bit 0 of an IDT entry
 * makes `int n` from user mode a #GP, as an x86 gate with DPL 0. Opt-in: an
 * IDT written against the original contract (bit clear) behaves as before;
 * the kernel itself, and the hardware interrupt, still reach the handler.
 */
import {describe, expect, it} from 'vitest';
import {catchAll, rig, word} from './helpers.js';

/**
 * Vector 32's entry = `tick` + GATE; every other vector → catch_all (which
 * records cause/epc/badaddr, powers off 0x7E). `tick` records the cause and
 * powers off 0x33. Then `start` runs: user mode at `user_base`, or `kernel`.
 */
function program(gate: 0 | 1, start: 'user' | 'kernel', userCode: string, userFlags = 0, timer = 0) {
	return rig(`
        .equ GATE, ${gate}
        mov r1, vectors
        lidt r1
        mov r1, tick + GATE
        st r1, [vectors + 128]
        mov sp, 0x70000
        out 0x20, ${timer}
        jmp ${start === 'user' ? 'to_user' : 'kernel'}
kernel: int 32
        out 0xF0, 0x01
to_user:
        mov r1, user_base
        mtcr ubase, r1
        mov r1, 0x1000
        mtcr ulimit, r1
        mov r1, 0x800
        mtcr usp, r1
        mov r1, ${userFlags}
        mtcr eflags, r1
        mov r1, 0
        mtcr epc, r1
        iret
tick:   mfcr r13, cause
        st r13, [seen_cause]
        mfcr r13, epc
        st r13, [seen_epc]
        out 0xF0, 0x33
${catchAll}
        .align 4
user_base:
${userCode}
`);
}

const cause = (r: ReturnType<typeof rig>): number => word(r.machine, r.at('seen_cause'));

describe('a kernel-only gate (IDT entry bit 0)', () => {
	it('user-mode `int 32` through it raises #GP at the int, not the timer handler', () => {
		const r = program(1, 'user', '        nop\n        int 32\n        out 0xF0, 0x02').run();
		expect(r.machine.stopped?.code).toBe(0x7e);
		expect(cause(r)).toBe(13);
		expect(word(r.machine, r.at('seen_epc'))).toBe(4); // the `int` itself (user address), a fault
		expect(word(r.machine, r.at('seen_bad'))).toBe(4);
	});

	it('without the bit (the original contract) user-mode `int 32` reaches the handler, as before', () => {
		const r = program(0, 'user', '        nop\n        int 32\n        out 0xF0, 0x02').run();
		expect(r.machine.stopped?.code).toBe(0x33);
		expect(cause(r)).toBe(32);
		expect(word(r.machine, r.at('seen_epc'))).toBe(8); // the next instruction, a trap
	});

	it('the kernel may still `int 32` through it; the handler is the entry without the bit', () => {
		const r = program(1, 'kernel', '').run();
		expect(r.machine.stopped?.code).toBe(0x33);
		expect(cause(r)).toBe(32);
	});

	it('the hardware timer is delivered through it to the handler, in user mode too', () => {
		// User mode with IF = 1, spinning; the timer (every 5 instructions) interrupts it.
		const r = program(1, 'user', 'spin:   jmp spin', 1 << 9, 5).run(10_000);
		expect(r.machine.stopped?.code).toBe(0x33);
		expect(cause(r)).toBe(32);
	});
});
