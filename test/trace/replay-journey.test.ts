/**
 * Journey mode in a replay (issue 16 §1, teach2 item 4): `J` on a recorded
 * trace stops at each journey the trace recorded and walks it level by level —
 * the same walk, step for step, as the live run it was recorded from. A trace
 * without journeys says why instead of reading to its end.
 */
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import type {DashboardSource} from '../../source/driver/source.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {Controller} from '../../source/ui/controller.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';
import {sampleScenario} from '../vmm/helpers.js';
import {tempDir} from './helpers.js';

const tmp = tempDir();
const scenario = () => sampleScenario('default', {vmm: 'trap', maxInstructions: 30_000});
let reader: TraceReader;

beforeAll(async () => {
	const sim = buildSimulation(scenario());
	const {recording} = startRecording(sim, tmp.path('trap.jsonl'), {detail: 'full', sampleEvery: 50});
	await recordLoop(sim, recording);
	reader = await TraceReader.open(tmp.path('trap.jsonl'));
});
afterAll(() => {
	reader.close();
	tmp.cleanup();
});

function dashboard(source: DashboardSource, sched: ManualScheduler) {
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	const settle = () => {
		for (let k = 0; k < 200 && store.source.state.mode === 'seeking'; k++) sched.advance(40);
		sched.advance(40);
		return store.getSnapshot();
	};
	return {store, controller, settle};
}

/** The walks of the first `n` journeys with `vector:0x80` (filter), each step's level, title and cell. */
function walks(source: DashboardSource, sched: ManualScheduler, n: number) {
	const {controller, settle} = dashboard(source, sched);
	controller.key('J', 'J');
	settle();
	controller.key('f', 'f');
	controller.key('vector:0x80', 'vector:0x80');
	controller.key('return', '\r');
	const out = [];
	for (let k = 0; k < n; k++) {
		controller.key('n', 'n');
		const walk = settle().journeyWalk!;
		expect(walk.running, `journey ${k + 1} caught`).toBe(false);
		out.push({journey: walk.journey, continuation: walk.continuation, title: walk.title, steps: walk.steps.map((s) => [s.level, s.title, s.cell])});
	}
	return out;
}

test('J in a replay walks the trace’s journeys exactly as the live run it recorded', () => {
	const sched = new ManualScheduler();
	const replay = new ReplayDriver(reader, {paused: true, clock: sched});
	const replayed = walks(replay, sched, 3);
	replay.dispose();

	const liveSched = new ManualScheduler();
	const live = new LiveDriver(buildSimulation(scenario()), {paused: true, scheduler: liveSched});
	const lived = walks(live, liveSched, 3);
	live.dispose();

	expect(replayed.map((w) => w.title)).toEqual(['int 0x80 (trap)', 'int 0x80 (trap)', 'int 0x80 (trap)']);
	for (const w of replayed) {
		expect(w.continuation).not.toBeNull();
		expect(w.steps.map((s) => s[0])).toEqual(expect.arrayContaining(['cpu', 'exception', 'vmm', 'os']));
	}
	// The same journeys, steps and cells; the CPU cell of a replay without the run's memory image (the CLI
	// gives one, this test does not) has no disassembly: it is the live cell's beginning, mode and symbol.
	const cpuless = (ws: typeof replayed) => ws.map((w) => ({...w, steps: w.steps.map((st) => (st[0] === 'cpu' ? [st[0], st[1]] : st))}));
	expect(cpuless(replayed)).toEqual(cpuless(lived));
	replayed.forEach((w, k) => {
		expect(w.steps[0]![2]).toMatch(/^U\/vU \S+$/);
		expect(lived[k]!.steps[0]![2]!.startsWith(`${w.steps[0]![2]}  int 0x80`)).toBe(true);
	});
});

test('→ walks the levels of the replayed journey, N goes back to the previous one', () => {
	const sched = new ManualScheduler();
	const replay = new ReplayDriver(reader, {paused: true, clock: sched});
	const {store, controller, settle} = dashboard(replay, sched);
	controller.key('J', 'J');
	let s = settle();
	const first = s.journeyWalk!;
	expect(first.running).toBe(false);
	expect(first.journey).toBe(1);
	expect(replay.state.mode).toBe('paused');
	for (let k = 1; k < first.steps.length; k++) {
		controller.key('right', '');
		expect(settle().journeyWalk!.step).toBe(k);
	}
	controller.key('n', 'n');
	s = settle();
	expect(s.journeyWalk!.journey).toBeGreaterThan(1);
	controller.key('N', 'N');
	expect(settle().journeyWalk!.journey).toBe(1);
	expect(store.ui.journeyMode).toBe(true);
	replay.dispose();
});

test('a trace without journeys (version 1) says why and reads nothing', async () => {
	const v1 = await TraceReader.open(fileURLToPath(new URL('./fixtures/v1/default.vmtrace.jsonl.gz', import.meta.url)));
	expect(v1.counts['journey.end'] ?? 0).toBe(0);
	const sched = new ManualScheduler();
	const replay = new ReplayDriver(v1, {paused: true, clock: sched});
	const {controller, settle} = dashboard(replay, sched);
	controller.key('J', 'J');
	const s = settle();
	expect(s.status.notice).toBe('journey mode needs the journeys a trace records (trace v2, vmtop record); this one has none: re-record it');
	expect(replay.events).toBe(0);
	expect(replay.state.mode).toBe('paused');
	replay.dispose();
	v1.close();
});
