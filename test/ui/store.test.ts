import {describe, expect, test} from 'vitest';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {setViewport, toggleHelp} from '../../source/ui/store/store-actions.js';
import {consoleText, instruction, syscallJourney, timerBurst, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

function setup(options: {historySize?: number} = {}, description = {}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched, historySize: options.historySize});
	let notified = 0;
	store.subscribe(() => notified++);
	return {source, sched, store, notifications: () => notified};
}

/**
 * A store at max speed drawing a quarter of the time, whose listener draws as React does: `draw` runs in a
 * microtask queued by the listener (Ink reports its part, layout effects ask for frames, from there).
 */
function drawnFlatOut(draw: (store: DashboardStore, sched: ManualScheduler, frames: number) => void) {
	const source = new FakeSource();
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched, renderShare: 0.25});
	let frames = 0;
	store.subscribe(() => {
		frames++;
		queueMicrotask(() => draw(store, sched, frames));
	});
	source.setSpeed('max');
	return {source, sched, store, frames: () => frames};
}

describe('DashboardStore', () => {
	test('a burst of 100k events produces a bounded number of snapshots', () => {
		const {source, sched, store, notifications} = setup();
		source.speed = 'max';
		source.changed();
		const before = store.snapshots;
		for (let i = 0; i < 100_000; i++) source.emit(...timerBurst(1, i));
		expect(notifications()).toBe(0); // nothing until the frame timer fires
		sched.advance(40);
		expect(notifications()).toBe(1);
		expect(store.snapshots - before).toBe(1);
		// Another burst spread over 1 simulated second: at most ~30 frames, not 100k.
		for (let ms = 0; ms < 1000; ms++) {
			for (let i = 0; i < 100; i++) source.emit(...timerBurst(1, 200_000 + ms * 100 + i));
			sched.advance(1);
		}
		sched.advance(40);
		expect(notifications()).toBeLessThanOrEqual(1 + 32);
		expect(notifications()).toBeGreaterThan(20);
	});

	test('flat out, frames are spaced by their cost; a key is answered at once', async () => {
		const {source, sched, store, notifications} = setup();
		source.setSpeed('max');
		sched.flush(); // the key's frame, at once
		await Promise.resolve(); // the microtask that measures the frame (it cost nothing here)
		sched.advance(40);
		const base = notifications();
		store.reportRender(25); // drawn later by the renderer: 25 ms, at most a twentieth of the time → one per 500 ms
		source.emit(...timerBurst(1, 10));
		sched.advance(400);
		expect(notifications()).toBe(base);
		sched.advance(150);
		expect(notifications()).toBe(base + 1);
		source.emit(...timerBurst(1, 20));
		toggleHelp(store); // a key: no waiting for the frame
		sched.advance(0);
		expect(notifications()).toBe(base + 2);
		expect(store.getSnapshot().help).toBe(true);
		source.setSpeed(300); // at human speed, ~30 frames per second again
		source.emit(...timerBurst(1, 30));
		sched.advance(40);
		expect(notifications()).toBe(base + 3);
	});

	test('flat out, the whole frame is measured once: what the listeners draw in their microtasks, and a render reported meanwhile is not counted twice', async () => {
		// As React does: the render runs in a microtask queued by the listener; Ink reports its part from inside it.
		const {source, sched, store, frames} = drawnFlatOut((drawing, clock) => {
			clock.time += 40;
			drawing.reportRender(30);
		});
		sched.advance(0); // the key's frame (urgent)
		await Promise.resolve();
		await Promise.resolve();
		expect(frames()).toBe(1);
		const drawn = sched.time; // the frame cost 40 ms in all: next one 160 ms after it began, not (40 + 30) / 0.25
		source.emit(...timerBurst(1, 10));
		sched.advance(drawn - 40 + 159 - sched.time);
		expect(frames()).toBe(1);
		sched.advance(1);
		expect(frames()).toBe(2);
		store.dispose();
	});

	test('a layout change (the viewport) is drawn at once at human speed, with the next frame flat out', async () => {
		const {source, sched, store, notifications} = setup();
		sched.flush();
		const base = notifications();
		setViewport(store, 12);
		sched.advance(0);
		expect(notifications()).toBe(base + 1);
		expect(store.getSnapshot().history.rows.length).toBeLessThanOrEqual(12);
		source.setSpeed('max');
		sched.flush(); // the key's frame
		await Promise.resolve();
		store.reportRender(10); // frames cost 10 ms: one per 200 ms flat out
		setViewport(store, 8);
		sched.advance(0);
		expect(notifications()).toBe(base + 2); // not drawn twice
		sched.advance(200);
		expect(notifications()).toBe(base + 3);
		expect(store.ui.viewport).toBe(8);
	});

	test('a frame asked for while one is drawn waits as long as the one drawn says', async () => {
		// React draws in a microtask and runs its layout effects there: a panel grew, a frame is asked for.
		const {sched, store, frames} = drawnFlatOut((drawing, clock, drawn) => {
			clock.time += 50;
			setViewport(drawing, 10 + drawn);
		});
		sched.flush();
		await Promise.resolve();
		await Promise.resolve();
		expect(frames()).toBe(1);
		const drawnAt = sched.time - 50; // it began then and cost 50 ms: the next one 200 ms after it began
		sched.advance(drawnAt + 199 - sched.time);
		expect(frames()).toBe(1);
		sched.advance(1);
		expect(frames()).toBe(2);
		store.dispose();
	});

	test('the snapshot is the same object between notifications', () => {
		const {source, sched, store} = setup();
		const a = store.getSnapshot();
		source.emit(...syscallJourney());
		expect(store.getSnapshot()).toBe(a);
		sched.advance(40);
		expect(store.getSnapshot()).not.toBe(a);
	});

	test('history is a bounded ring; rows are oldest first, console bytes are not rows', () => {
		const {source, sched, store} = setup({historySize: 50});
		for (let i = 0; i < 200; i++) source.emit(instruction(i, 4 * i, true));
		source.emit(consoleText('hi\n', 200));
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.history.kept).toBe(50);
		expect(snap.history.rows.length).toBe(20); // the default viewport
		expect(snap.history.rows.at(-1)!.instret).toBe(199);
		expect(snap.history.rows[0]!.instret).toBe(180);
		expect(snap.consoles[0]!.text).toBe('hi\n');
	});

	test('listens to `instruction` only while the source wants detail', () => {
		const {source, store} = setup();
		expect(source.bus.wanted.instruction).toBe(true); // 300/s
		source.setSpeed('max');
		expect(source.bus.wanted.instruction).toBe(false);
		source.step();
		expect(source.bus.wanted.instruction).toBe(true);
		store.dispose();
		expect(source.bus.wanted.instruction).toBe(false);
		expect(source.bus.wanted['exception.raised']).toBe(false);
	});

	test('a new generation (restart) clears the history and listens to the new bus', () => {
		const {source, sched, store} = setup();
		source.emit(...syscallJourney());
		sched.advance(40);
		expect(store.getSnapshot().history.rows.length).toBeGreaterThan(0);
		const oldBus = source.bus;
		source.restart({vmm: 'trap'});
		expect(oldBus.wanted['exception.raised']).toBe(false);
		source.emit(...vmmJourney());
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.history.rows.map((r) => r.kind)).toEqual(['exception.raised', 'vmm.intercept', 'vmm.emulate', 'vmm.resume']);
		expect(snap.status.description.vmm).toBe('trap');
		expect(snap.history.showVmm).toBe(true);
	});

	test('counts VMM exits by reason with mean cycles, and the status event number', () => {
		const {source, sched, store} = setup({}, {vmm: 'trap'});
		source.emit(...vmmJourney(500, 0, 'cli'), ...vmmJourney(2000, 0, 'cli'), ...vmmJourney(3000, 1, 'out'));
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.exitTotal).toBe(3);
		expect(snap.exits[0]).toMatchObject({reason: 'cli', count: 2, meanCycles: 1100});
		expect(snap.exits[1]).toMatchObject({reason: 'out', count: 1});
		expect(snap.status.event).toBe(12);
		expect(snap.spark.label).toBe('VMM entries/s');
	});

	test('the cooperation panel follows the newest exception', () => {
		const {source, sched, store} = setup();
		source.emit(...syscallJourney(100));
		sched.advance(40);
		const coop = store.getSnapshot().cooperation!;
		expect(coop.vector).toBe('int 0x80');
		expect(coop.complete).toBe(true);
		expect(coop.steps.map((s) => s.title)).toEqual([
			'fetch-execute (CPU)',
			'exception',
			'fetch-execute (CPU)',
			'fetch-execute (OS)',
			'return from exception',
		]);
	});
});
