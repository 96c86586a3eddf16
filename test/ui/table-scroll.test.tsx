/**
 * A focused table scrolls, so every exit reason and every guest can be
 * reached; a table squeezed to no rows keeps its heading whole (issue 16 §5.4).
 */
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {tableWindow} from '../../source/ui/table-window.js';
import {vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));
const reasons = ['cli', 'sti', 'out', 'in', 'hlt', 'lidt', 'mov_cr3', 'iret', 'pushf', 'popf', 'sidt', 'smsw', 'lgdt', 'wrmsr'];
const TAB = '\t';
const DOWN = '\x1b[B';
const UP = '\x1b[A';
const END = '\x1b[F';
const HOME = '\x1b[H';

/** `--vmm pv --vms 2 --type 2` with many exit reasons, at 120×35. */
function mount(guests = 2) {
	const source = new FakeSource({vmm: 'pv', type: 2, guests});
	source.guestList = Array.from({length: guests}, (_, i) => ({index: i, name: `vm${i}`, state: 'running', instructions: 1000 * (i + 1)}));
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	// Reason k happens k+1 times: sorted by count, wrmsr first and cli last.
	reasons.forEach((reason, k) => {
		for (let j = 0; j <= k; j++) source.emit(...vmmJourney(1000 * (k * 20 + j + 1), 0, reason));
	});
	const controller = new Controller(store, {quit: () => {}});
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
		return r.lastFrame();
	};
	return {source, store, press};
}

/** The rows of the exit-reason table in a frame: `│ reason │ count │…`. */
const reasonRows = (frame: string) =>
	frame
		.split('\n')
		.map((l) => /│ ([a-z_0-9]+)\s+│\s+\d+ │/.exec(l)?.[1])
		.filter((r): r is string => r !== undefined);

describe('scrolling a focused table', () => {
	test('the exit reasons scroll down to the last one and back up', async () => {
		const {press} = mount();
		const start = await press(TAB);
		expect(start).toContain('▶ Exit reasons');
		const first = reasonRows(start);
		expect(first[0]).toBe('wrmsr');
		expect(first).not.toContain('cli');
		expect(start).toMatch(new RegExp(`reasons 1–${first.length} of ${reasons.length}`));
		const one = reasonRows(await press(DOWN));
		expect(one).toEqual([...first.slice(1), reasons.at(-first.length - 1)]);
		const end = reasonRows(await press(END));
		expect(end.at(-1)).toBe('cli');
		expect(end).toHaveLength(first.length);
		// Up from the end moves at once: no dead keys past the last row.
		expect(reasonRows(await press(UP)).at(-1)).toBe('sti');
		expect(reasonRows(await press(HOME))).toEqual(first);
	});

	test('unfocused, the table says how many more there are and how to reach them', async () => {
		const {press} = mount();
		const frame = await press();
		const shown = reasonRows(frame).length;
		expect(frame).toContain(`+${reasons.length - shown} more reasons — tab focuses the table`);
		// The history still takes ↓ while it has the focus.
		expect(reasonRows(await press(DOWN))[0]).toBe('wrmsr');
	});

	test('with the console focused, the squeezed table keeps a whole line, no broken heading', async () => {
		const {press} = mount();
		const frame = await press(TAB, TAB, TAB);
		expect(frame).toContain('▶ Console');
		const lines = frame.split('\n');
		const note = lines.find((l) => l.includes('more reasons'));
		expect(note).toBeDefined();
		expect(note).not.toMatch(/│ %|\/s │|mean cyc/);
		expect(note).toContain(`+${reasons.length} more reasons`);
	});

	test('the guests table scrolls to the last guest', async () => {
		const {press} = mount(7);
		const start = await press(TAB, TAB);
		expect(start).toContain('▶ Guests (7)');
		// Sorted by INSTR: vm6 (7000) first, vm0 (1000) last.
		expect(start).toMatch(/ vm6\s+running/);
		expect(start).not.toMatch(/ vm0\s+running/);
		expect(start).toMatch(/guests 1–3 of 7/);
		const end = await press(END);
		expect(end).toMatch(/ vm0\s+running/);
		expect(end).not.toMatch(/ vm6\s+running/);
		expect(end).toMatch(/guests 5–7 of 7/);
	});
});

describe('tableWindow', () => {
	test('all rows when they fit; otherwise a window and a note line', () => {
		expect(tableWindow(5, 5, 3)).toEqual({start: 0, rows: 5, note: false});
		expect(tableWindow(5, 9, 0)).toEqual({start: 0, rows: 4, note: true});
		expect(tableWindow(5, 9, 99)).toEqual({start: 5, rows: 4, note: true});
		expect(tableWindow(0, 9, 0)).toEqual({start: 0, rows: 0, note: true});
	});
});
