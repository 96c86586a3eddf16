/**
 * Every flag of every command, in one table: its name, the value it takes,
 * its one-line help and its one validator. A command lists the flags it
 * accepts (source/cli/args.ts parses them); the commands that build a
 * simulation all take SIMULATION_FLAGS, so they accept the same values with
 * the same limits and say the same thing when a value is wrong. `--help` is
 * generated from this table, so it cannot drift from what is accepted.
 */
import {MAX_GUESTS, MAX_MEMORY, MIN_MEMORY} from '../scenario/scenario.js';
import {type TransientTechnique, engines, transientTechniques, vmmTechniques} from '../sim/simulation.js';
import {details, DEFAULT_SAMPLE_EVERY} from '../trace/format.js';
import {TECHNIQUES} from '../pvm/technique-names.js';
import {DEFAULT_MAX_DISPATCHES} from '../pvm/runtime.js';
import {UsageError} from '../user-error.js';
import {loadProfile} from './profile-flag.js';

/** One flag. `T` is the type of its parsed value (a list for a repeatable flag). */
export interface Flag<T> {
	/** A boolean flag takes no value; the others need one. */
	readonly boolean: boolean;
	/** May be given more than once; the values are collected in order. */
	readonly multiple: boolean;
	readonly short?: string;
	/** What the value looks like, for --help: `N`, `FILE`, `none|trap|bt|pv|hvm`. */
	readonly arg?: string;
	readonly help: string;
	/** Checks one value; throws a UsageError naming the flag and what was expected. */
	readonly parse: (raw: string, flag: string) => unknown;
	/** Carries T for the result type; never set. */
	readonly _value?: T;
}

export type FlagValue<F> = F extends Flag<infer T> ? T : never;

function bool(help: string, short?: string): Flag<boolean> {
	return {boolean: true, multiple: false, help, parse: () => true, ...(short ? {short} : {})};
}

function value<T>(arg: string, help: string, parse: (raw: string, flag: string) => T, short?: string): Flag<T> {
	return {boolean: false, multiple: false, arg, help, parse, ...(short ? {short} : {})};
}

function list<T>(arg: string, help: string, parse: (raw: string, flag: string) => T, short?: string): Flag<T[]> {
	return {boolean: false, multiple: true, arg, help, parse, ...(short ? {short} : {})};
}

const shown = (raw: string): string => `'${raw}'`;

/** A whole number from `min` to `max` (decimal; `1e6` is accepted for big counts). */
export function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER, what?: string) {
	return (raw: string, flag: string): number => {
		const n = /^\d+(e\d+)?$/i.test(raw) ? Number(raw) : Number.NaN;
		if (!Number.isSafeInteger(n) || n < min || n > max) {
			const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `${what ?? 'a whole number'} from ${min} to ${max}`;
			throw new UsageError(`${flag} expects ${range}, got ${shown(raw)}`);
		}
		return n;
	};
}

export function choice<T extends string>(allowed: readonly T[]) {
	return (raw: string, flag: string): T => {
		if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`${flag} expects one of ${allowed.join(', ')}; got ${shown(raw)}`);
		return raw as T;
	};
}

function file(what: string) {
	return (raw: string, flag: string): string => {
		if (raw === '') throw new UsageError(`${flag} expects ${what}, got an empty value`);
		return raw;
	};
}

function vmmType(raw: string, flag: string): 1 | 2 {
	if (raw !== '1' && raw !== '2') throw new UsageError(`${flag} expects 1 or 2, got ${shown(raw)}`);
	return Number(raw) as 1 | 2;
}

function memory(raw: string, flag: string): number {
	const n = wholeNumber(MIN_MEMORY, MAX_MEMORY, 'a number of bytes')(raw, flag);
	if (n % 4 !== 0) throw new UsageError(`${flag} expects a number of bytes that is a multiple of 4, got ${shown(raw)}`);
	return n;
}

/** Instructions (a replay of an import: host nanoseconds) per second, or `max`. */
export type SpeedValue = number | 'max';

function speed(raw: string, flag: string): SpeedValue {
	if (raw === 'max') return 'max';
	const n = /^\d+(\.\d+)?(e\d+)?$/i.test(raw) ? Number(raw) : Number.NaN;
	if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`${flag} expects a number of instructions per second or max, got ${shown(raw)}`);
	return n;
}

/** The ISA profile: a built-in name or a profile file, read and checked now (its own messages). */
function isa(raw: string): string {
	loadProfile(raw);
	return raw;
}

/** `--define NAME` (the value 1, for `.ifdef`) or `--define NAME=VALUE` (a 32-bit integer: decimal or 0x…). */
export interface Define {
	name: string;
	value: number;
	/** False for `--define NAME`. */
	given: boolean;
}

function define(raw: string, flag: string): Define {
	const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:=(.*))?$/s.exec(raw);
	if (!m) throw new UsageError(`${flag} expects NAME or NAME=VALUE, NAME a letter or _ then letters, digits, _ or .; got ${shown(raw)}`);
	const name = m[1]!;
	const text = m[2];
	if (text === undefined) return {name, value: 1, given: false};
	const m2 = /^([+-]?)(0x[0-9a-f]+|\d+)$/i.exec(text);
	const n = m2 ? (m2[1] === '-' ? -1 : 1) * Number(m2[2]) : Number.NaN;
	if (!Number.isSafeInteger(n) || n < -0x8000_0000 || n > 0xffff_ffff) {
		throw new UsageError(`${flag} ${name}=… expects an integer from -2147483648 to 4294967295 (decimal or 0x…), got ${shown(text)}`);
	}
	return {name, value: n, given: true};
}

/** `--attach-at N[:TECHNIQUE]`: a transient VMM attaches at guest instruction N (default technique trap). */
export interface AttachPoint {
	at: number;
	technique: TransientTechnique;
}

function attachPoint(raw: string, flag: string): AttachPoint {
	const [count, technique, ...rest] = raw.split(':');
	const expected = `N[:${transientTechniques.join('|')}], N a whole number ≥ 0`;
	if (rest.length > 0 || count === undefined) throw new UsageError(`${flag} expects ${expected}, got ${shown(raw)}`);
	if (technique !== undefined && !(transientTechniques as readonly string[]).includes(technique)) {
		throw new UsageError(`${flag} expects ${expected}; the technique must be one of ${transientTechniques.join(', ')}, got ${shown(technique)}`);
	}
	const n = /^\d+(e\d+)?$/i.test(count) ? Number(count) : Number.NaN;
	if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} expects ${expected}, got ${shown(raw)}`);
	return {at: n, technique: (technique ?? transientTechniques[0]!) as TransientTechnique};
}

/** The flags every command that builds a simulation takes (run, stats, record, the dashboard). */
export const SIMULATION_FLAGS = ['vmm', 'vms', 'type', 'isa', 'input', 'maxInstructions', 'engine', 'attachAt', 'detachAt'] as const;


export const FLAGS = {
	// What to simulate: the same in every command that builds a simulation.
	vmm: value(vmmTechniques.join('|'), "run the kernel under the VMM with this technique (replaces the scenario's)", choice(vmmTechniques)),
	vms: value('N', `number of guests, 1 to ${MAX_GUESTS}, each its own partition (more than one needs a VMM)`, wholeNumber(1, MAX_GUESTS, 'a number of guests')),
	type: value('1|2', 'VMM type: 1 on bare metal, 2 hosted under a host OS (2 needs a VMM)', vmmType),
	isa: value('classic|pentium|FILE.json', "ISA profile (default classic; replaces a scenario's)", isa),
	input: value('TEXT', "console input available from reset (replaces the scenario's)", (raw) => raw),
	maxInstructions: value('N', "stop after N instructions, N ≥ 1 (replaces the scenario's limit)", wholeNumber(1)),
	attachAt: list(
		`N[:${transientTechniques.join('|')}]`,
		'a transient VMM attaches under the native run at guest instruction N (default technique trap; --type 2: hosted); repeatable',
		attachPoint,
	),
	detachAt: list('M', 'the transient VMM detaches at guest instruction M; repeatable, after each --attach-at', wholeNumber(0)),
	engine: value('interp|jit', 'how the CPU executes: the interpreter or the translating engine', choice(engines)),
	user: list('FILE.s', 'a user program on the sample kernel (or --kernel); repeat for more', file('a FILE.s')),
	kernel: value('FILE.s', "the kernel (replaces the scenario's)", file('a FILE.s')),
	memory: value('BYTES', `physical memory, a multiple of 4 from ${MIN_MEMORY} to ${MAX_MEMORY} (default 1048576)`, memory),
	// How to show it.
	headless: bool('no dashboard: print the console output, then a summary'),
	json: bool('print the result as one JSON object'),
	journeys: bool('with --json: add every exception journey (the "journeys" array)'),
	speed: value('N|max', 'speed to start with: instructions per second (an imported trace: host ns per second), or max', speed),
	paused: bool('start paused (space runs)'),
	journey: bool('journey mode (J): stop at each exception and walk its levels, → or space one step at a time'),
	lecture: bool('for a lecture hall: journey mode, wide level columns, high-contrast colours, the keys in the footer'),
	noColor: bool('no colours (the NO_COLOR environment variable does the same)'),
	compare: bool('run none, trap, bt, pv and hvm and print them side by side'),
	// Traces.
	output: value('FILE', 'the file to write', file('a FILE to write'), 'o'),
	force: bool('overwrite an existing output file'),
	detail: value('exceptions|full', 'exceptions (default): every exception, OS and VMM event and a CPU sample every --sample-every instructions; full: every instruction too', choice(details)),
	sampleEvery: value('N', `instructions between CPU samples (default ${DEFAULT_SAMPLE_EVERY}; 0: none)`, wholeNumber(0)),
	verify: bool('rerun the scenario of the trace and compare, instead of replaying'),
	summary: bool('print the summary of the trace even on a terminal'),
	chrome: value('OUT.json', 'the Chrome trace-event file to write', file('an OUT.json to write')),
	// Programs.
	addresses: bool("add each item's address as a comment"),
	define: list('NAME[=VALUE]', 'define NAME as VALUE, an integer (NAME alone: 1, for .ifdef); pvm: replaces a .const, VALUE needed; repeatable', define, 'D'),
	dispatch: value(`all|${TECHNIQUES.join('|')}`, 'the dispatch techniques to run (default all)', choice(['all', ...TECHNIQUES] as const), 'd'),
	bench: bool('time each technique for at least 0.3 s (otherwise 0.05 s), after one untimed run'),
	maxDispatches: value('N', `runaway guard per run (default ${DEFAULT_MAX_DISPATCHES})`, wholeNumber(1)),
	js: bool('print the JavaScript the program translates to, and exit'),
} satisfies Record<string, Flag<unknown>>;

export type FlagName = keyof typeof FLAGS;

/** Flags every command accepts. */
export const GLOBAL_FLAGS = ['noColor'] as const satisfies readonly FlagName[];

/** `maxInstructions` → `--max-instructions`. */
export function flagName(name: string): string {
	return '--' + name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** The Flags section of a command's --help, from the table: one flag a row, its help wrapped at 80 columns. */
export function flagHelp(names: readonly FlagName[]): string {
	const rows = names.map((name) => {
		const f: Flag<unknown> = FLAGS[name];
		const left = `${f.short ? `-${f.short}, ` : ''}${flagName(name)}${f.arg ? ` ${f.arg}` : ''}`;
		return [left, f.help] as const;
	});
	rows.push(['-h, --help', 'print this help']);
	const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
	const pad = ' '.repeat(2 + width);
	return rows
		.map(([left, help]) => {
			const lines = wrap(help, 78 - width);
			const first = left.length + 2 > width ? `  ${left}\n${pad}` : `  ${left.padEnd(width)}`;
			return first + lines.join(`\n${pad}`);
		})
		.join('\n');
}

function wrap(text: string, width: number): string[] {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line === '' ? word : `${line} ${word}`;
	}
	lines.push(line);
	return lines;
}
