/**
 * `/` searches in place (issue 16 §5.3): every row stays, the matching ones
 * are highlighted (and marked `*`, visible without colour), the selection
 * goes to the newest match; `n` / `N` go to the next / previous match; esc
 * clears the search. `f` still filters.
 */
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {syscallJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function mount() {
	const source = new FakeSource();
	source.mode = 'paused';
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	source.emit(...syscallJourney(100, 1), ...syscallJourney(200, 2), ...syscallJourney(300, 3));
	const r = renderAt(<Dashboard store={store} controller={controller} />, 120, 35);
	const settle = async () => {
		await tick();
		sched.advance(40);
		await tick();
	};
	const type = async (...keys: string[]) => {
		for (const k of keys) {
			r.stdin.write(k);
			await tick();
			sched.advance(40);
			await tick();
		}
		return {snap: store.getSnapshot(), frame: r.lastFrame()};
	};
	return {store, type, settle};
}

/** The system call events (`pid 1: write(…)`) kept, by event number. */
function writes(store: DashboardStore): number[] {
	const out: number[] = [];
	for (let s = store.ring.first; s < store.ring.end; s++) if (store.ring.get(s)?.kind === 'os.syscall') out.push(s);
	return out;
}

describe('/ searches in place', () => {
	test('every row stays; the matches are marked and the newest is selected', async () => {
		const {store, type, settle} = mount();
		await settle();
		const before = store.getSnapshot().history.rows.length;
		const {snap, frame} = await type('/', 'write', '\r');
		expect(snap.history.rows).toHaveLength(before);
		const matches = writes(store);
		expect(matches).toHaveLength(3);
		expect(snap.history.cursor).toBe(matches[2]);
		const shown = snap.history.rows.filter((r) => r.match).map((r) => r.seq);
		expect(shown.length).toBeGreaterThanOrEqual(2);
		expect(shown).toEqual(matches.filter((m) => snap.history.rows.some((r) => r.seq === m)));
		// Unselected matches carry `*` in the gutter; the selected one `›`.
		const marked = frame.split('\n').filter((l) => /^\*\s+\d+/.test(l));
		expect(marked).toHaveLength(shown.length - 1);
		for (const l of marked) expect(l).toContain('write(');
		expect(frame).toContain('search: write');
	});

	test('n and N go to the next and the previous match', async () => {
		const {store, type} = mount();
		await type('/', 'write', '\r');
		const [first, second, third] = writes(store);
		expect((await type('N')).snap.history.cursor).toBe(second);
		expect((await type('N')).snap.history.cursor).toBe(first);
		// No older match: the selection stays and the status line says so.
		const none = await type('N');
		expect(none.snap.history.cursor).toBe(first);
		expect(none.snap.flash).toBe('no older match for /write');
		expect((await type('n')).snap.history.cursor).toBe(second);
		expect((await type('n')).snap.history.cursor).toBe(third);
	});

	test('esc follows the newest row again, then clears the search; f still filters', async () => {
		const {store, type} = mount();
		await type('/', 'write', '\r');
		await type('\x1b');
		expect(store.getSnapshot().history.cursor).toBeNull();
		expect(store.getSnapshot().filter.search).toBe('write');
		await type('\x1b');
		expect(store.getSnapshot().filter.search).toBe('');
		expect(store.getSnapshot().history.rows.some((r) => r.match)).toBe(false);
		const {snap} = await type('f', 'write', '\r');
		expect(snap.history.rows.every((r) => r.cells.os.includes('write'))).toBe(true);
	});
});
