import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {MIN_COLUMNS, MIN_ROWS, layoutFor} from '../../source/ui/layout.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {consoleText, syscallJourney, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';
import {nativeSnapshot} from './helpers/snapshot.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function mount(description = {}, size?: {columns: number; rows: number}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	let quit = 0;
	const controller = new Controller(store, {quit: () => quit++});
	const tree = <Dashboard store={store} controller={controller} />;
	const r = size ? renderAt(tree, size.columns, size.rows) : render(tree);
	const frame = async () => {
		await tick();
		sched.advance(40);
		await tick();
		return r.lastFrame() ?? '';
	};
	const press = async (...keys: string[]) => {
		for (const k of keys) {
			r.stdin.write(k);
			await tick();
		}
		return frame();
	};
	return {source, store, r, frame, press, quits: () => quit};
}

describe('layout', () => {
	test('full at 120×35, compact at 80×24, too small below the minimum', () => {
		const status = nativeSnapshot().status;
		const full = layoutFor(120, 35, 'history', status);
		expect(full).toMatchObject({kind: 'full', rows: 34, status: 1});
		if (full.kind !== 'too-small') {
			expect(full.status + full.history + full.bottom + 1).toBe(34);
			expect(full.historyRows).toBeGreaterThanOrEqual(12);
			expect(full.left + 1 + full.right).toBe(120);
		}
		const compact = layoutFor(80, 24, 'history', status);
		expect(compact).toMatchObject({kind: 'compact', status: 2, bottom: 7});
		if (compact.kind !== 'too-small') expect(compact.historyRows).toBeGreaterThanOrEqual(10);
		expect(layoutFor(80, 24, 'exits', status)).toMatchObject({kind: 'compact', bottom: 10});
		expect(layoutFor(MIN_COLUMNS - 1, 30, 'history', status).kind).toBe('too-small');
		expect(layoutFor(100, MIN_ROWS - 1, 'history', status).kind).toBe('too-small');
	});
});

describe('the dashboard', () => {
	test('every panel at 120×35', async () => {
		const {source, frame} = mount({vmm: 'trap'}, {columns: 120, rows: 35});
		source.guestList = [{index: 0, name: 'vm0', state: 'running', instructions: 900}];
		source.emit(...syscallJourney(100), ...vmmJourney(500), consoleText('hello\n', 600, 0));
		const out = await frame();
		const lines = out.split('\n');
		expect(lines.length).toBe(34); // one less than the terminal: Ink then redraws in place
		expect(lines[0]).toMatch(/^vmtop default │ isa classic │ vmm trap \(type I\) │ ▶ running 300\/s/);
		for (const panel of ['History', 'Vertical cooperation — #GP', 'Exit reasons', 'Console vm0', 'Guests (1)', 'VMM entries/s', 'Popek–Goldberg']) {
			expect(out).toContain(panel);
		}
		expect(out).toContain('hello');
		expect(lines.at(-1)).toContain('? help');
	});

	test('keys through stdin: pause, help, quit', async () => {
		const {source, press, quits} = mount();
		source.emit(...syscallJourney(100));
		expect(await press(' ')).toContain('❚❚ paused');
		const help = await press('?');
		expect(help).toContain('Help — keys');
		expect(help).toContain('run to the next exception');
		expect(await press('\x1b')).not.toContain('Help — keys');
		await press('s', 'n');
		expect(source.calls).toEqual(['pause', 'step', 'nextException']);
		await press('q');
		expect(quits()).toBe(1);
	});

	test('the filter bar through stdin', async () => {
		const {source, press} = mount();
		source.emit(...syscallJourney(100));
		const typing = await press('f', 'w', 'r', 'i', 't', 'e');
		expect(typing).toContain('filter› write');
		const applied = await press('\r');
		expect(applied).toContain('filter: write');
		expect(applied).toContain('pid 1: write');
		expect(applied).not.toContain('int 0x80 raised');
	});

	test('resizing redraws to fit; too small says so, and comes back', async () => {
		const {source, r, frame} = mount({vmm: 'trap'}, {columns: 120, rows: 35});
		source.emit(...syscallJourney(100));
		expect(await frame()).toContain('Vertical cooperation');
		const stdout = (r as ReturnType<typeof renderAt>).stdout;
		stdout.resize(50, 12);
		const small = await frame();
		expect(small).toContain('Terminal too small: 50×12');
		expect(small).not.toContain('Vertical cooperation');
		stdout.resize(80, 24);
		const compact = await frame();
		expect(compact.split('\n').length).toBe(23);
		expect(compact).toContain('Vertical cooperation');
		expect(compact).not.toContain('Guests'); // compact: the bottom slot shows the focused panel
		stdout.resize(120, 35);
		expect(await frame()).toContain('Guests');
	});
});

describe('at 80×24 the help, the legend and the map scroll: nothing on them is cut', () => {
	const END = '\x1b[F';
	const DOWN = '\x1b[B';

	test('the keys scroll what is open, and closing it starts the next one at its top', async () => {
		const {store, press} = mount({vmm: 'trap'}, {columns: 80, rows: 24});
		let out = await press('?');
		expect(out).toContain('Help — keys');
		expect(out).toMatch(/lines 1–\d+ of \d+ · ↓/);
		out = await press('j', 'j');
		expect(out).toMatch(/lines 3–/);
		out = await press(END);
		expect(out).toContain('Legend (l): S/U real mode');
		// `l` from the help: the legend, from its top.
		out = await press('l');
		expect(out).toContain('Legend — every glyph');
		expect(out).toMatch(/lines 1–\d+ of \d+ · ↓/);
		out = await press(END);
		expect(out).toContain('the selected row (↑/↓ move it');
		out = await press('\x1b');
		expect(out).not.toContain('Legend — every glyph');
		// The map: ↓ scrolls it, not the history's selection behind it.
		const selected = store.ui.cursor;
		await press('m');
		out = await press(DOWN);
		expect(out).toMatch(/lines 2–/);
		expect(store.ui.cursor).toBe(selected);
		out = await press(END);
		expect(out).toContain('Level 0  digital logic');
	});
});
