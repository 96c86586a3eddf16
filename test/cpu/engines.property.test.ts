/**
 * Differential testing of the two engines: random programs (ALU, flags,
 * branches, memory, stack, self-modifying stores, faults, timer interrupts,
 * CPU-local system instructions, user mode under base/limit) run under the
 * interpreter and the translating engine, and every piece of machine state is
 * compared — registers, flags, control registers, memory, instruction and cycle
 * counts, exception counts, the events with their instruction stamps (so an
 * interrupt arriving one instruction late is a failure) and console output.
 */
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import type {Engine} from '../../source/cpu/engine.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {classic, pentium} from '../../source/isa/profiles.js';

const MEMORY = 1 << 16;
/** Random programs per run (VMTOP_PROPERTY_RUNS overrides, to search longer). */
const RUNS = Number(process.env['VMTOP_PROPERTY_RUNS'] ?? 1000);
/** Instructions each program runs under each engine. */
const BUDGET = 2500;
const DATA = 0x6000; // a data area, in both modes' reach
const REGS = 12; // r0–r11 are the program's; r12 the handler's, r13 the loop counter

const reg = fc.integer({min: 0, max: REGS - 1}).map((i) => `r${i}`);
const imm = fc.oneof(fc.integer({min: -8, max: 8}), fc.integer({min: -0x80000000, max: 0x7fffffff}), fc.constantFrom(0x7fffffff, -0x80000000, 31, 32, 0xff));
const src = fc.oneof(reg, imm.map(String));
const alu = fc.constantFrom('add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr', 'sar', 'div', 'rem');
const jcc = fc.constantFrom('jmp', 'jz', 'jnz', 'jl', 'jle', 'jg', 'jge', 'jb', 'jbe', 'ja', 'jae', 'call');
/** A data address: mostly in the data area, sometimes misaligned, sometimes beyond memory or the segment. */
const address = fc.oneof(
	fc.integer({min: 0, max: 63}).map((k) => DATA + 4 * k),
	fc.integer({min: 0, max: 255}).map((k) => DATA + k),
	fc.constantFrom(MEMORY - 4, MEMORY, 0xfffffffc, 0x2000),
);

/** One body statement; `i` is its index, `n` the body length (for branch labels). */
type Gen = (i: number, n: number) => fc.Arbitrary<string>;

const statements: Gen[] = [
	() => fc.tuple(alu, reg, reg, src).map(([op, d, s, x]) => `${op} ${d}, ${s}, ${x}`),
	() => fc.tuple(alu, reg, reg, src).map(([op, d, s, x]) => `${op} ${d}, ${s}, ${x}`),
	() => fc.tuple(reg, src).map(([d, x]) => `mov ${d}, ${x}`),
	() => fc.tuple(reg, src).map(([d, x]) => `cmp ${d}, ${x}`),
	(i, n) => fc.tuple(jcc, fc.integer({min: 0, max: n})).map(([op, t]) => `${op} L${t} - BASE`),
	(i, n) => fc.tuple(jcc, fc.integer({min: i + 1, max: n})).map(([op, t]) => `${op} L${t} - BASE`),
	() => fc.tuple(fc.constantFrom('ld', 'ldb', 'st', 'stb'), reg, address).map(([op, r, a]) => `${op} ${r}, [${a} - BASE]`),
	() => fc.tuple(fc.constantFrom('ld', 'st'), reg, reg, fc.integer({min: -8, max: 8})).map(([op, r, b, k]) => `${op} ${r}, [${b}${k < 0 ? '' : '+'}${k}]`),
	() => src.map((x) => `push ${x}`),
	// The stack anywhere: misaligned, at the segment's or memory's end, about to wrap around 0.
	() => fc.constantFrom(0x5000, 0x5002, 0x7ffc, 0x8000, 0xfffc, 0x10000, 0, 4, 0xf000).map((v) => `mov sp, ${v}`),
	() =>
		fc
			.tuple(fc.constantFrom('ld', 'st', 'ldb', 'stb'), reg, fc.integer({min: -12, max: 12}))
			.map(([op, r, k]) => `${op} ${r}, [sp${k < 0 ? '' : '+'}${k}]`),
	() => reg.map((d) => `pop ${d}`),
	() => fc.constantFrom('ret', 'pushf', 'popf', 'pushf', 'popf', 'cli', 'sti', 'sti', 'nop', 'brk', 'int 0x40'),
	() => fc.tuple(reg, fc.constantFrom('epc', 'eflags', 'cause', 'badaddr', 'usp', 'ubase', 'ulimit')).map(([d, c]) => `mfcr ${d}, ${c}`),
	() => fc.tuple(fc.constantFrom('epc', 'cause', 'badaddr', 'usp'), reg).map(([c, s]) => `mtcr ${c}, ${s}`),
	() => reg.map((d) => fc.constantFrom(`smsw ${d}`, `sidt ${d}`, `in ${d}, 0x21`, `out 0x10, ${d}`)).chain((x) => x),
	// Self-modifying code: a valid instruction or a random word into the code.
	(_i, n) =>
		fc.tuple(fc.integer({min: 0, max: n - 1}), fc.oneof(fc.constantFrom(0x01, 0x00000000), imm)).map(
			([t, value]) => `mov r10, ${value}\n st r10, [L${t} - BASE]`,
		),
	(_i, n) => fc.tuple(fc.integer({min: 0, max: n - 1}), reg).map(([t, r]) => `ld r11, [L${Math.max(0, t - 1)} - BASE]\n st r11, [L${t} - BASE]`),
];

const body = fc.integer({min: 4, max: 20}).chain((n) =>
	fc.tuple(...Array.from({length: n}, (_, i) => fc.oneof(...statements.map((g) => g(i, n))))),
);

interface Case {
	user: boolean;
	pentium: boolean;
	timer: number;
	loops: number;
	body: string[];
	init: number[];
	chunk: number;
}

const cases: fc.Arbitrary<Case> = fc.record({
	user: fc.boolean(),
	pentium: fc.boolean(),
	timer: fc.oneof(fc.constant(0), fc.integer({min: 3, max: 300})),
	loops: fc.integer({min: 1, max: 40}),
	body,
	init: fc.array(fc.integer({min: -0x80000000, max: 0x7fffffff}), {minLength: REGS, maxLength: REGS}),
	chunk: fc.constantFrom(1, 7, 100, 1000, 100_000),
});

/**
 * The program: an IDT whose every vector goes to one handler (interrupts and
 * traps resume, faults go on at `cont`), then the body looped `loops` times, in
 * supervisor mode or in user mode at `user_base` (BASE) with limit 0x8000.
 */
function source(c: Case): string {
	const labels = c.body.map((s, i) => `L${i}: ${s}`).join('\n');
	const enter = c.user
		? `
        mov r12, user_base
        mtcr ubase, r12
        mov r12, 0x8000
        mtcr ulimit, r12
        mov r12, 0x5000
        mtcr usp, r12
        mov r12, ${c.timer > 0 ? 0x200 : 0}
        mtcr eflags, r12
        mov r12, 0
        mtcr epc, r12
        iret`
		: `
        ${c.timer > 0 ? 'sti' : 'nop'}
        jmp user_base`;
	return `
        .equ BASE, ${c.user ? 'user_base' : '0'}
        mov r12, vectors
        lidt r12
        mov sp, 0xF000
        ${c.timer > 0 ? `out 0x20, ${c.timer}` : 'nop'}
${c.init.map((v, i) => `        mov r${i}, ${v}`).join('\n')}
        mov r13, ${c.loops}
${enter}
handler:
        mfcr r12, cause
        cmp r12, 32
        jae resume
        cmp r12, 3
        jz resume
        mov r12, cont - BASE
        mtcr epc, r12
resume: iret
        .align 4
vectors: .space 1024 ; every entry → handler (filled in by \`assemble\`)
        .align 4
user_base:
${labels}
L${c.body.length}: nop
cont:   sub r13, r13, 1
        jnz L0 - BASE
        int 0x41
        jmp cont - BASE
`;
}

/** Assemble, and fill the IDT (a 256-label .word line would make the assembler the slowest part). */
function assemble(c: Case): Uint8Array {
	const program = assembleOrThrow(source(c), {file: 'random.s'});
	const bytes = new Uint8Array(program.bytes);
	const words = new DataView(bytes.buffer);
	const vectors = program.labels.get('vectors')!;
	for (let v = 0; v < 256; v++) words.setUint32(vectors + 4 * v, program.labels.get('handler')!, true);
	return bytes;
}

/** Instructions run by translated code, over all programs (the test must not pass by never translating). */
let translated = 0;
interface Outcome {
	state: Record<string, unknown>;
	mem: Uint8Array;
	events: VmEvent[];
	output: string;
}

function runOn(engine: Engine, program: Uint8Array, c: Case, budget: number): Outcome {
	const bus = new EventBus();
	const events: VmEvent[] = [];
	for (const kind of ['exception.raised', 'exception.delivered', 'interrupt.raised', 'interrupt.taken', 'iret', 'io', 'stop'] as const) {
		bus.on(kind, (e) => events.push(e as VmEvent));
	}
	const m = new Machine({memorySize: MEMORY, bus, engine, hot: 2, profile: c.pentium ? pentium : classic});
	m.load(program);
	let left = budget;
	while (left > 0 && !m.stopped) {
		const ran = m.run(Math.min(left, c.chunk));
		if (ran === 0) break;
		left -= ran;
	}
	const state = {
		regs: [...m.regs],
		pc: m.pc,
		flags: m.flags,
		otherSp: m.otherSp,
		control: [0, 1, 2, 3, 4, 5, 6].map((cr) => m.readControl(cr)),
		instret: m.instret,
		cycles: m.cycles,
		idle: m.idle,
		irqPending: m.irqPending,
		timer: [m.timerPeriod, m.timerCountdown],
		halted: m.halted,
		stopped: m.stopped,
		exceptions: [...m.exceptionCounts].flatMap((n, v) => (n > 0 ? [[v, n]] : [])),
	};
	if (m.jit) translated += m.jit.stats.translated;
	return {state, mem: m.mem, events, output: m.takeOutput()};
}

describe('interpreter and translating engine agree (differential, random programs)', () => {
	it('state for state on 1,000 random programs', () => {
		let programs = 0;
		fc.assert(
			fc.property(cases, (c) => {
				const program = assemble(c);
				const interp = runOn('interp', program, c, BUDGET);
				const jit = runOn('jit', program, c, BUDGET);
				expect(jit.state).toEqual(interp.state);
				expect(jit.events).toEqual(interp.events);
				expect(jit.output).toBe(interp.output);
				expect(Buffer.compare(jit.mem, interp.mem)).toBe(0);
				programs++;
			}),
			{numRuns: RUNS, endOnFailure: true},
		);
		expect(programs).toBe(RUNS);
		// Most of what ran, ran translated.
		expect(translated).toBeGreaterThan(RUNS * 1000);
	}, 120_000);
});
