/**
 * The two engines on whole runs: the sample kernel natively and under each VMM
 * technique (the binary translator patches decoded code, the VMM writes guest
 * memory), and self-modifying code rewritten after it was translated.
 */
import {describe, expect, it} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import type {Engine} from '../../source/cpu/engine.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {Machine} from '../../source/cpu/machine.js';
import {compileRegion} from '../../source/cpu/translate/compile.js';
import {findRegion} from '../../source/cpu/translate/region.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {packageFile, scenarioFromFlags} from '../../source/scenario/scenario.js';

function kernelRun(engine: Engine, vmm: 'none' | 'trap' | 'bt' | 'pv' | 'hvm') {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	for (const kind of ['exception.raised', 'interrupt.taken', 'iret', 'vmm.intercept', 'vmm.translate'] as const) {
		bus.on(kind, (e) => events.push(e as VmEvent));
	}
	const scenario = {...scenarioFromFlags({programs: [packageFile('samples/user/hanoi.s')], input: '4'}), vmm};
	const sim = buildSimulation(scenario, {engine, bus});
	let output = '';
	const {stop} = runHeadless(sim, {maxInstructions: 3_000_000, onOutput: (t) => (output += t)});
	const m = sim.machine;
	return {
		state: {stop, instret: m.instret, cycles: m.cycles, regs: [...m.regs], pc: m.pc, flags: m.flags, exceptions: [...m.exceptionCounts]},
		output,
		events,
		translated: m.jit?.stats.translated ?? 0,
	};
}

describe('whole runs agree under both engines', () => {
	for (const vmm of ['none', 'trap', 'bt', 'pv', 'hvm'] as const) {
		it(`hanoi 4 on the sample kernel, vmm ${vmm}`, () => {
			const interp = kernelRun('interp', vmm);
			const jit = kernelRun('jit', vmm);
			expect(interp.output).toContain('move disk');
			expect(jit.state).toEqual(interp.state);
			expect(jit.output).toBe(interp.output);
			expect(jit.events).toEqual(interp.events);
			expect(jit.translated).toBeGreaterThan(jit.state.instret / 4);
		});
	}

	it('code rewritten after it was translated runs as rewritten', () => {
		// The loop body's `add r1, r1, 1` becomes `add r1, r1, 2` (a copy of `spare`) after 50 rounds.
		const source = `
        mov r1, 0
        mov r3, 0
loop:   add r3, r3, 1
        cmp r3, 50
        jnz site
        ld r4, [spare]
        st r4, [site]
        ld r4, [spare+4]
        st r4, [site+4]
site:   add r1, r1, 1
        cmp r3, 100
        jnz loop
        out 0xF0, 0
spare:  add r1, r1, 2
`;
		const bytes = assembleOrThrow(source, {file: 'smc.s'}).bytes;
		const run = (engine: Engine) => {
			const m = new Machine({engine, hot: 2});
			m.load(bytes);
			while (!m.stopped) m.run(7);
			return m;
		};
		const interp = run('interp');
		const jit = run('jit');
		expect(interp.regs[1]).toBe(49 + 2 * 51);
		expect(jit.regs[1]).toBe(interp.regs[1]);
		expect(jit.instret).toBe(interp.instret);
		expect(jit.jit!.stats.dropped).toBeGreaterThan(0);
	});

	it('a loop storing to data right after its code stays translated; a store into an immediate drops it', () => {
		// The loop's `ret` sits right before `count`, which every round writes: that drops nothing.
		// With `rewrite`, the loop once rewrites the immediate of its own `add r1, r1, 1` (its second word).
		const source = (rewrite: boolean) => `
        mov sp, 0x8000
        mov r5, 0
loop:   call step
        cmp r5, 60
        jnz skip
        mov r4, 5
        ${rewrite ? 'st r4, [site+4]' : 'nop'}
skip:   cmp r5, 120
        jnz loop
        out 0xF0, 0
step:   add r5, r5, 1
site:   add r1, r1, 1
        st r5, [count]
        ret
count:  .word 0
`;
		const run = (engine: Engine, rewrite: boolean) => {
			const m = new Machine({engine, hot: 2});
			m.load(assembleOrThrow(source(rewrite), {file: 'data-after-code.s'}).bytes);
			while (!m.stopped) m.run(40);
			return m;
		};
		for (const rewrite of [false, true]) {
			const interp = run('interp', rewrite);
			const jit = run('jit', rewrite);
			expect(interp.regs[1]).toBe(rewrite ? 60 + 5 * 60 : 120);
			expect([...jit.regs]).toEqual([...interp.regs]);
			expect([jit.instret, jit.cycles]).toEqual([interp.instret, interp.cycles]);
			expect(jit.jit!.stats.translated).toBeGreaterThan(jit.instret * 0.8);
			// Only the rewrite of the immediate drops translated code.
			if (rewrite) expect(jit.jit!.stats.dropped).toBeGreaterThan(0);
			else expect(jit.jit!.stats.dropped).toBe(0);
		}
	});

	it('a region is made into a function once per process: the same code at the same place, the same function', () => {
		const source = (step: number) => `
        mov r1, 0
loop:   add r1, r1, ${step}
        cmp r1, ${step * 10}
        jnz loop
        out 0xF0, 0
`;
		// Decoded by running (translating reads only decoded slots); a high threshold leaves it interpreted.
		const regionOf = (step: number) => {
			const m = new Machine({engine: 'jit', hot: 1_000_000});
			m.load(assembleOrThrow(source(step), {file: 'shared.s'}).bytes);
			while (!m.stopped) m.run(100);
			const loop = 8; // after the 8-byte `mov r1, 0`
			const where = {supervisor: true, base: 0, limit: m.memorySize};
			return {m, fn: compileRegion(findRegion(m, loop, where), where, m.memorySize)};
		};
		const a = regionOf(3);
		const b = regionOf(3);
		const c = regionOf(5);
		expect(b.fn).toBe(a.fn);
		expect(c.fn).not.toBe(a.fn);
		// Each runs its own immediate: from r1 = 0 at the loop, ten rounds of three instructions.
		for (const [x, step] of [[a, 3], [c, 5]] as const) {
			x.m.regs[1] = 0;
			x.m.pc = 8;
			expect(x.fn(x.m, 30)).toBe(30);
			expect(x.m.regs[1]).toBe(step * 10);
		}
	});

	it('branches that fall into the next case of the switch, to the next instruction, and copied blocks of other regions agree', () => {
		// `ja next` jumps to the instruction after it; the loop's blocks fall into each other; `bump` is
		// short and becomes a region of its own first (called from before the loop), then is copied
		// into the loop's region.
		const source = `
        mov sp, 0x8000
        mov r1, 0
        mov r2, 0
        mov r6, 20
warm:   call bump
        sub r6, r6, 1
        jnz warm
loop:   cmp r1, 7
        ja next
next:   jbe low
        add r2, r2, 3
        jmp tail
low:    add r2, r2, 1
tail:   call bump
        add r1, r1, 1
        cmp r1, 300
        jnz loop
        out 0xF0, 0
bump:   add r3, r3, 1
        ret
`;
		const run = (engine: Engine) => {
			const m = new Machine({engine, hot: 2});
			m.load(assembleOrThrow(source, {file: 'layout.s'}).bytes);
			while (!m.stopped) m.run(33);
			return m;
		};
		const interp = run('interp');
		const jit = run('jit');
		expect([interp.regs[2], interp.regs[3]]).toEqual([8 + 3 * 292, 320]);
		expect([...jit.regs]).toEqual([...interp.regs]);
		expect([jit.instret, jit.cycles, jit.flags]).toEqual([interp.instret, interp.cycles, interp.flags]);
		expect(jit.jit!.stats.translated).toBeGreaterThan(jit.instret * 0.8);
	});

	it('code anywhere in memory is found translated (the top quarter too: regions are looked up per word)', () => {
		const memory = 1 << 16;
		const at = memory - 0x1000;
		const source = `
        .org ${at}
        mov r1, 0
loop:   add r1, r1, 3
        cmp r1, 3000
        jnz loop
        out 0xF0, 0
`;
		const bytes = assembleOrThrow(source, {file: 'high.s'}).bytes;
		const run = (engine: Engine) => {
			const m = new Machine({engine, hot: 2, memorySize: memory});
			m.load(bytes);
			m.pc = at;
			while (!m.stopped) m.run(50);
			return m;
		};
		const interp = run('interp');
		const jit = run('jit');
		expect(interp.regs[1]).toBe(3000);
		expect(jit.regs[1]).toBe(3000);
		expect(jit.instret).toBe(interp.instret);
		expect(jit.jit!.stats.translated).toBeGreaterThan(jit.instret / 2);
	});

	it('console output from translated code: listeners see the registers, pc and counts the interpreter shows them', () => {
		// Registers live in locals inside translated code; before the console device runs they are back in the machine.
		const source = `
        mov r1, 65
        mov r2, 0
loop:   add r2, r2, 7
        out 0x10, r1
        add r1, r1, 1
        cmp r1, 91
        jnz loop
        out 0xF0, 0
`;
		const bytes = assembleOrThrow(source, {file: 'console.s'}).bytes;
		const run = (engine: Engine) => {
			const bus = new EventBus();
			const m = new Machine({engine, hot: 2, bus});
			const seen: unknown[] = [];
			for (const kind of ['io', 'console'] as const) bus.on(kind, (e) => seen.push({e, regs: [...m.regs], pc: m.pc, instret: m.instret}));
			m.load(bytes);
			while (!m.stopped) m.run(1000);
			return {m, seen, output: m.takeOutput()};
		};
		const interp = run('interp');
		const jit = run('jit');
		expect(interp.output).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
		expect(jit.output).toBe(interp.output);
		expect(jit.seen).toEqual(interp.seen);
		expect(jit.seen).toHaveLength(2 * 26 + 1);
		expect(jit.m.jit!.stats.translated).toBeGreaterThan(jit.m.instret / 2);
	});
});
