/**
 * What is wrong with a value, said the way a person fixes it: which key, what
 * was expected, what was found. Every file vmtop reads (trace lines and
 * headers, scenarios, ISA profiles) is checked against a valibot schema whose
 * every node carries its "expected …" text as its message (the helpers below),
 * so the wording lives next to the rule it describes.
 */
import * as v from 'valibot';

export type Path = ReadonlyArray<string | number>;
type Schema = v.GenericSchema;

export type Issue =
	/** A required key is absent. */
	| {kind: 'missing'; path: Path; expected: string}
	/** A key the schema does not know (strict objects). */
	| {kind: 'unknown'; path: Path; allowed: string[]}
	/** A value of the wrong type or out of range. */
	| {kind: 'value'; path: Path; expected: string; got: unknown};

type Node = Record<string, unknown>;

/** The first problem of `value` against `schema`, or null when it conforms. */
export function explain(schema: Schema, value: unknown): Issue | null {
	const result = v.safeParse(schema, value, {abortEarly: true});
	if (result.success) return null;
	const issue = innermost(result.issues[0]);
	const path: Array<string | number> = (issue.path ?? []).map((p) => p.key as string | number);
	if (issue.type === 'strict_object' && issue.expected === 'never') {
		const parentPath = path.slice(0, -1);
		const parent = nodeAt(schema, parentPath);
		const parentValue = valueAt(value, parentPath);
		// valibot's objects accept arrays (their indexes look like keys): a list where an object belongs is a wrong value.
		if (Array.isArray(parentValue)) return {kind: 'value', path: parentPath, expected: parent ? messageOf(parent) : issue.message, got: parentValue};
		return {kind: 'unknown', path, allowed: Object.keys((parent?.['entries'] ?? {}) as object)};
	}
	if (issue.input === undefined && (issue.type === 'object' || issue.type === 'strict_object' || issue.type === 'loose_object')) {
		const node = nodeAt(schema, path);
		return {kind: 'missing', path, expected: node ? messageOf(node) : issue.message};
	}
	return {kind: 'value', path, expected: issue.message, got: issue.input};
}

/**
 * A union's issue says only "expected one of these"; when one branch got
 * further (a deeper path: the value was of its type) or failed only a range
 * check, its issue says more.
 */
function innermost(issue: v.BaseIssue<unknown>): v.BaseIssue<unknown> {
	if (issue.type !== 'union' || !issue.issues || issue.issues.length === 0) return issue;
	// A branch's issue has its path relative to the union's value.
	const within = (i: v.BaseIssue<unknown>): v.BaseIssue<unknown> => ({...i, path: [...(issue.path ?? []), ...(i.path ?? [])] as typeof i.path});
	const deeper = issue.issues.find((i) => (i.path?.length ?? 0) > 0);
	if (deeper) return innermost(within(deeper));
	const ranged = issue.issues.find((i) => i.kind === 'validation');
	return ranged ? innermost(within(ranged)) : issue;
}

function valueAt(value: unknown, path: Path): unknown {
	let at = value;
	for (const key of path) at = at === null || typeof at !== 'object' ? undefined : (at as Record<string | number, unknown>)[key];
	return at;
}

/** The schema node at `path` (through optionals, pipes, unions, lists). */
function nodeAt(schema: Schema, path: Path): Node | undefined {
	let node: Node | undefined = schema as unknown as Node;
	for (const key of path) {
		node = unwrap(node);
		if (!node) return undefined;
		if (Array.isArray(node['options'])) {
			const options = (node['options'] as Node[]).map(unwrap);
			node = options.find((o) => o && (typeof key === 'number' ? o['item'] !== undefined || o['items'] !== undefined : o['entries'] !== undefined));
			if (!node) return undefined;
		}
		if (typeof key === 'number') node = (Array.isArray(node['items']) ? (node['items'] as Node[])[key] : (node['item'] as Node | undefined)) ?? undefined;
		else node = ((node['entries'] as Record<string, Node> | undefined)?.[key] ?? (node['value'] as Node | undefined)) ?? undefined;
	}
	return unwrap(node);
}

function unwrap(node: Node | undefined): Node | undefined {
	for (;;) {
		if (node && (node['type'] === 'optional' || node['type'] === 'nullable' || node['type'] === 'nullish') && node['wrapped']) node = node['wrapped'] as Node;
		else if (node && node['type'] === 'unknown' && Array.isArray(node['pipe'])) {
			// strictRecord: the object schema is the last item of the pipe.
			const schemas = (node['pipe'] as Node[]).filter((p) => p['kind'] === 'schema' && p !== node);
			const last = schemas[schemas.length - 1];
			if (!last || last === node) return node;
			node = last;
		} else return node;
	}
}

function messageOf(node: Node): string {
	const n = unwrap(node) ?? node;
	return typeof n['message'] === 'string' ? n['message'] : 'a value';
}

/** `vms[0].programs` */
export function formatPath(path: Path): string {
	let out = '';
	for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
	return out;
}

/** A value as a message shows it: short, JSON, `nothing` for absent. */
export function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	let text: string;
	try {
		text = JSON.stringify(value) ?? String(value);
	} catch {
		text = String(value);
	}
	return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

// ---- schema helpers: every node says what it expects ------------------------------

/** An integer in [min, max]; `expected` is the message of every check. */
export function integer(expected: string, min?: number, max?: number) {
	const actions = [v.integer(expected), ...(min === undefined ? [] : [v.minValue(min, expected)]), ...(max === undefined ? [] : [v.maxValue(max, expected)])];
	return v.pipe(v.number(expected), ...(actions as [ReturnType<typeof v.integer<number, string>>]));
}

/** A strict object that is not a list either (valibot's objects accept arrays). */
export function strictRecord<const E extends v.ObjectEntries>(entries: E, expected: string) {
	return v.pipe(
		v.unknown(),
		v.check((x) => !Array.isArray(x), expected),
		v.strictObject(entries, expected),
	);
}

/** One of some string or number literals. */
export function oneOf<const T extends readonly (string | number)[]>(values: T, expected = describeValues(values)) {
	return v.picklist(values as unknown as T[number][], expected) as unknown as v.PicklistSchema<T, string>;
}

export function describeValues(values: readonly (string | number)[]): string {
	return values.map((a) => JSON.stringify(a)).join(', ').replace(/, ([^,]*)$/, ' or $1');
}
