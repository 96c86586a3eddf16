/**
 * Test doubles for the trace tests: a Simulation around a bare V32 program
 * (the scenario builder is someone else's; this is just enough to record), and
 * small file helpers.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gunzipSync} from 'node:zlib';
import {EventBus} from '../../source/bus/event-bus.js';
import {defaultCosts} from '../../source/cpu/costs.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import type {Simulation} from '../../source/sim/simulation.js';

/**
 * A small bare program with something at every level the CPU has: a fault
 * (#DE), a trap (brk), timer interrupts, console output, `iret`, power-off.
 * Ours, not a sample's, so that samples can change without breaking these tests.
 */
export const traps = `
        .equ CONSOLE, 0x10
        .equ TIMER, 0x20
        .equ POWER, 0xF0
_start: mov sp, 0x80000
        mov r1, vectors
        lidt r1
        mov r1, 7
        mov r2, 0
de_site: div r3, r1, r2
after_de: brk
        mov r6, 0
        out TIMER, 40
        sti
wait:   cmp r6, 5
        jb wait
        cli
        out TIMER, 0
        mov r1, done
        call puts
        out POWER, 0
on_de:  mov r1, after_de
        mtcr epc, r1
        out CONSOLE, 'D'
        iret
on_bp:  out CONSOLE, 'B'
        iret
on_timer: add r6, r6, 1
        out CONSOLE, 'T'
        iret
puts:   ldb r2, [r1]
        cmp r2, 0
        jz puts_end
        out CONSOLE, r2
        add r1, r1, 1
        jmp puts
puts_end: ret
done:   .asciz "\\ndone\\n"
        .align 4
vectors: .word on_de, 0, 0, on_bp
        .space 112
        .word on_timer
`;

/** Loops long enough for a limit to stop it. */
export const spin = `
_start: mov r1, 0
loop:   add r1, r1, 1
        cmp r1, 0x7fffffff
        jb loop
        out 0xF0, 0
`;

export interface FakeSpec {
	kind: 'bare-test';
	source: string;
}

/** A bare program as a Simulation; `spec` is the source, so `buildFake(spec)` rebuilds it. */
export function buildFake(spec: FakeSpec): Simulation {
	const program = assembleOrThrow(spec.source, {file: 'test.s'});
	const bus = new EventBus();
	const machine = new Machine({bus});
	machine.load(program.bytes);
	machine.pc = program.entry;
	const labels = Object.fromEntries(program.labels);
	return {
		machine,
		bus,
		description: {name: 'test', isa: 'classic', vmm: 'none', type: 1, guests: 1, costs: {...defaultCosts}},
		spec,
		symbolize: (_g, _s, pc) => `0x${pc.toString(16)}`,
		symbolTables: () => ({'test.s': labels}),
		codeMap: () => [{start: 0, size: program.bytes.length, symbols: 'test.s', guest: -1, pid: 0}],
		pushInput: (text) => machine.pushInput(text),
		guests: () => [{index: 0, name: 'test', state: machine.stopped ? 'stopped' : 'running', instructions: machine.instret}],
		run: (n) => machine.run(n),
		get stopped() {
			return machine.stopped;
		},
		takeOutput: () => machine.takeOutput(),
		stop: (reason, code, message) => machine.stop(reason, code, message),
		get instret() {
			return machine.instret;
		},
	};
}

export function fake(source = traps): Simulation {
	return buildFake({kind: 'bare-test', source});
}

export function tempDir(): {dir: string; path: (name: string) => string; cleanup: () => void} {
	const dir = mkdtempSync(join(tmpdir(), 'vmtop-trace-test-'));
	return {dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

/** The lines of a trace file, decompressed if needed. */
export function lines(file: string): string[] {
	let data = readFileSync(file);
	if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
	return data.toString('utf8').split('\n').filter((l) => l.length > 0);
}

export function writeLines(file: string, text: string[]): void {
	writeFileSync(file, text.map((l) => l + '\n').join(''));
}
