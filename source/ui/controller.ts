/**
 * Keys → effects. One input source, handled in priority order: Ctrl-C, the
 * filter bar while it is open, the help overlay, the console while it has
 * the focus, then the keymap. Pure TypeScript (no React), so key handling is
 * tested without rendering.
 */
import {type VmmTechnique, vmmTechniques} from '../sim/simulation.js';
import type {DashboardSource} from '../driver/source.js';
import type {ScreenRegistry} from './screens/registry.js';
import {faster, formatSpeed, slower} from '../driver/speed.js';
import {editLine, insertText} from './line-edit.js';
import {type CommandName, commandFor, splitKeys} from './keymap.js';
import type {DashboardStore} from './store/dashboard-store.js';
import {noteSaved, toggleRecording} from './record-key.js';
import * as act from './store/store-actions.js';
import * as journey from './store/journey-actions.js';
import {cycle} from './store/ui-state.js';
import {chooserChange, moveChooser, openChooser} from './store/chooser.js';

export interface ControllerOptions {
	/** Leave the dashboard (restores the terminal). */
	quit: () => void;
	/** Full-screen reports (`check`, `pvm`). */
	screens?: ScreenRegistry;
	/** ISA profiles `i` cycles through. */
	isaProfiles?: readonly string[];
}

export class Controller {
	constructor(
		private readonly store: DashboardStore,
		private readonly options: ControllerOptions,
	) {}

	private get source(): DashboardSource {
		return this.store.source;
	}

	/** Handle one key press, by its `keyName`; `input` is the raw text (for typing). */
	key(name: string, input: string): void {
		const ui = this.store.ui;
		// Ink names a chunk of several keys by its text: each key in it acts, in order.
		if (name === input && [...input].length > 1) return this.chunk(input);
		if (name === 'ctrl-c') return this.run('quit');
		if (ui.filterEditing) return this.filterKey(name, input);
		if (ui.gotoDraft !== null) return this.gotoKey(name, input);
		if (ui.chooser !== null) return this.chooserKey(name);
		if (ui.help) {
			const delta = scrollDelta(name);
			if (delta !== undefined) act.scrollOverlay(this.store, delta);
			else if (name === '?' || name === 'escape') act.toggleHelp(this.store, false);
			else if (name === 'l') act.toggleLegend(this.store, true);
			else if (name === 'q') this.run('quit');
			return;
		}
		if (ui.legend && (name === 'l' || name === 'escape')) return act.toggleLegend(this.store, false);
		// The legend, the map and a report screen taller than the terminal scroll (at 80×24), as the help does.
		if (ui.legend) {
			const delta = scrollDelta(name);
			if (delta !== undefined) return act.scrollOverlay(this.store, delta);
		}
		if (ui.screen !== 'dashboard' && this.screenScrollKey(name)) return;
		if (ui.focus === 'console' && ui.screen === 'dashboard' && this.consoleKey(name, input)) return;
		// Journey mode first: its view replaces the history, so its keys (n, N, b…) mean the walk's.
		if (ui.journeyMode && ui.screen === 'dashboard' && this.journeyKey(name)) return;
		// While a search is in force, n and N go from one match to the next.
		if (ui.search !== null && ui.screen === 'dashboard' && (name === 'n' || name === 'N')) return act.searchStep(this.store, name === 'n' ? 1 : -1);
		const command = commandFor(name);
		if (command) this.run(command);
	}

	/**
	 * Several keys in one read. The focused console takes them as typed text;
	 * elsewhere each acts in turn (the first may open the prompt the rest go to).
	 * A chunk with escape sequences in it is no typing: a prompt ignores it.
	 */
	private chunk(input: string): void {
		const ui = this.store.ui;
		const prompt = ui.filterEditing || ui.gotoDraft !== null;
		if (!prompt && !ui.help && ui.focus === 'console' && ui.screen === 'dashboard' && this.consoleKey(input, input)) return;
		if (prompt && input.includes('\x1b')) return;
		for (const k of splitKeys(input)) this.key(k.name, k.input);
	}

	private screenScrollKey(name: string): boolean {
		const delta = scrollDelta(name);
		if (delta === undefined) return false;
		act.scrollScreen(this.store, delta);
		return true;
	}

	/** Journey mode: → and space step through the levels, n/N/b go from journey to journey. */
	private journeyKey(name: string): boolean {
		const store = this.store;
		switch (name) {
			case 'right':
			case 'space':
				journey.walkForward(store);
				return true;
			case 'left':
				journey.walkBack(store);
				return true;
			case 'n':
			case ']':
				journey.nextJourney(store);
				return true;
			case 'N':
			case 'b':
			case '[':
				journey.previousJourney(store);
				return true;
			case 'f':
				act.openFilter(store);
				// The prompt edits which journeys stop, not the history's filter.
				store.ui.filterDraft = store.catcher.filter?.text ?? '';
				store.ui.promptCaret = store.ui.filterDraft.length;
				return true;
		}
		return false;
	}

	private filterKey(name: string, input: string): void {
		const line = {text: this.store.ui.filterDraft, caret: this.store.ui.promptCaret};
		if (name === 'return') return this.store.ui.journeyMode ? journey.applyJourneyFilter(this.store) : act.applyFilter(this.store);
		if (name === 'escape') return act.cancelFilter(this.store);
		const edited = editLine(line, name) ?? (name.startsWith('ctrl-') ? line : null);
		if (edited) return act.editFilter(this.store, edited.text, edited.caret);
		const {text, submit} = typed(input);
		if (text) {
			const next = insertText(line, text);
			act.editFilter(this.store, next.text, next.caret);
		}
		if (submit) this.store.ui.journeyMode ? journey.applyJourneyFilter(this.store) : act.applyFilter(this.store);
	}

	private gotoKey(name: string, input: string): void {
		const line = {text: this.store.ui.gotoDraft ?? '', caret: this.store.ui.promptCaret};
		if (name === 'return') return act.applyGoto(this.store);
		if (name === 'escape') return act.closeGoto(this.store);
		const edited = editLine(line, name) ?? (name.startsWith('ctrl-') ? line : null);
		if (edited) return act.editGoto(this.store, edited.text, edited.caret);
		const {text, submit} = typed(input);
		if (text) {
			const next = insertText(line, text);
			act.editGoto(this.store, next.text, next.caret);
		}
		if (submit) act.applyGoto(this.store);
	}

	/** The restart chooser: ↑ ↓ a setting, ← → its value, enter restarts, esc (or x) closes. */
	private chooserKey(name: string): void {
		const {store} = this;
		const c = store.ui.chooser!;
		const moves: Record<string, [number, number]> = {up: [-1, 0], k: [-1, 0], down: [1, 0], j: [1, 0], left: [0, -1], h: [0, -1], right: [0, 1], l: [0, 1]};
		if (name === 'escape' || name === 'x') return act.setChooser(store, null);
		if (name === 'q') return this.run('quit');
		const move = moves[name];
		if (move) return act.setChooser(store, moveChooser(c, move[0], move[1]));
		if (name !== 'return') return;
		const source = this.source;
		const change = chooserChange(c, source.description);
		if (Object.keys(change).length === 0) return act.setChooser(store, null);
		const recording = source.recorder?.active ?? null;
		try {
			source.restart!(change);
		} catch (error) {
			// The run goes on unchanged; the chooser stays open and says why.
			return act.setChooser(store, {...c, error: `cannot restart: ${(error as Error).message}`});
		}
		act.setChooser(store, null);
		const saved = recording && source.recorder?.last;
		if (saved) noteSaved(store, saved);
		const d = source.description;
		act.flash(store, `restarted: ${d.vmm === 'none' ? 'no VMM' : `${d.vmm}, type ${d.type === 1 ? 'I' : 'II'}, ${d.guests} guest${d.guests > 1 ? 's' : ''}`}, ISA ${d.isa}`);
	}

	/** Typing goes to the guest; returns false for keys that keep their meaning. */
	private consoleKey(name: string, input: string): boolean {
		if (['tab', 'shift-tab', 'escape', 'left', 'right', 'up', 'down', 'pageup', 'pagedown'].includes(name)) {
			if (name === 'escape') act.setFocus(this.store, 'history');
			return name === 'escape';
		}
		const push = this.source.pushInput?.bind(this.source);
		if (!push) return false;
		// A terminal sends Enter as CR; the guest's console expects LF (pasted text too).
		const text = name === 'return' ? '\n' : name === 'backspace' ? '\b' : name === 'space' ? ' ' : input.replace(/\r/g, '\n').replace(/\x7f/g, '\b');
		if (text.length === 0) return true;
		const snap = this.store.getSnapshot();
		push(text, Math.max(0, snap.consoles[snap.consoleGuest]?.guest ?? 0));
		return true;
	}

	run(command: CommandName): void {
		const {store, source} = this;
		const state = source.state;
		if (this.tableScroll(command)) return;
		switch (command) {
			case 'quit':
				return this.options.quit();
			case 'togglePause':
				if (state.mode === 'paused') source.resume();
				else source.pause();
				return store.invalidate();
			case 'step':
				return source.step();
			case 'nextException':
				return source.nextException();
			case 'prevException':
				return source.prevException ? source.prevException() : act.flash(store, 'going back needs a recorded trace (vmtop replay)');
			case 'stepBack':
				return source.stepBack ? source.stepBack() : act.flash(store, 'stepping back needs a recorded trace (vmtop replay)');
			case 'goto':
				return source.goto ? act.openGoto(store) : act.flash(store, 'going to an event needs a recorded trace (vmtop replay)');
			case 'faster':
			case 'slower': {
				const base = source.speedBase;
				const speed = command === 'faster' ? faster(state.speed, base) : slower(state.speed, base);
				source.setSpeed(speed);
				return act.flash(store, `speed ${formatSpeed(speed, base, source.clock)}`);
			}
			case 'switchVmm':
			case 'switchIsa':
				return this.restart(command);
			case 'restartChooser':
				if (!source.restart) return act.flash(store, 'restarting needs a live run (a replay plays its trace)');
				return act.setChooser(store, openChooser(source.description, this.options.isaProfiles ?? ['classic', 'pentium']));
			case 'record':
				return toggleRecording(store);
			case 'transient':
				return act.flash(store, source.toggleTransient ? source.toggleTransient() : 'attaching a VMM needs a live run (not a replay)');
			case 'scrollUp':
				return act.scroll(store, -1);
			case 'scrollDown':
				return act.scroll(store, 1);
			case 'pageUp':
				return act.scroll(store, -Math.max(1, store.ui.viewport - 1));
			case 'pageDown':
				return act.scroll(store, Math.max(1, store.ui.viewport - 1));
			case 'oldest':
				return act.scrollToOldest(store);
			case 'follow':
				return act.follow(store);
			case 'filter':
				return act.openFilter(store);
			case 'search':
				return act.openFilter(store, 'search');
			case 'sort':
				return act.cycleSort(store);
			case 'resetCounters':
				return act.resetCounters(store);
			case 'focusNext':
				return act.focusNext(store, 1);
			case 'focusPrev':
				return act.focusNext(store, -1);
			case 'consolePrev':
				return act.switchConsole(store, -1);
			case 'consoleNext':
				return act.switchConsole(store, 1);
			case 'screenCheck':
			case 'screenPvm':
			case 'screenCompare': {
				const id = command === 'screenCheck' ? 'check' : command === 'screenPvm' ? 'pvm' : 'compare';
				const screens = this.options.screens;
				if (!screens?.has(id)) return act.flash(store, `no ${id} screen in this build`);
				return screens.toggle(store, id);
			}
			case 'back':
				if (store.ui.screen !== 'dashboard') return act.setScreen(store, 'dashboard');
				if (store.ui.cursor !== null) return act.follow(store);
				if (store.ui.search) return act.clearSearch(store);
				if (store.ui.filter) return act.clearFilter(store);
				return;
			case 'help':
				return act.toggleHelp(store);
			case 'legend':
				return act.toggleLegend(store);
			case 'screenMap':
				return act.setScreen(store, store.ui.screen === 'map' ? 'dashboard' : 'map');
			case 'journeyMode':
				if (!source.runUntil) return act.flash(store, 'journey mode runs the machine to each journey: it needs a live run (not a replay)');
				return journey.toggleJourneyMode(store);
			case 'prevJourney':
				return act.flash(store, 'J starts journey mode first');
		}
	}

	/** The focused table (exit reasons, guests) takes the scrolling keys from the history. */
	private tableScroll(command: CommandName): boolean {
		const table = this.store.ui.focus;
		if ((table !== 'exits' && table !== 'guests') || this.store.ui.screen !== 'dashboard') return false;
		const page = Math.max(1, this.store.ui.tableLines[table] - 2);
		const delta: Partial<Record<CommandName, number>> = {
			scrollUp: -1,
			scrollDown: 1,
			pageUp: -page,
			pageDown: page,
			oldest: -Infinity,
			follow: Infinity,
		};
		const d = delta[command];
		if (d === undefined) return false;
		act.scrollTable(this.store, table, d);
		return true;
	}

	/** Restart with the next technique (or profile) that builds, skipping those that cannot. */
	private restart(command: 'switchVmm' | 'switchIsa'): void {
		const {store, source} = this;
		if (!source.restart) return act.flash(store, 'this source cannot restart');
		const d = source.description;
		const profiles = this.options.isaProfiles ?? ['classic', 'pentium'];
		const list: readonly string[] = command === 'switchVmm' ? vmmTechniques : profiles;
		let current: string = command === 'switchVmm' ? d.vmm : d.isa;
		const recording = source.recorder?.active ?? null;
		const failures: string[] = [];
		for (let i = 1; i < list.length; i++) {
			current = cycle(list, current, 1);
			const change = command === 'switchVmm' ? {vmm: current as VmmTechnique} : {isa: current};
			try {
				source.restart(change);
				// The source stopped the old run's recording: say where it went.
				const saved = recording && source.recorder?.last;
				if (saved) noteSaved(store, saved);
				return act.flash(store, `restarted with ${command === 'switchVmm' ? 'VMM technique' : 'ISA profile'} ${current}`);
			} catch (error) {
				failures.push(`${current}: ${(error as Error).message}`);
			}
		}
		// The run goes on unchanged; say why no switch happened.
		act.flash(store, `cannot switch — ${failures.join('; ')}`, 6000);
	}
}

/**
 * Text typed into a prompt. A paste arrives as one chunk, maybe ending with
 * the Enter that submits it: keep the printable text and say whether it ended
 * with Enter; a chunk with other control characters is not text.
 */
function typed(input: string): {text: string; submit: boolean} {
	const text = input.replace(/[\r\n]+$/, '');
	if (/[\x00-\x1f\x7f]/.test(text)) return {text: '', submit: false};
	return {text, submit: text !== input};
}

/** Lines a scrolling key moves a screen by (↑ ↓ k j PgUp PgDn Home End), undefined for any other key. */
function scrollDelta(name: string): number | undefined {
	const page = 10;
	const delta: Record<string, number> = {up: -1, k: -1, down: 1, j: 1, pageup: -page, pagedown: page, home: -Infinity, end: Infinity};
	return name in delta ? delta[name] : undefined;
}
