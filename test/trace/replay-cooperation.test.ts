/** Stepping back in a replay: the cooperation panel shows the past it went back to, never the future (issue 16 bug 11). */
import {afterAll, beforeAll, expect, test} from 'vitest';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import type {TraceEvent} from '../../source/trace/format.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';
import {fake, tempDir} from './helpers.js';

const tmp = tempDir();
let reader: TraceReader;
let all: TraceEvent[];

beforeAll(async () => {
	const sim = fake();
	const {recording} = startRecording(sim, tmp.path('t.jsonl'), {detail: 'full', sampleEvery: 50});
	await recordLoop(sim, recording);
	reader = await TraceReader.open(tmp.path('t.jsonl'));
	all = [...new TraceCursor(reader).range(0, reader.length)];
});
afterAll(() => {
	reader.close();
	tmp.cleanup();
});

function at(position: number, from?: number) {
	const sched = new ManualScheduler();
	const player = new ReplayDriver(reader, {paused: true, clock: sched});
	const store = new DashboardStore(player, {scheduler: sched});
	if (from !== undefined) {
		player.seek(from);
		sched.advance(40);
		store.getSnapshot();
	}
	player.seek(position);
	sched.advance(40);
	const view = store.getSnapshot().cooperation;
	player.dispose();
	return view && {vector: view.vector, steps: view.steps, total: view.total, complete: view.complete};
}

test('after going back, the cooperation panel is the one of the moment gone back to', () => {
	const raised = all.map((e, i) => (e.kind === 'exception.raised' ? i : -1)).filter((i) => i >= 0);
	expect(raised.length).toBeGreaterThan(2);
	// Just after the second exception was raised: its journey has barely begun.
	const back = raised[1]! + 1;
	const direct = at(back);
	expect(direct?.complete).toBe(false);
	// The same moment reached by going back from after the third exception.
	expect(at(back, raised[2]! + 30)).toEqual(direct);
	// And by b from one instruction later.
	const sched = new ManualScheduler();
	const player = new ReplayDriver(reader, {paused: true, clock: sched});
	const store = new DashboardStore(player, {scheduler: sched});
	player.seek(raised[1]! + 40);
	sched.advance(40);
	const later = store.getSnapshot().cooperation!;
	while (player.events > back) {
		player.stepBack();
		sched.advance(40);
	}
	const view = store.getSnapshot().cooperation!;
	expect(view.steps.length).toBeLessThanOrEqual(later.steps.length);
	player.dispose();
});
