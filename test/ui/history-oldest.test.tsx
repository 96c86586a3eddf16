/**
 * Home and PgUp near the oldest row kept fill the history with rows, not
 * blank lines (issue 16 §5.2: a paused pentium `--vmm trap` run showed one
 * row and 17 blank lines).
 */
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function mount() {
	const source = new FakeSource({vmm: 'trap', isa: 'pentium'});
	source.mode = 'paused';
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	for (let i = 0; i < 20; i++) source.emit(...vmmJourney(1000 + i * 100, 0, i % 2 ? 'popf' : 'pushf'));
	const r = renderAt(<Dashboard store={store} controller={controller} />, 120, 35);
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			r.stdin.write(k);
			await tick();
			sched.advance(40);
			await tick();
		}
		sched.advance(40);
		await tick();
		return {snap: store.getSnapshot(), frame: r.lastFrame()};
	};
	return {store, press};
}

/** History lines of a frame: between the column heading and the cooperation panel. */
function historyLines(frame: string): string[] {
	const lines = frame.split('\n');
	const from = lines.findIndex((l) => l.includes('CPU (fetch-execute)')) + 1;
	const to = lines.findIndex((l) => l.startsWith('─ Vertical cooperation'));
	return lines.slice(from, to);
}

describe('the oldest rows', () => {
	test('Home selects the oldest row and fills the view with the rows after it', async () => {
		const {store, press} = mount();
		const {snap, frame} = await press('\x1b[H');
		const viewport = store.ui.viewport;
		expect(viewport).toBeGreaterThan(10);
		expect(snap.history.cursor).toBe(snap.history.rows[0]!.seq);
		expect(snap.history.rows).toHaveLength(viewport);
		const lines = historyLines(frame);
		expect(lines).toHaveLength(viewport);
		expect(lines.filter((l) => l.trim() === '')).toEqual([]);
	});

	test('PgUp up to the oldest row keeps a full page', async () => {
		const {store, press} = mount();
		const {snap} = await press(...Array<string>(8).fill('\x1b[5~'));
		expect(snap.history.cursor).toBe(0);
		expect(snap.history.rows).toHaveLength(store.ui.viewport);
		expect(snap.history.rows.some((r) => r.seq === snap.history.cursor)).toBe(true);
		expect(snap.history.rows[0]!.seq).toBe(0);
	});
});
