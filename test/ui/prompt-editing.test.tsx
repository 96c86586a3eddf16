/**
 * The filter prompt edits its line the readline way, and Esc in the main
 * view clears the filter in force (issue 16 §5.3).
 */
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {editLine, insertText} from '../../source/ui/line-edit.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {syscallJourney, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function mount(description = {}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	const r = render(<Dashboard store={store} controller={controller} />);
	/** Keys through the terminal, one read each. */
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			r.stdin.write(k);
			await tick();
		}
		sched.advance(40);
		await tick();
		return {snap: store.getSnapshot(), frame: r.lastFrame() ?? ''};
	};
	return {source, press};
}

const CTRL_A = '\x01';
const CTRL_E = '\x05';
const CTRL_U = '\x15';
const CTRL_W = '\x17';

describe('the filter prompt', () => {
	test('Ctrl-U clears the draft instead of typing u', async () => {
		const {press} = mount();
		await press('f', 'write');
		const {snap, frame} = await press(CTRL_U);
		expect(snap.filter.draft).toBe('');
		expect(frame).toMatch(/filter› {2}/);
		expect(frame).not.toContain('filter› u');
	});

	test('Ctrl-W deletes the word before the caret', async () => {
		const {press} = mount();
		await press('f', 'kind:vmm write');
		expect((await press(CTRL_W)).snap.filter.draft).toBe('kind:vmm ');
		expect((await press(CTRL_W)).snap.filter.draft).toBe('');
	});

	test('Ctrl-A and Ctrl-E move the caret to the start and the end; typing goes there', async () => {
		const {press} = mount();
		await press('f', 'vmm');
		await press(CTRL_A, 'kind:');
		let {snap} = await press();
		expect(snap.filter).toMatchObject({draft: 'kind:vmm', caret: 5});
		({snap} = await press(CTRL_E, '|cli'));
		expect(snap.filter).toMatchObject({draft: 'kind:vmm|cli', caret: 12});
		// Ctrl-U with the caret inside deletes only what is before it.
		({snap} = await press(CTRL_A, '\x1b[C', '\x1b[C', '\x1b[C', '\x1b[C', '\x1b[C', CTRL_U));
		expect(snap.filter).toMatchObject({draft: 'vmm|cli', caret: 0});
	});

	test('Esc in the main view clears an active filter', async () => {
		const {source, press} = mount({vmm: 'trap'});
		source.emit(...syscallJourney(100), ...vmmJourney(500));
		let {snap} = await press('f', 'kind:vmm', '\r');
		expect(snap.filter.active).toBe('kind:vmm');
		expect(snap.history.rows.every((r) => r.kind.startsWith('vmm.'))).toBe(true);
		({snap} = await press('\x1b'));
		expect(snap.filter.active).toBe('');
		expect(snap.history.rows.some((r) => r.kind === 'os.syscall')).toBe(true);
	});
});

describe('editLine', () => {
	test('each key edits the line as readline does', () => {
		const line = {text: 'level:cpu os', caret: 12};
		expect(editLine(line, 'ctrl-w')).toEqual({text: 'level:cpu ', caret: 10});
		expect(editLine({text: 'ab cd  ', caret: 7}, 'ctrl-w')).toEqual({text: 'ab ', caret: 3});
		expect(editLine({text: 'abc', caret: 1}, 'backspace')).toEqual({text: 'bc', caret: 0});
		expect(editLine({text: 'abc', caret: 0}, 'backspace')).toEqual({text: 'abc', caret: 0});
		expect(editLine({text: 'abc', caret: 2}, 'ctrl-u')).toEqual({text: 'c', caret: 0});
		expect(editLine({text: 'abc', caret: 3}, 'left')).toEqual({text: 'abc', caret: 2});
		expect(editLine({text: 'abc', caret: 3}, 'right')).toEqual({text: 'abc', caret: 3});
		expect(editLine(line, 'x')).toBeNull();
		expect(insertText({text: 'ac', caret: 1}, 'b')).toEqual({text: 'abc', caret: 2});
		// A character beyond the BMP is one character to Backspace and the arrows.
		expect(editLine({text: 'a🙂', caret: 3}, 'backspace')).toEqual({text: 'a', caret: 1});
		expect(editLine({text: 'a🙂', caret: 3}, 'left')).toEqual({text: 'a🙂', caret: 1});
		expect(editLine({text: 'a🙂', caret: 1}, 'right')).toEqual({text: 'a🙂', caret: 3});
	});
});
