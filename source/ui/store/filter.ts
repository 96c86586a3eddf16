/**
 * The history filter (`f`): words joined by AND.
 *
 *   level:cpu,os     only these columns' events
 *   kind:vmm         event kinds starting with this (`kind:exception.raised`, `kind:os.`)
 *   guest:0          only this guest (-1 = the real machine)
 *   journey:12       only the events of these exception journeys (trace v2; the core numbers them)
 *   anything else    a regular expression on the row's text (case-insensitive);
 *                    `/a b/` keeps spaces
 *
 * Parsing is pure; an invalid expression is reported, never thrown.
 */
import {type EventKind, type Level, levelOf} from '../../bus/events.js';

export interface Filter {
	/** What the user typed. */
	text: string;
	levels?: ReadonlySet<Level>;
	kinds?: readonly string[];
	guests?: ReadonlySet<number>;
	journeys?: ReadonlySet<number>;
	/** Every one must match the row's text. */
	patterns?: readonly RegExp[];
}

const levels: readonly Level[] = ['cpu', 'exception', 'os', 'vmm', 'host'];

/** Split on spaces, except inside `/…/`. */
function words(text: string): string[] {
	return text.match(/\/[^/]*\/|\S+/g) ?? [];
}

export function parseFilter(text: string): {filter: Filter | null; error?: string} {
	const trimmed = text.trim();
	if (trimmed === '') return {filter: null};
	const filter: {text: string; levels?: Set<Level>; kinds?: string[]; guests?: Set<number>; journeys?: Set<number>; patterns?: RegExp[]} = {
		text: trimmed,
	};
	const patterns: string[] = [];
	for (const word of words(trimmed)) {
		const m = /^(level|kind|guest|journey):(.*)$/.exec(word);
		if (!m) {
			patterns.push(word.startsWith('/') && word.endsWith('/') && word.length > 1 ? word.slice(1, -1) : word);
			continue;
		}
		const values = m[2]!.split(',').filter((v) => v !== '');
		if (values.length === 0) return {filter: null, error: `${m[1]}: needs a value`};
		if (m[1] === 'level') {
			const bad = values.find((v) => !(levels as readonly string[]).includes(v));
			if (bad !== undefined) return {filter: null, error: `level '${bad}': one of ${levels.join(', ')}`};
			filter.levels = new Set([...(filter.levels ?? []), ...(values as Level[])]);
		} else if (m[1] === 'kind') {
			filter.kinds = [...(filter.kinds ?? []), ...values];
		} else if (m[1] === 'journey') {
			const numbers = values.map(Number);
			if (numbers.some((n) => !Number.isInteger(n) || n < 1)) return {filter: null, error: `journey: a journey number (1, 2, …)`};
			filter.journeys = new Set([...(filter.journeys ?? []), ...numbers]);
		} else {
			const numbers = values.map(Number);
			if (numbers.some((n) => !Number.isInteger(n))) return {filter: null, error: `guest: a number (-1 = real machine)`};
			filter.guests = new Set([...(filter.guests ?? []), ...numbers]);
		}
	}
	if (patterns.length > 0) {
		try {
			// Several loose words must all appear, in any order.
			filter.patterns = patterns.map((p) => new RegExp(p, 'i'));
		} catch (error) {
			return {filter: null, error: `regex: ${(error as Error).message}`};
		}
	}
	return {filter};
}

/** The cheap tests, before any text is formatted. */
export function matchesEvent(filter: Filter, kind: EventKind, guest: number, journey?: number): boolean {
	if (filter.journeys && (journey === undefined || !filter.journeys.has(journey))) return false;
	if (filter.levels && !filter.levels.has(levelOf(kind))) {
		// An exception row also shows its instruction under CPU: `level:cpu` keeps it.
		if (!(kind === 'exception.raised' && filter.levels.has('cpu'))) return false;
	}
	if (filter.kinds && !filter.kinds.some((k) => kind.startsWith(k))) return false;
	if (filter.guests && !filter.guests.has(guest)) return false;
	return true;
}

/** The text test, on the row's formatted text. */
export function matchesText(filter: Filter, text: string): boolean {
	return filter.patterns === undefined || filter.patterns.every((p) => p.test(text));
}
