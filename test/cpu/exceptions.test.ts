import {describe, expect, it} from 'vitest';
import {catchAll, rig, word} from './helpers.js';

/**
 * Enter user mode at label `user` with base = `user_base`, limit 0x1000
 * (the user code is copied nowhere: ubase points at the code's own address,
 * so user address 0 = label user_base).
 */
function userProgram(userCode: string, {limit = '0x1000', profile}: {limit?: string; profile?: 'classic' | 'pentium'} = {}) {
	return rig(
		`
        mov r1, vectors
        lidt r1
        mov r1, user_base
        mtcr ubase, r1
        mov r1, ${limit}
        mtcr ulimit, r1
        mov r1, 0x800          ; user sp (a user address)
        mtcr usp, r1
        mov r1, 0              ; user mode: S = 0, IF = 0
        mtcr eflags, r1
        mov r1, 0              ; user address 0 = user_base
        mtcr epc, r1
        mov sp, 0x70000        ; supervisor sp
        iret
${catchAll}
        .align 4
user_base:
${userCode}
`,
		{profile: profile === 'pentium' ? pentiumProfile() : undefined},
	);
}

import {pentium} from '../../source/isa/profiles.js';
function pentiumProfile() {
	return pentium;
}

describe('exceptions and their epc rules (docs/v32.md §4)', () => {
	it('#DE is a fault: epc is the dividing instruction', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        mov r2, 0
site:   div r3, r3, r2
        out 0xF0, 1
${catchAll}`).run();
		expect(r.machine.stopped?.code).toBe(0x7e);
		expect(word(r.machine, r.at('seen_cause'))).toBe(0);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('site'));
	});

	it('brk is a trap (vector 3): epc is the next instruction', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        brk
after:  out 0xF0, 1
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(3);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('after'));
	});

	it('int n is a trap with vector n; epc is the next instruction', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        int 0x80
after:  out 0xF0, 1
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(0x80);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('after'));
	});

	it('#UD: an undefined opcode is a fault at the instruction', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        jmp site
        .align 4
site:   .word 0x000000FE
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(6);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('site'));
	});

	it('#GP for a misaligned word access: epc = instruction, badaddr = the address', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        mov r2, 0x1001
site:   ld r3, [r2]
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(13);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('site'));
		expect(word(r.machine, r.at('seen_bad'))).toBe(0x1001);
	});

	it('#GP for an access outside physical memory, in supervisor mode too', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
site:   stb r1, [0x100000]
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(13);
		expect(word(r.machine, r.at('seen_bad'))).toBe(0x100000);
	});

	it('the timer interrupt (vector 32): epc is the next instruction to run, taken only while IF = 1', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        out 0x20, 5
        mov r5, 0
        add r5, r5, 1
        add r5, r5, 1
        add r5, r5, 1
        add r5, r5, 1
        add r5, r5, 1
        add r5, r5, 1       ; the timer is due, but IF = 0
        sti
spin:   add r5, r5, 1
        jmp spin
${catchAll}`).run();
		const m = r.machine;
		expect(word(m, r.at('seen_cause'))).toBe(32);
		// Due after the 5th instruction, but IF = 0: taken as soon as sti sets IF.
		expect(word(m, r.at('seen_epc'))).toBe(r.at('spin'));
		expect(m.regs[5]).toBe(6);
	});

	it('the timer counts exactly N executed instructions after out 0x20', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        sti
        out 0x20, 3
        nop
        nop
        nop
fourth: nop
        nop
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(32);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('fourth'));
	});

	it('console input raises IRQ 1 (vector 33); in 0x11 reads bytes then -1', () => {
		const r = rig(
			`
        mov r1, vectors
        lidt r1
        in r5, 0x11
        in r6, 0x11
        in r7, 0x11
        sti
        nop
${catchAll}`,
			{input: 'ok'},
		).run();
		const m = r.machine;
		expect([m.regs[5], m.regs[6], m.regs[7]]).toEqual(['o'.charCodeAt(0), 'k'.charCodeAt(0), -1]);
		expect(word(m, r.at('seen_cause'))).toBe(33);
	});

	it('delivery sets eflags, cause, S = 1 and IF = 0', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        sti
        brk
${catchAll}`).run();
		const eflags = word(r.machine, r.at('seen_eflags'));
		expect(eflags & (1 << 9)).not.toBe(0); // IF was 1 before
		expect(r.machine.intEnabled).toBe(false);
		expect(r.machine.supervisor).toBe(true);
	});
});

describe('user mode: privilege, MMU and banked sp', () => {
	it('a privileged instruction in user mode raises #GP with badaddr = the instruction address', () => {
		const r = userProgram(`
        nop
site:   cli
`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(13);
		const userSite = r.at('site') - r.at('user_base');
		expect(word(r.machine, r.at('seen_epc'))).toBe(userSite);
		expect(word(r.machine, r.at('seen_bad'))).toBe(userSite);
	});

	it('int n < 32 from user mode raises #GP; int 0x80 traps normally', () => {
		const a = userProgram(`site: int 3`).run();
		expect(word(a.machine, a.at('seen_cause'))).toBe(13);
		const b = userProgram(`site: int 0x80`).run();
		expect(word(b.machine, b.at('seen_cause'))).toBe(0x80);
	});

	it('data accesses are relocated by ubase and bounded by ulimit', () => {
		const r = userProgram(`
        mov r1, 0x123
        st r1, [0x400]
        ld r2, [0x400]
        st r2, [0xFFC]      ; last word below the limit: fine
site:   st r2, [0x1000]     ; at the limit: #GP
`).run();
		const m = r.machine;
		expect(word(m, r.at('user_base') + 0x400)).toBe(0x123);
		expect(word(m, r.at('user_base') + 0xffc)).toBe(0x123);
		expect(word(m, r.at('seen_cause'))).toBe(13);
		expect(word(m, r.at('seen_bad'))).toBe(0x1000);
		expect(word(m, r.at('seen_epc'))).toBe(r.at('site') - r.at('user_base'));
	});

	it('an aligned word access straddling the limit faults', () => {
		// ulimit = 0x1002: bytes 0x1000–0x1001 are valid, 0x1002–0x1003 are not.
		const r = userProgram(`ldb r2, [0x1001]\nsite: ld r1, [0x1000]`, {limit: '0x1002'}).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(13);
		expect(word(r.machine, r.at('seen_epc'))).toBe(r.at('site') - r.at('user_base'));
		expect(word(r.machine, r.at('seen_bad'))).toBe(0x1000);
	});

	it('instruction fetch is bounded by ulimit', () => {
		// The user code is 12 bytes long; ulimit = 8 cuts off the third instruction.
		const r = userProgram(
			`
        nop
        nop
        nop
`,
			{limit: '8'},
		).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(13);
		expect(word(r.machine, r.at('seen_epc'))).toBe(8);
		expect(word(r.machine, r.at('seen_bad'))).toBe(8);
	});

	it('sp is banked: user and supervisor each keep their own across an exception and iret', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        mov r1, handler
        st r1, [vectors+512]    ; entry 0x80
        mov r1, user_base
        mtcr ubase, r1
        mov r1, 0x1000
        mtcr ulimit, r1
        mov r1, 0x800
        mtcr usp, r1
        mov r1, 0
        mtcr eflags, r1
        mtcr epc, r1
        mov sp, 0x70000
        iret
handler:
        st sp, [ssp_seen]     ; supervisor sp inside the handler
        mfcr r1, usp
        st r1, [usp_seen]     ; the user's sp, banked
        mov sp, 0x60000       ; change the supervisor's sp only
        iret
${catchAll}
        .align 4
ssp_seen: .word 0
usp_seen: .word 0
user_base:
        sub sp, sp, 4         ; user sp = 0x7FC
        int 0x80
        mov r3, sp            ; still 0x7FC after iret
        int 0x81              ; caught by catch_all: stop
`).run();
		const m = r.machine;
		expect(word(m, r.at('ssp_seen'))).toBe(0x70000);
		expect(word(m, r.at('usp_seen'))).toBe(0x7fc);
		expect(m.regs[3]).toBe(0x7fc);
		expect(m.ssp).toBe(0x60000);
	});
});

describe('pushf / popf / sidt / smsw in both profiles and both modes (docs/v32.md §6.2)', () => {
	const probe = `
        sti
        pushf
        pop r4          ; FLAGS as pushed
        sidt r5
        smsw r6
        mov r1, 0       ; try to clear IF with popf
        push r1
        popf
        pushf
        pop r7
        out 0xF0, 0
`;
	it('supervisor mode, both profiles: the real FLAGS, idt and mode; popf loads IF', () => {
		for (const profile of ['classic', 'pentium'] as const) {
			const r = rig(`mov r1, 0x400\nlidt r1\nmov sp, 0x8000\n${probe}`, {
				profile: profile === 'pentium' ? pentium : undefined,
			}).run();
			const m = r.machine;
			expect(m.regs[4]! & 0x1200).toBe(0x1200); // IF and S pushed
			expect(m.regs[5]).toBe(0x400);
			expect(m.regs[6]).toBe(1);
			expect(m.regs[7]! & 0x200).toBe(0); // popf cleared IF
			expect(m.regs[7]! & 0x1000).toBe(0x1000); // but never S
		}
	});

	it('user mode, classic: each of the four raises #GP', () => {
		for (const ins of ['pushf', 'popf', 'sidt r1', 'smsw r1']) {
			const r = userProgram(`site: ${ins}`).run();
			expect(word(r.machine, r.at('seen_cause')), ins).toBe(13);
		}
	});

	it('user mode, pentium: they run and see the real machine; popf silently keeps IF and S', () => {
		const r = userProgram(
			`
        pushf
        pop r4
        sidt r5
        smsw r6
        mov r1, 0x20F       ; C Z N V and IF set
        push r1
        popf
        int 0x81
`,
			{profile: 'pentium'},
		).run();
		const m = r.machine;
		const eflags = word(m, r.at('seen_eflags'));
		expect(m.regs[4]! & 0x1000).toBe(0); // S = 0 pushed: user mode is visible
		expect(m.regs[5]).toBe(r.at('vectors')); // the real idt
		expect(m.regs[6]).toBe(0); // smsw sees user mode
		expect(eflags & 0xf).toBe(0xf); // C Z N V loaded
		expect(eflags & 0x200).toBe(0); // IF unchanged (was 0)
	});
});

describe('double and triple fault', () => {
	it('an IDT entry of 0 raises #DF (vector 8)', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        mov r1, 0
        st r1, [vectors+52]    ; entry 13: no #GP handler
        ld r2, [1]               ; misaligned → #GP → #DF
${catchAll}`).run();
		expect(word(r.machine, r.at('seen_cause'))).toBe(8);
	});

	it('an IDT outside memory: #DF cannot be delivered either → triple fault, the machine stops', () => {
		const r = rig(`
        mov r1, 0xFFFFF000
        lidt r1
        brk
        out 0xF0, 0
`).run();
		expect(r.machine.stopped?.reason).toBe('triple-fault');
		expect(r.machine.stopped?.message).toMatch(/triple fault/);
	});

	it('no IDT at all (all zero) is a triple fault', () => {
		const r = rig(`div r1, r1, 0`).run();
		expect(r.machine.stopped?.reason).toBe('triple-fault');
	});
});

describe('hlt', () => {
	it('with IF = 0 the machine stops and says so', () => {
		const r = rig(`hlt`).run();
		expect(r.machine.stopped).toMatchObject({reason: 'halt-interrupts-disabled'});
		expect(r.machine.stopped?.message).toMatch(/halted with interrupts disabled/);
	});

	it('with IF = 1 and no interrupt source the machine stops: nothing can wake it', () => {
		const r = rig(`sti\nhlt`).run();
		expect(r.machine.stopped).toMatchObject({reason: 'halt-nothing-can-wake'});
	});

	it('the timer wakes it; idle time passes in cycles, not in instructions', () => {
		const r = rig(`
        mov r1, vectors
        lidt r1
        out 0x20, 1000
        sti
        hlt
${catchAll}`).run();
		const m = r.machine;
		expect(word(m, r.at('seen_cause'))).toBe(32);
		expect(m.idle).toBeGreaterThan(900);
		expect(m.cycles).toBeGreaterThan(m.instret + 900);
	});
});

describe('devices', () => {
	it('in 0x21 reads the instructions executed since reset', () => {
		const r = rig(`
        nop
        nop
        in r1, 0x21
        out 0xF0, 0
`).run();
		expect(r.machine.regs[1]).toBe(2);
	});

	it('out 0xF0 powers off with the code', () => {
		const r = rig(`out 0xF0, 42`).run();
		expect(r.machine.stopped).toMatchObject({reason: 'poweroff', code: 42});
	});
});

describe('the timer counts the same whatever the batch size (determinism)', () => {
	const source = `
        mov r1, vectors
        lidt r1
        nop
        nop
        nop
        nop
        out 0x20, 100
        in r5, 0x21
        sti
spin:   jmp spin
${catchAll.replace('out 0xF0, 0x7E', 'in r6, 0x21\n        out 0xF0, 0x7E')}`;
	it('IRQ 0 comes exactly N instructions after out 0x20, N — in one batch or one instruction at a time', () => {
		const big = rig(source).run();
		const small = rig(source);
		while (!small.machine.stopped) small.machine.run(1);
		for (const r of [big, small]) {
			// r5 = instret before `in`, counting the out; handler's `in` sees N more + the in-handler prelude
			expect(word(r.machine, r.at('seen_cause'))).toBe(32);
		}
		expect(big.machine.regs[6]).toBe(small.machine.regs[6]);
		expect(big.machine.regs[5]).toBe(small.machine.regs[5]);
		// 100 instructions after the out: `in r5` is the first of them.
		const handlerPrelude = 8; // the catch-all handler's instructions before its `in`
		expect(big.machine.regs[6]! - big.machine.regs[5]!).toBe(100 + handlerPrelude);
	});
});

describe('an exception loop', () => {
	it('a handler address that faults on fetch stops the machine instead of hanging run()', () => {
		const r = rig(`
        mov r1, table
        lidt r1
        div r1, r1, 0
        .align 4
table:  .word ${Array.from({length: 16}, () => '2').join(', ')}
`);
		const ran = r.machine.run(1_000_000);
		expect(ran).toBeLessThan(10);
		expect(r.machine.stopped?.reason).toBe('exception-loop');
		expect(r.machine.stopped?.message).toMatch(/exceptions in a row/);
	});
});
