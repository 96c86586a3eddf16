import {describe, expect, test} from 'vitest';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {buildBareSimulation} from '../../source/scenario/build.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {faster, formatSpeed, parseSpeed, showsInstructions, slower} from '../../source/driver/speed.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** A loop that traps with `brk` every ~150 instructions, forever. */
const looping = `
_start: mov sp, 0x8000
        mov r1, vectors
        lidt r1
loop:   add r2, r2, 1
        cmp r2, 50
        jl loop
        brk
        mov r2, 0
        jmp loop
on_bp:  iret
vectors: .word 0, 0, 0, on_bp
`;

/** Waits in hlt with interrupts on, for console input (IRQ 1), then echoes it. */
const waiting = `
_start: mov sp, 0x8000
        mov r1, vectors
        lidt r1
        sti
idle:   hlt
        jmp idle
on_key: in r2, 0x11
        out 0x10, r2
        iret
        .org 0x200
vectors: .space 132
        .word on_key
`;

function setup(program: string, options: {speed?: number | 'max'; paused?: boolean} = {}) {
	const build = () => buildBareSimulation(assembleOrThrow(program, {file: 't.s'}), {live: true});
	const sched = new ManualScheduler();
	let builds = 0;
	const driver = new LiveDriver(build(), {
		scheduler: sched,
		speed: options.speed,
		paused: options.paused,
		factory: () => (builds++, build()),
	});
	const store = new DashboardStore(driver, {scheduler: sched});
	return {driver, sched, store, builds: () => builds};
}

describe('speed ladder', () => {
	test('from a human pace up to max and back', () => {
		expect(faster(300)).toBe(1000);
		expect(faster(10_000_000)).toBe('max');
		expect(slower('max')).toBe(10_000_000);
		expect(slower(30)).toBe(30);
		expect(formatSpeed(300)).toBe('300/s');
		expect(formatSpeed(3_000_000)).toBe('3M/s');
		expect(parseSpeed('max')).toBe('max');
		expect(parseSpeed('abc')).toBeUndefined();
		expect(showsInstructions(10_000)).toBe(true);
		expect(showsInstructions(30_000)).toBe(false);
	});
});

describe('LiveDriver', () => {
	test('runs at the speed asked, in turns', () => {
		const {driver, sched} = setup(looping, {speed: 300});
		sched.advance(1000);
		expect(driver.instret).toBeGreaterThan(270);
		expect(driver.instret).toBeLessThanOrEqual(300);
		expect(driver.state).toMatchObject({mode: 'running', detail: true});
	});

	test('paused, it runs nothing; s executes exactly one instruction and shows it', () => {
		const {driver, sched, store} = setup(looping, {speed: 'max', paused: true});
		sched.advance(100);
		expect(driver.instret).toBe(0);
		expect(driver.state.detail).toBe(false);
		driver.step();
		driver.step();
		expect(driver.instret).toBe(2);
		expect(driver.state).toMatchObject({mode: 'paused', detail: true});
		sched.advance(40);
		const rows = store.getSnapshot().history.rows;
		expect(rows.map((r) => r.cells.cpu)).toEqual(['S _start  mov sp, 0x8000', 'S _start+0x8  mov r1, 0x44']);
	});

	test('n runs to the next exception and pauses right after it', () => {
		const {driver, sched, store} = setup(looping, {speed: 'max', paused: true});
		sched.tick = 0.01;
		driver.nextException();
		expect(driver.state.mode).toBe('seeking');
		sched.advance(50);
		expect(driver.state.mode).toBe('paused');
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.cooperation?.vector).toBe('#BP');
		expect(snap.history.rows.at(-1)!.cells.exception).toBe('#BP → on_bp');
		const at = driver.instret;
		driver.nextException();
		sched.advance(50);
		expect(driver.instret - at).toBeGreaterThan(100); // the next brk, one loop later
		expect(driver.instret - at).toBeLessThan(200);
	});

	test('at max it runs flat out but yields every slice', () => {
		const {driver, sched} = setup(looping, {speed: 'max'});
		sched.tick = 1; // each clock read takes a millisecond: turns end on their deadline
		sched.advance(30);
		expect(driver.instret).toBeGreaterThan(50_000);
		expect(driver.state.detail).toBe(false);
		expect(sched.pending).toBe(2); // the next turn and the store's frame
		driver.pause();
		const at = driver.instret;
		sched.advance(30);
		expect(driver.instret).toBe(at);
	});

	test('v/i: restart builds a new run, a new generation, the same speed', () => {
		const {driver, sched, store, builds} = setup(looping, {speed: 1000});
		sched.advance(200);
		expect(store.getSnapshot().history.rows.length).toBeGreaterThan(0);
		driver.restart({isa: 'pentium'});
		expect(builds()).toBe(1);
		expect(driver.generation).toBe(1);
		expect(driver.instret).toBe(0);
		sched.advance(40);
		expect(store.getSnapshot().status.speed).toBe(1000);
		expect(store.getSnapshot().history.kept).toBe(0);
	});

	test('waiting for console input, then typing wakes it', () => {
		const {driver, sched, store} = setup(waiting, {speed: 'max'});
		sched.tick = 0.01;
		sched.advance(30);
		expect(driver.state.mode).toBe('waiting');
		const at = driver.instret;
		driver.pushInput('x', 0);
		sched.advance(30);
		expect(driver.instret).toBeGreaterThan(at);
		sched.advance(40);
		expect(store.getSnapshot().consoles[0]!.text).toBe('x');
	});

	test('dispose leaves nothing scheduled', () => {
		const {driver, sched, store} = setup(looping, {speed: 300});
		store.invalidateAfter(6000); // a message's expiry
		driver.dispose();
		store.dispose();
		expect(sched.pending).toBe(0);
	});
});
