/**
 * The replay driver mounts the same dashboard as the live core: the player is
 * a DashboardSource. Rendered with ink-testing-library (100 columns).
 */
import {render} from 'ink-testing-library';
import {afterAll, beforeAll, expect, test} from 'vitest';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import type {DashboardSource} from '../../source/driver/source.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';
import {fake, tempDir} from './helpers.js';

const tmp = tempDir();
let reader: TraceReader;

beforeAll(async () => {
	const sim = fake();
	const {recording} = startRecording(sim, tmp.path('t.jsonl.gz'), {detail: 'full', sampleEvery: 50});
	await recordLoop(sim, recording);
	reader = await TraceReader.open(tmp.path('t.jsonl.gz'));
});
afterAll(() => {
	reader.close();
	tmp.cleanup();
});

test('the dashboard shows the replay, with the current event number', async () => {
	// One hand-driven clock for the player and the store: frames come when the test moves it.
	const sched = new ManualScheduler();
	const player = new ReplayDriver(reader, {paused: true, clock: sched});
	const source: DashboardSource = player; // the player is a DashboardSource as it is
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => undefined});
	const r = render(<Dashboard store={store} controller={controller} />);
	/** Let Ink read the keys written, move the clock a frame, let Ink draw. */
	const tick = async (): Promise<void> => {
		await new Promise((resolve) => setImmediate(resolve));
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
	};
	await tick();
	expect(r.lastFrame()).toMatch(/event #0\b/);
	r.stdin.write('s');
	r.stdin.write('s');
	r.stdin.write('s');
	await tick();
	expect(player.events).toBe(3);
	expect(r.lastFrame()).toMatch(/event #3\b/);
	player.seek(40);
	await tick();
	expect(r.lastFrame()).toMatch(/event #40\b/);
	if (process.env["SHOW"]) console.log(r.lastFrame());
	player.stepBack();
	await tick();
	expect(r.lastFrame()).toMatch(/event #39\b/);
	r.stdin.write('n'); // the dashboard's "next exception"
	await tick();
	expect(reader.header.detail).toBe('full');
	expect(player.events).toBeGreaterThan(39);
	r.unmount();
	store.dispose();
	player.dispose();
});
