/** The replay engine behind the dashboard's replay driver: stepping, seeking, rewinding, pacing. */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {eventKinds} from '../../source/bus/events.js';
import type {TraceEvent} from '../../source/trace/format.js';
import type {Scheduler} from '../../source/driver/pacing.js';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {fake, tempDir} from '../trace/helpers.js';

const tmp = tempDir();
let reader: TraceReader;
let all: TraceEvent[];

/** A clock that only moves when told to. */
class FakeClock implements Scheduler {
	t = 0;
	private queue: Array<{at: number; fn: () => void; id: number}> = [];
	private id = 0;
	now = (): number => this.t;
	after = (ms: number, fn: () => void): (() => void) => this.add(this.t + ms, fn);
	soon = (fn: () => void): (() => void) => this.add(this.t, fn);
	private add(at: number, fn: () => void): () => void {
		const id = ++this.id;
		this.queue.push({at, fn, id});
		return () => (this.queue = this.queue.filter((q) => q.id !== id));
	}
	/** Advance by `ms`, running what falls due. */
	advance(ms: number): void {
		const end = this.t + ms;
		for (;;) {
			this.queue.sort((a, b) => a.at - b.at);
			const next = this.queue[0];
			if (!next || next.at > end) break;
			this.queue.shift();
			this.t = Math.max(this.t, next.at);
			next.fn();
		}
		this.t = end;
	}
}

/** What a dashboard store would hold: everything since the last generation change. */
function listen(player: ReplayDriver): {seen: TraceEvent[]} {
	const box = {seen: [] as TraceEvent[]};
	let generation = player.generation;
	let off = player.bus.onMany(eventKinds, (e) => box.seen.push(e));
	player.onChange(() => {
		if (player.generation !== generation) {
			generation = player.generation;
			off();
			box.seen = [];
			off = player.bus.onMany(eventKinds, (e) => box.seen.push(e));
		}
	});
	return box;
}

beforeAll(async () => {
	const sim = fake();
	const {recording} = startRecording(sim, tmp.path('t.jsonl'), {detail: 'full', sampleEvery: 50});
	await recordLoop(sim, recording);
	reader = await TraceReader.open(tmp.path('t.jsonl'), {blockSize: 16});
	all = [...new TraceCursor(reader).range(0, reader.length)];
});
afterAll(() => {
	reader.close();
	tmp.cleanup();
});

const bus = (events: TraceEvent[]): TraceEvent[] => events.filter((e) => e.kind !== 'cpu.sample');

describe('ReplayDriver', () => {
	test('starts before the first event; step and step back move by one', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		const box = listen(player);
		expect(player.events).toBe(0);
		expect(player.state.mode).toBe('paused');
		player.step();
		player.step();
		expect(player.events).toBe(2);
		expect(box.seen).toEqual(bus(all.slice(0, 2)));
		expect(player.state.detail).toBe(true);
		const generation = player.generation;
		player.stepBack();
		expect(player.events).toBe(1);
		expect(player.generation).toBe(generation + 1);
		expect(box.seen).toEqual(bus(all.slice(0, 1)));
		expect(player.instret).toBe(all[0]!.instret);
		player.dispose();
	});

	test('s and b move by one instruction, not one event (issue 16 bug 11)', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		const instructions = all.map((e, i) => (e.kind === 'instruction' ? i + 1 : -1)).filter((n) => n > 0);
		// Start on an exception's delivery: the next events are not instructions.
		const raised = all.findIndex((e) => e.kind === 'exception.raised');
		player.seek(raised + 1);
		const after = instructions.find((n) => n > raised + 1)!;
		expect(after).toBeGreaterThan(raised + 2); // more than one event to the next instruction
		player.step();
		expect(player.events).toBe(after);
		expect(all[player.events - 1]!.kind).toBe('instruction');
		player.step();
		expect(player.events).toBe(instructions.find((n) => n > after));
		player.stepBack();
		expect(player.events).toBe(after);
		player.stepBack();
		expect(player.events).toBe(instructions.filter((n) => n < after).at(-1));
		player.dispose();
	});

	test('seek to an event number, forward and back, sends exactly the events before it', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		const box = listen(player);
		for (const n of [100, 37, 250, 1, reader.length, 0]) {
			player.seek(n);
			expect(player.events).toBe(n);
			expect(box.seen).toEqual(bus(all.slice(0, n)));
			expect(player.cycle).toBe(n > 0 ? all[n - 1]!.cycle : 0);
		}
		player.dispose();
	});

	test('a long jump re-sends only the window, and says so', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock(), rewindWindow: 40});
		const box = listen(player);
		player.seek(200);
		expect(box.seen).toEqual(bus(all.slice(160, 200)));
		expect(player.notice).toMatch(/count from event 161/);
		player.dispose();
	});

	test('seek by cycle: the first event at or after it', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		const target = all[123]!.cycle;
		player.seekCycle(target);
		const k = all.findIndex((e) => e.cycle >= target);
		expect(player.events).toBe(k + 1);
		player.seekCycle(Number.MAX_SAFE_INTEGER);
		expect(player.events).toBe(all.length);
		expect(player.stopped?.message).toMatch(/^end of trace: powered off/);
		player.dispose();
	});

	test('g takes the instruction count the rows show; #N is an event, cN a cycle', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		// A row from the middle of the trace, in a later block than the first.
		const row = all[200]!;
		expect(row.instret).not.toBe(200);
		expect(player.goto(String(row.instret))).toBeNull();
		const k = all.findIndex((e) => e.instret >= row.instret);
		expect(player.events).toBe(k + 1);
		expect(player.instret).toBe(row.instret);
		expect(player.goto(`#${row.instret}`)).toBeNull();
		expect(player.events).toBe(Math.min(row.instret, all.length));
		expect(player.goto('#37')).toBeNull();
		expect(player.events).toBe(37);
		expect(player.goto(`c${all[50]!.cycle}`)).toBeNull();
		expect(player.events).toBe(all.findIndex((e) => e.cycle >= all[50]!.cycle) + 1);
		expect(player.goto('x')).toMatch(/instruction count as the rows show \(1234\), an event \(#1234\)/);
		player.dispose();
	});

	test('] and [ (and n) go to the next and previous exception, stopping after its delivery (issue 16 bug 11)', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		// Each exception's stop: just after its exception.delivered.
		const raised = all
			.map((e, i) => (e.kind === 'exception.raised' ? all.findIndex((d, j) => j > i && d.kind === 'exception.delivered') + 1 : -1))
			.filter((n) => n > 0);
		expect(all[raised[0]! - 1]!.kind).toBe('exception.delivered');
		expect(raised.length).toBeGreaterThan(3);
		player.nextException();
		expect(player.events).toBe(raised[0]);
		player.nextException();
		expect(player.events).toBe(raised[1]);
		player.nextException();
		player.prevException();
		expect(player.events).toBe(raised[1]);
		player.prevException();
		expect(player.events).toBe(raised[0]);
		player.prevException();
		expect(player.events).toBe(raised[0]);
		expect(player.notice).toBe('no exception before this one');
		player.dispose();
	});

	test('runs paced by instructions per second, and at max to the end', () => {
		const clock = new FakeClock();
		const player = new ReplayDriver(reader, {speed: 100, clock});
		const box = listen(player);
		clock.advance(1000);
		// 100 instructions per second: a second of replay reaches about instruction 100.
		expect(player.instret).toBeGreaterThanOrEqual(90);
		expect(player.instret).toBeLessThanOrEqual(101);
		player.setSpeed('max');
		clock.advance(1000);
		expect(player.events).toBe(all.length);
		expect(player.state.mode).toBe('stopped');
		expect(box.seen.filter((e) => e.kind !== 'instruction')).toEqual(bus(all).filter((e) => e.kind !== 'instruction'));
		player.dispose();
	});

	test('symbolizes from the header tables', () => {
		const player = new ReplayDriver(reader, {paused: true, clock: new FakeClock()});
		const loop = reader.header.symbols['test.s']!['wait']!;
		expect(player.symbolize(-1, true, loop + 4)).toBe('wait+0x4');
		expect(player.guests()).toEqual([{index: -1, name: 'test', state: 'running', instructions: 0}]);
		player.dispose();
	});
});

test('an event-only trace never claims every instruction; s says it moves one event (issue 16 bug 11)', async () => {
	const sim = fake();
	const {recording} = startRecording(sim, tmp.path('events.jsonl'), {detail: 'exceptions', sampleEvery: 50});
	await recordLoop(sim, recording);
	const events = await TraceReader.open(tmp.path('events.jsonl'), {blockSize: 16});
	const player = new ReplayDriver(events, {paused: true, clock: new FakeClock(), speed: 100});
	expect(player.hasInstructions).toBe(false);
	expect(player.state.detail).toBe(false);
	player.step();
	expect(player.events).toBe(1);
	expect(player.state.detail).toBe(false);
	expect(player.notice).toMatch(/no instruction events .* move one event/);
	player.dispose();
	events.close();
});
