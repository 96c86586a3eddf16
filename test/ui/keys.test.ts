import type {Key} from 'ink';
import {describe, expect, test} from 'vitest';
import {Controller} from '../../source/ui/controller.js';
import {commandFor, keyName, keymap} from '../../source/ui/keymap.js';
import {ScreenRegistry} from '../../source/ui/screens/registry.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {syscallJourney, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

const noKey: Key = {
	upArrow: false,
	downArrow: false,
	leftArrow: false,
	rightArrow: false,
	pageDown: false,
	pageUp: false,
	home: false,
	end: false,
	return: false,
	escape: false,
	ctrl: false,
	shift: false,
	tab: false,
	backspace: false,
	delete: false,
	meta: false,
	super: false,
	hyper: false,
	capsLock: false,
	numLock: false,
};

function setup(description = {}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	let quits = 0;
	const screens = new ScreenRegistry([{id: 'check', title: 'Check', load: () => ({title: 'Check report'})}], sched);
	const controller = new Controller(store, {quit: () => quits++, screens});
	const press = (...names: string[]) => {
		for (const n of names) controller.key(n, n.length === 1 ? n : '');
		sched.advance(40);
		return store.getSnapshot();
	};
	/** A chunk of text as Ink delivers a paste: one input, named by its text. */
	const paste = (text: string) => {
		controller.key(text, text);
		sched.advance(40);
		return store.getSnapshot();
	};
	return {source, store, sched, press, paste, quits: () => quits};
}

describe('the keymap', () => {
	test('every command has keys and help; no key is bound twice', () => {
		const keys = keymap.flatMap((b) => b.keys);
		expect(new Set(keys).size).toBe(keys.length);
		for (const b of keymap) {
			expect(b.keys.length).toBeGreaterThan(0);
			expect(b.help.length).toBeGreaterThan(3);
			for (const k of b.keys) expect(commandFor(k)).toBe(b.command);
		}
	});

	test('the keys the issue names are bound', () => {
		const wanted = {space: 'togglePause', s: 'step', n: 'nextException', '+': 'faster', '-': 'slower', f: 'filter', o: 'sort', r: 'resetCounters', v: 'switchVmm', i: 'switchIsa', tab: 'togglePause', up: 'scrollUp', down: 'scrollDown', pageup: 'pageUp', pagedown: 'pageDown', '?': 'help', q: 'quit', 'ctrl-c': 'quit'} as const;
		for (const [key, command] of Object.entries(wanted)) {
			if (key === 'tab') expect(commandFor(key)).toBe('focusNext');
			else expect(commandFor(key)).toBe(command);
		}
	});

	test('keyName turns Ink key presses into names', () => {
		expect(keyName(' ', noKey)).toBe('space');
		expect(keyName('c', {...noKey, ctrl: true})).toBe('ctrl-c');
		expect(keyName('', {...noKey, tab: true, shift: true})).toBe('shift-tab');
		expect(keyName('', {...noKey, upArrow: true})).toBe('up');
		expect(keyName('', {...noKey, pageDown: true})).toBe('pagedown');
		expect(keyName('', {...noKey, delete: true})).toBe('backspace');
		expect(keyName('?', noKey)).toBe('?');
	});
});

describe('key handling', () => {
	test('space pauses and resumes, s steps, n runs to the next exception', () => {
		const {source, press} = setup();
		expect(press('space').status.mode).toBe('paused');
		expect(press('space').status.mode).toBe('running');
		press('s');
		press('n');
		expect(source.calls).toEqual(['pause', 'resume', 'step', 'nextException']);
	});

	test('+ and - climb the speed ladder up to max', () => {
		const {source, press} = setup();
		press('+');
		expect(source.speed).toBe(1000);
		for (let i = 0; i < 20; i++) press('+');
		expect(source.speed).toBe('max');
		expect(press('-').status.speed).toBe(10_000_000);
		expect(press('-').flash).toBe('speed 3M/s');
	});

	test('? opens the help overlay; esc closes it; other keys are ignored meanwhile', () => {
		const {source, press} = setup();
		expect(press('?').help).toBe(true);
		expect(press('s').help).toBe(true);
		expect(source.calls).toEqual([]);
		expect(press('escape').help).toBe(false);
	});

	test('q and Ctrl-C quit, also from the help overlay and the filter bar', () => {
		const {press, quits} = setup();
		press('q');
		press('?', 'q');
		press('f', 'ctrl-c');
		expect(quits()).toBe(3);
	});

	test('f opens the filter bar: typing edits it, Enter applies, esc cancels', () => {
		const {source, press} = setup({vmm: 'trap'});
		source.emit(...syscallJourney(100), ...vmmJourney(500));
		press('f', 'k', 'i', 'n', 'd', ':', 'v', 'm', 'x', 'backspace', 'm');
		let snap = press('return');
		expect(snap.filter.active).toBe('kind:vmm');
		expect(snap.history.rows.length).toBeGreaterThan(0);
		expect(snap.history.rows.every((r) => r.kind.startsWith('vmm.'))).toBe(true);
		snap = press('f', 'q', 'escape'); // q types into the bar, esc cancels
		expect(snap.filter).toMatchObject({editing: false, active: 'kind:vmm'});
	});

	test('a pasted filter, Enter included, arrives as one chunk and is applied', () => {
		const {source, press, paste} = setup({vmm: 'trap'});
		source.emit(...syscallJourney(100), ...vmmJourney(500));
		press('f');
		const snap = paste('kind:vmm\r');
		expect(snap.filter).toMatchObject({editing: false, active: 'kind:vmm'});
		expect(snap.history.rows.length).toBeGreaterThan(0);
		expect(snap.history.rows.every((r) => r.kind.startsWith('vmm.'))).toBe(true);
		// A chunk with other control characters is not text: the draft stays as it was.
		press('f');
		expect(paste('\x1b[Zx').filter.draft ?? '').not.toContain('x');
	});

	test('o cycles the sort key; r resets the counters', () => {
		const {source, press} = setup({vmm: 'trap'});
		expect(press('o').sort).toBe('rate');
		expect(press('o', 'o', 'o').sort).toBe('count');
		source.emit(...vmmJourney(500));
		expect(press().exitTotal).toBe(1);
		const snap = press('r');
		expect(snap.exitTotal).toBe(0);
		expect(snap.flash).toBe('counters reset');
	});

	test('tab moves the focus; with the console focused, typed keys go to the guest', () => {
		const {source, press} = setup({vmm: 'trap'});
		expect(press('tab').focus).toBe('exits');
		expect(press('tab', 'tab').focus).toBe('console');
		press('h', 'i', 'space', 'return', 'tab');
		expect(source.calls).toEqual(['input 0 "h"', 'input 0 "i"', 'input 0 " "', 'input 0 "\\n"']);
		expect(press().focus).toBe('history');
		expect(press('shift-tab').focus).toBe('console');
		expect(press('escape').focus).toBe('history');
	});

	test('without a VMM, tab skips the exit reasons and the guests (not drawn)', () => {
		const {press} = setup();
		expect(press('tab').focus).toBe('console');
		expect(press('tab').focus).toBe('history');
		expect(press('shift-tab').focus).toBe('console');
	});

	test('arrows and PgUp/PgDn scroll the history; down past the newest follows again', () => {
		const {source, press} = setup();
		source.emit(...syscallJourney(100), ...syscallJourney(200), ...syscallJourney(300));
		let snap = press('up');
		const newest = snap.history.rows.at(-1)!.seq;
		expect(snap.history.cursor).toBe(newest);
		snap = press('up', 'up');
		expect(snap.history.cursor).toBe(newest - 2);
		expect(snap.history.rows.at(-1)!.seq).toBe(newest - 2);
		snap = press('pageup'); // a page is the viewport (20 rows) less one
		// Two rows of the way have no row of their own: each journey's `int 0x80` shows on its exception's row.
		expect(snap.history.cursor).toBe(newest - 2 - 19 - 2);
		expect(press('pageup').history.cursor).toBe(1); // clamped at the oldest row shown
		snap = press('pagedown', 'pagedown', 'down');
		expect(snap.history.cursor).toBeNull();
		snap = press('home');
		expect(snap.history.cursor).toBe(1);
		expect(press('end').history.cursor).toBeNull();
	});

	test('the cooperation panel explains the exception at the cursor', () => {
		const {source, press} = setup();
		source.emit(...syscallJourney(100), ...syscallJourney(200));
		expect(press().cooperation!.seq).toBe(10); // the newest
		const snap = press('up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up', 'up');
		// Ten rows up; the second journey's `int 0x80` (seq 9) has no row of its own.
		expect(snap.history.cursor).toBe(7);
		expect(snap.cooperation!.seq).toBe(1);
	});

	test('v and i restart with the next technique or profile; a failure is said, not thrown', () => {
		const {source, press} = setup();
		expect(press('v').flash).toBe('restarted with VMM technique trap');
		expect(press('i').flash).toBe('restarted with ISA profile pentium');
		source.restartError = 'not available yet';
		const snap = press('v');
		expect(snap.flash).toMatch(/^cannot switch — bt: not available yet; pv: not available yet; hvm: not available yet; none: not available yet/);
		expect(source.description.vmm).toBe('trap');
	});

	test('c opens a screen, esc goes back; a missing screen is reported', () => {
		const {press, sched} = setup();
		let snap = press('c');
		expect(snap.screen).toBe('check');
		// Still computing 40 ms later: the "computing…" frame is drawn first.
		expect(snap.screenState).toEqual({status: 'loading', title: 'Check'});
		sched.advance(40);
		expect(press().screenState).toEqual({status: 'ready', report: {title: 'Check report'}});
		expect(press('escape').screen).toBe('dashboard');
		snap = press('p');
		expect(snap.screen).toBe('dashboard');
		expect(snap.flash).toBe('no pvm screen in this build');
	});
});

describe('replay keys', () => {
	/** A source with the replay's optional operations. */
	class ReplaySource extends FakeSource {
		position = 40;
		length = 100;
		notice: string | undefined = 'tables count from event 1';
		get events(): number {
			return this.position;
		}
		stepBack(): void {
			this.calls.push('stepBack');
		}
		prevException(): void {
			this.calls.push('prevException');
		}
		goto(text: string): string | null {
			this.calls.push(`goto ${text}`);
			return /^\d+$/.test(text) ? null : `not an event number: ${text}`;
		}
	}

	function replay() {
		const source = new ReplaySource();
		const sched = new ManualScheduler();
		const store = new DashboardStore(source, {scheduler: sched});
		const controller = new Controller(store, {quit: () => undefined});
		const press = (...names: string[]) => {
			for (const n of names) controller.key(n, n.length === 1 ? n : '');
			sched.advance(40);
			return store.getSnapshot();
		};
		return {source, press};
	}

	test('b steps back, [ and ] move between exceptions, g goes to an event', () => {
		const {source, press} = replay();
		press('b', '[', ']');
		let snap = press('g', 'x');
		expect(snap.goto).toEqual({draft: 'x', caret: 1, error: undefined});
		snap = press('return');
		expect(snap.goto).toEqual({draft: 'x', caret: 1, error: 'not an event number: x'});
		snap = press('backspace', '4', '2', 'return');
		expect(snap.goto).toBeUndefined();
		expect(source.calls).toEqual(['stepBack', 'prevException', 'nextException', 'goto x', 'goto 42']);
	});

	test('the status line has the position in the trace and the notice', () => {
		const {press} = replay();
		const snap = press();
		expect(snap.status).toMatchObject({event: 40, length: 100, notice: 'tables count from event 1', canRestart: true});
	});

	test('a live run says what needs a trace', () => {
		const {press} = setup();
		expect(press('b').flash).toMatch(/needs a recorded trace/);
		expect(press('g').goto).toBeUndefined();
	});
});
