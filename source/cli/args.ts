/**
 * The one flag parser: node:util's parseArgs splits argv into tokens, and each
 * flag is checked against the table in source/cli/flags.ts — unknown flags, a
 * flag without its value, a value for a flag that takes none, a flag given
 * twice, and the flag's own validator. Every error is a UsageError (exit 2)
 * naming the flag and what was expected.
 */
import process from 'node:process';
import {parseArgs as tokenize} from 'node:util';
import {UsageError} from '../user-error.js';
import {FLAGS, type Flag, type FlagName, type FlagValue, GLOBAL_FLAGS, flagHelp, flagName} from './flags.js';

export {UsageError} from '../user-error.js';

export interface CommandSpec<K extends FlagName> {
	/** `vmtop run`: names the command in messages. */
	command: string;
	/** Usage and description; the Flags section is generated from the table. */
	usage: string;
	flags: readonly K[];
}

export type Flags<K extends FlagName> = {[N in K]?: FlagValue<(typeof FLAGS)[N]>};

export interface Parsed<K extends FlagName> {
	input: string[];
	flags: Flags<K | (typeof GLOBAL_FLAGS)[number]>;
}

/** The command's --help: its usage, then every flag it takes, from the table. */
export function commandHelp(spec: CommandSpec<FlagName>): string {
	return `${spec.usage.trim()}\n\nFlags\n${flagHelp([...spec.flags, ...GLOBAL_FLAGS])}`;
}

const byOption = new Map<string, FlagName>(Object.keys(FLAGS).map((name) => [flagName(name).slice(2), name as FlagName]));

/**
 * Parse argv for a command. `--help` / `-h` prints the help (through `write`)
 * and returns `{done: 0}`; anything wrong throws a UsageError.
 */
export function parseCommand<K extends FlagName>(
	spec: CommandSpec<K>,
	argv: string[],
	write: (text: string) => void = (text) => void process.stdout.write(text),
): Parsed<K> | {done: number} {
	const accepted = new Set<FlagName>([...spec.flags, ...GLOBAL_FLAGS]);
	const options: Record<string, {type: 'string' | 'boolean'; short?: string; multiple?: boolean}> = {help: {type: 'boolean', short: 'h'}};
	for (const name of accepted) {
		const f: Flag<unknown> = FLAGS[name];
		options[flagName(name).slice(2)] = {type: f.boolean ? 'boolean' : 'string', ...(f.short ? {short: f.short} : {})};
	}
	const {tokens} = tokenize({args: argv, options, strict: false, allowPositionals: true, tokens: true});
	if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) {
		write(commandHelp(spec) + '\n');
		return {done: 0};
	}
	const input: string[] = [];
	const values: Record<string, unknown> = {};
	const usage = (message: string): UsageError => new UsageError(`${message}\n(${spec.command} --help lists its flags)`);
	for (const t of tokens) {
		if (t.kind === 'positional') input.push(t.value);
		if (t.kind !== 'option') continue;
		const name = byOption.get(t.name);
		if (name === undefined || !accepted.has(name)) {
			throw usage(name === undefined ? `Unknown flag ${t.rawName}` : `Unknown flag ${t.rawName}: ${spec.command} does not take it`);
		}
		const f: Flag<unknown> = FLAGS[name];
		const shown = flagName(name);
		if (f.boolean) {
			if (t.value !== undefined) throw usage(`${shown} takes no value, got '${t.value}'`);
			values[name] = true;
			continue;
		}
		// A value that looks like a flag was not meant as this flag's value (`--max-instructions --headless`).
		if (t.value === undefined || (!t.inlineValue && /^-[^\d]/.test(t.value))) {
			throw usage(`${shown} needs a value (${f.arg})${t.value === undefined ? '' : `, got the flag ${t.value} (a value that starts with - goes as ${shown}=VALUE)`}`);
		}
		const parsed = f.parse(t.value, shown);
		if (f.multiple) ((values[name] ??= []) as unknown[]).push(parsed);
		else if (name in values) throw usage(`${shown} is given more than once`);
		else values[name] = parsed;
	}
	// The no-color.org convention: --no-color is NO_COLOR for this process (chalk, read when Ink loads, honours FORCE_COLOR=0).
	if (values['noColor'] === true) {
		process.env['NO_COLOR'] = '1';
		process.env['FORCE_COLOR'] = '0';
	}
	return {input, flags: values as Parsed<K>['flags']};
}

/** No more than `max` positional arguments, or a UsageError saying what was expected. */
export function atMost(input: string[], max: number, what: string, spec: CommandSpec<FlagName>): void {
	if (input.length > max) throw new UsageError(`expected ${what}, got ${input.length}: ${input.join(' ')}\n\n${commandHelp(spec)}`);
}
