/**
 * Every key binding of the dashboard, as named commands with their keys and
 * help text (the help overlay is generated from this list). One input source:
 * `keyName` turns Ink's (input, key) into a name, `commandFor` looks it up.
 */
import type {Key} from 'ink';

export type CommandName =
	| 'togglePause'
	| 'step'
	| 'nextException'
	| 'prevException'
	| 'stepBack'
	| 'goto'
	| 'faster'
	| 'slower'
	| 'switchVmm'
	| 'switchIsa'
	| 'record'
	| 'transient'
	| 'scrollUp'
	| 'scrollDown'
	| 'pageUp'
	| 'pageDown'
	| 'oldest'
	| 'follow'
	| 'filter'
	| 'sort'
	| 'resetCounters'
	| 'focusNext'
	| 'focusPrev'
	| 'consolePrev'
	| 'consoleNext'
	| 'screenCheck'
	| 'screenPvm'
	| 'back'
	| 'help'
	| 'quit'
	| 'search'
	| 'screenCompare'
	| 'restartChooser'
	| 'journeyMode'
	| 'prevJourney'
	| 'legend'
	| 'screenMap';

export interface Binding {
	command: CommandName;
	/** Key names as `keyName` returns them. */
	keys: readonly string[];
	/** How the help overlay writes the keys. */
	label: string;
	help: string;
	group: 'Run' | 'History' | 'Tables' | 'Panels' | 'General' | 'Journey';
	/** Only a live run has it: a replay's help leaves it out. */
	liveOnly?: true;
}

export const keymap: readonly Binding[] = [
	{command: 'togglePause', keys: ['space'], label: 'space', help: 'pause / resume', group: 'Run'},
	{command: 'step', keys: ['s'], label: 's', help: 'execute one instruction', group: 'Run'},
	{command: 'nextException', keys: ['n', ']'], label: 'n ]', help: 'run to the next exception', group: 'Run'},
	{command: 'prevException', keys: ['['], label: '[', help: 'back to the previous exception (replay)', group: 'Run'},
	{command: 'stepBack', keys: ['b'], label: 'b', help: 'one instruction back (replay)', group: 'Run'},
	{command: 'goto', keys: ['g'], label: 'g', help: 'go to an instruction count (as rows show), #event or c cycle (replay)', group: 'Run'},
	{command: 'faster', keys: ['+', '='], label: '+', help: 'faster (up to max)', group: 'Run'},
	{command: 'slower', keys: ['-', '_'], label: '-', help: 'slower', group: 'Run'},
	{command: 'switchVmm', keys: ['v'], label: 'v', help: 'next VMM technique (restarts the run)', group: 'Run', liveOnly: true},
	{command: 'switchIsa', keys: ['i'], label: 'i', help: 'next ISA profile (restarts the run)', group: 'Run', liveOnly: true},
	{command: 'transient', keys: ['A'], label: 'A', help: 'attach a VMM under the running kernel / detach it (transient VMM)', group: 'Run', liveOnly: true},
	{command: 'record', keys: ['R'], label: 'R', help: 'record: start/stop recording a trace', group: 'Run', liveOnly: true},
	{command: 'scrollUp', keys: ['up', 'k'], label: '↑ k', help: 'select an older row', group: 'History'},
	{command: 'scrollDown', keys: ['down', 'j'], label: '↓ j', help: 'select a newer row', group: 'History'},
	{command: 'pageUp', keys: ['pageup'], label: 'PgUp', help: 'a page older', group: 'History'},
	{command: 'pageDown', keys: ['pagedown'], label: 'PgDn', help: 'a page newer', group: 'History'},
	{command: 'oldest', keys: ['home'], label: 'Home', help: 'the oldest row kept', group: 'History'},
	{command: 'follow', keys: ['end'], label: 'End', help: 'follow the newest row', group: 'History'},
	{
		command: 'filter',
		keys: ['f'],
		label: 'f',
		help: 'filter rows: level:cpu,os kind:vmm guest:0 or a regex',
		group: 'History',
	},
	{command: 'sort', keys: ['o'], label: 'o', help: 'sort the tables (count, rate, cycles, name)', group: 'Tables'},
	{command: 'resetCounters', keys: ['r'], label: 'r', help: 'reset counters and rates', group: 'Tables'},
	{command: 'focusNext', keys: ['tab'], label: 'tab', help: 'focus the next panel', group: 'Panels'},
	{command: 'focusPrev', keys: ['shift-tab'], label: 'shift-tab', help: 'focus the previous panel', group: 'Panels'},
	{command: 'consolePrev', keys: ['left'], label: '←', help: 'console: previous guest', group: 'Panels'},
	{command: 'consoleNext', keys: ['right'], label: '→', help: 'console: next guest', group: 'Panels'},
	{command: 'screenCheck', keys: ['c'], label: 'c', help: 'Popek–Goldberg check screen', group: 'Panels'},
	{command: 'screenPvm', keys: ['p'], label: 'p', help: 'process VM screen', group: 'Panels'},
	{command: 'back', keys: ['escape'], label: 'esc', help: 'back to the dashboard / close / clear the filter', group: 'Panels'},
	{command: 'help', keys: ['?'], label: '?', help: 'this help', group: 'General'},
	{command: 'quit', keys: ['q', 'ctrl-c'], label: 'q Ctrl-C', help: 'quit (restores the terminal)', group: 'General'},
	{command: 'screenCompare', keys: ['C'], label: 'C', help: 'compare every technique (none, trap, bt, pv, hvm) on this scenario (esc back)', group: 'Panels', liveOnly: true},
	{command: 'restartChooser', keys: ['x'], label: 'x', help: 'restart with…: technique, ISA profile, type, guests', group: 'Run', liveOnly: true},
	{command: 'search', keys: ['/'], label: '/', help: 'search: highlight matching rows in place; n / N next / previous match', group: 'History'},
	{command: 'legend', keys: ['l'], label: 'l', help: 'legend: every glyph and column explained', group: 'General'},
	{command: 'screenMap', keys: ['m'], label: 'm', help: 'multilevel map: where each part of vmtop sits', group: 'Panels'},
	// In journey mode → space ← n b [ ] f change meaning (the controller maps them); out of it they keep theirs.
	{command: 'journeyMode', keys: ['J'], label: 'J', help: 'journey mode: stop at each exception, → / space walk its levels (← back); in a replay, the trace’s journeys', group: 'Journey'},
	{command: 'prevJourney', keys: ['N'], label: 'N', help: 'journey mode: previous journey (b too; n the next); f kind: vector: level:', group: 'Journey'},
];

const byKey = new Map<string, CommandName>(keymap.flatMap((b) => b.keys.map((k) => [k, b.command] as const)));

/** A stable name for a key press: `space`, `tab`, `shift-tab`, `up`, `ctrl-c`, `escape`, or the character. */
export function keyName(input: string, key: Key): string {
	if (key.ctrl && input.length === 1) return `ctrl-${input.toLowerCase()}`;
	if (key.tab) return key.shift ? 'shift-tab' : 'tab';
	if (key.upArrow) return 'up';
	if (key.downArrow) return 'down';
	if (key.leftArrow) return 'left';
	if (key.rightArrow) return 'right';
	if (key.pageUp) return 'pageup';
	if (key.pageDown) return 'pagedown';
	if (key.home) return 'home';
	if (key.end) return 'end';
	if (key.return) return 'return';
	if (key.escape) return 'escape';
	if (key.backspace || key.delete) return 'backspace';
	if (input === ' ') return 'space';
	return input;
}

/**
 * A chunk Ink delivered as one input — keys typed faster than the screen
 * reads them (`nnn`, three Backspaces) or a paste — as the keys it holds,
 * each named as `keyName` would name it alone.
 */
export function splitKeys(chunk: string): Array<{name: string; input: string}> {
	return Array.from(chunk, (ch) => {
		const code = ch.codePointAt(0)!;
		if (ch === '\r' || ch === '\n') return {name: 'return', input: ch};
		if (ch === '\t') return {name: 'tab', input: ''};
		if (ch === '\x7f' || ch === '\b') return {name: 'backspace', input: ''};
		if (ch === '\x1b') return {name: 'escape', input: ''};
		if (ch === ' ') return {name: 'space', input: ch};
		// Ctrl-A … Ctrl-Z arrive as 0x01 … 0x1a.
		if (code < 0x20) return {name: `ctrl-${String.fromCharCode(code + 0x60)}`, input: String.fromCharCode(code + 0x60)};
		return {name: ch, input: ch};
	});
}

export function commandFor(name: string): CommandName | undefined {
	return byKey.get(name);
}

/** The bindings the help shows: a replay cannot do what only a live run can. */
export function helpBindings(live: boolean): readonly Binding[] {
	return live ? keymap : keymap.filter((b) => !b.liveOnly);
}

/** The keys of a command as the help writes them (for hints in panels). */
export function keysOf(command: CommandName): string {
	return keymap.find((b) => b.command === command)?.label ?? '';
}
