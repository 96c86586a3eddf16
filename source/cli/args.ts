/**
 * Argument parsing shared by every command: meow, plus the checks meow leaves
 * to us — an unknown flag prints the usage and exits 2, a number flag that is
 * not a number names the flag and what was expected.
 */
import meow, {type AnyFlags, type Result} from 'meow';

export class UsageError extends Error {
	readonly exitCode = 2;
}

export interface Parsed<F extends AnyFlags> {
	input: string[];
	flags: Result<F>['flags'];
	showHelp: () => void;
}

/** `--help` and `--version` are answered here (printed, then `{done: code}`). */
export function parseArgs<F extends AnyFlags>(
	help: string,
	argv: string[],
	flags: F,
	importMeta: ImportMeta,
): Parsed<F> | {done: number} {
	if (argv.includes('--help') || argv.includes('-h')) {
		process.stdout.write(help.trim() + '\n');
		return {done: 0};
	}
	const cli = meow(help, {
		importMeta,
		argv,
		flags,
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: false,
		booleanDefault: undefined,
	});
	const known = new Set<string>();
	for (const [name, spec] of Object.entries(flags)) {
		known.add(name);
		const shortFlag = (spec as {shortFlag?: string}).shortFlag;
		if (shortFlag) known.add(shortFlag);
		for (const alias of (spec as {aliases?: string[]}).aliases ?? []) known.add(alias);
	}
	const unknown = Object.keys(cli.unnormalizedFlags).filter((k) => !known.has(k) && !known.has(camel(k)));
	if (unknown.length > 0) {
		const shown = unknown.map((k) => (k.length === 1 ? `-${k}` : `--${kebab(k)}`)).join(', ');
		throw new UsageError(`Unknown flag ${shown}\n\n${help.trim()}`);
	}
	for (const [name, spec] of Object.entries(flags)) {
		const value = (cli.flags as Record<string, unknown>)[name];
		if ((spec as {type: string}).type === 'number' && value !== undefined && Number.isNaN(value)) {
			throw new UsageError(`--${kebab(name)} expects a number`);
		}
	}
	return {input: cli.input, flags: cli.flags, showHelp: () => process.stdout.write(help.trim() + '\n')};
}

function camel(s: string): string {
	return s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function kebab(s: string): string {
	return s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** A non-negative integer flag, or a UsageError naming it. */
export function positiveInteger(value: number | undefined, flag: string): number | undefined {
	if (value === undefined) return undefined;
	if (!Number.isInteger(value) || value < 0) throw new UsageError(`--${flag} expects a whole number ≥ 0, got ${value}`);
	return value;
}

/** One of the allowed words, or a UsageError naming the flag and the choices. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
	if (value === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(value)) {
		throw new UsageError(`--${flag} expects one of ${allowed.join(', ')}; got '${value}'`);
	}
	return value as T;
}
