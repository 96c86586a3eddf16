/**
 * Keys that arrive in one read (typed faster than the screen reads them):
 * Ink hands them over as one input; each must still act (issue 16 §5.1).
 */
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {syscallJourney, timerBurst} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function mount(description = {}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	const r = render(<Dashboard store={store} controller={controller} />);
	/** One read from the terminal holding all of `chunk`. */
	const read = async (chunk: string) => {
		r.stdin.write(chunk);
		await tick();
		sched.advance(40);
		await tick();
		return store.getSnapshot();
	};
	return {source, store, read};
}

describe('several keys in one read', () => {
	test('nnn runs to the next exception three times', async () => {
		const {source, read} = mount();
		await read('nnn');
		expect(source.calls).toEqual(['nextException', 'nextException', 'nextException']);
	});

	test('--- slows down three steps, +++ speeds up three', async () => {
		const {source, read} = mount();
		await read('+++');
		expect(source.calls).toEqual(['speed 1000', 'speed 3000', 'speed 10000']);
		await read('---');
		expect(source.speed).toBe(300);
	});

	test('kkk selects three rows older', async () => {
		const {source, read} = mount();
		source.emit(...timerBurst(10));
		const one = (await read('k')).history.cursor!;
		const three = (await read('kkk')).history.cursor!;
		expect(one).not.toBeNull();
		expect(three).toBe(one - 3);
	});

	test('several Backspaces in the filter each delete one character', async () => {
		const {source, read} = mount();
		source.emit(...syscallJourney(100));
		await read('f');
		expect((await read('writexyz')).filter.draft).toBe('writexyz');
		expect((await read('\x7f\x7f\x7f')).filter.draft).toBe('write');
		const applied = await read('\r');
		expect(applied.filter).toMatchObject({editing: false, active: 'write'});
	});

	test('a character of two UTF-16 units is one key', async () => {
		const {read} = mount();
		await read('f');
		expect((await read('🙂')).filter.draft).toBe('🙂');
		expect((await read('é🙂\r')).filter).toMatchObject({editing: false, active: '🙂é🙂'});
	});

	test('a key that opens the filter passes the rest of the read to it', async () => {
		const {read} = mount();
		const snap = await read('fcli');
		expect(snap.filter).toMatchObject({editing: true, draft: 'cli'});
	});
});
