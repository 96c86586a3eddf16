/**
 * What is wrong with a value, said the way a person fixes it: which key, what
 * was expected, what was found. Every file vmtop reads (trace lines and
 * headers, scenarios, ISA profiles) is checked against a TypeBox schema; the
 * compiled check answers yes/no fast, and only when it says no does this walk
 * the schema to find the first problem. A schema node's `description` is the
 * "expected …" text, so messages are written next to the types they describe.
 */
import type {TSchema} from 'typebox';
import Value from 'typebox/value';

export type Path = ReadonlyArray<string | number>;

export type Issue =
	/** A required key is absent. */
	| {kind: 'missing'; path: Path; expected: string}
	/** A key the schema does not know (objects with `additionalProperties: false`). */
	| {kind: 'unknown'; path: Path; allowed: string[]}
	/** A value of the wrong type or out of range. */
	| {kind: 'value'; path: Path; expected: string; got: unknown};

type Node = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first problem of `value` against `schema`, or null when it conforms. */
export function explain(schema: TSchema, value: unknown, path: Path = []): Issue | null {
	const s = schema as Node;
	if (s['type'] === 'object' && isRecord(value)) {
		const props = (s['properties'] ?? {}) as Record<string, TSchema>;
		const required = (s['required'] ?? []) as string[];
		if (s['additionalProperties'] === false) {
			for (const k of Object.keys(value)) if (!Object.hasOwn(props, k)) return {kind: 'unknown', path: [...path, k], allowed: Object.keys(props)};
		}
		for (const [k, sub] of Object.entries(props)) {
			if (!Object.hasOwn(value, k) || value[k] === undefined) {
				if (required.includes(k)) return {kind: 'missing', path: [...path, k], expected: describe(sub)};
				continue;
			}
			const issue = explain(sub, value[k], [...path, k]);
			if (issue) return issue;
		}
		const patterns = s['patternProperties'] as Record<string, TSchema> | undefined;
		const each = patterns ? Object.values(patterns)[0] : undefined;
		if (each) {
			for (const [k, v] of Object.entries(value)) {
				const issue = explain(each, v, [...path, k]);
				if (issue) return issue;
			}
		}
	} else if (Array.isArray(s['anyOf'])) {
		// A union: when only one branch is of the value's JSON type, the problem is inside that branch.
		const branches = (s['anyOf'] as TSchema[]).filter((b) => sameJsonType(b, value));
		if (branches.length === 1 && !Value.Check(schema, value)) {
			const branch = branches[0]!;
			const issue = explain(branch, value, path);
			// The branch itself is wrong and says nothing of its own: the union's description says more.
			const bare = issue?.kind === 'value' && issue.path.length === path.length && typeof (branch as Node)['description'] !== 'string';
			if (issue && !bare) return issue;
		}
	} else if (s['type'] === 'array' && Array.isArray(value)) {
		const items = s['items'];
		const ok = (s['minItems'] === undefined || value.length >= (s['minItems'] as number)) && (s['maxItems'] === undefined || value.length <= (s['maxItems'] as number));
		const tupleOk = !Array.isArray(items) || value.length === items.length;
		if (ok && tupleOk) {
			for (let i = 0; i < value.length; i++) {
				const sub = Array.isArray(items) ? (items[i] as TSchema) : (items as TSchema | undefined);
				if (!sub) continue;
				const issue = explain(sub, value[i], [...path, i]);
				if (issue) return issue;
			}
		}
	}
	if (!Value.Check(schema, value)) return {kind: 'value', path, expected: describe(schema), got: value};
	return null;
}

function sameJsonType(schema: TSchema, value: unknown): boolean {
	switch ((schema as Node)['type']) {
		case 'integer':
		case 'number':
			return typeof value === 'number';
		case 'string':
			return typeof value === 'string';
		case 'boolean':
			return typeof value === 'boolean';
		case 'array':
			return Array.isArray(value);
		case 'object':
			return isRecord(value);
		case 'null':
			return value === null;
		default:
			return false;
	}
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

/** "expected …" for a schema node: its description, or one derived from its type. */
export function describe(schema: TSchema): string {
	const s = schema as Node;
	if (typeof s['description'] === 'string') return s['description'];
	if ('const' in s) return JSON.stringify(s['const']);
	if (Array.isArray(s['anyOf'])) {
		const parts = (s['anyOf'] as TSchema[]).map(describe);
		return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]}` : (parts[0] ?? 'something else');
	}
	const lo = s['minimum'] as number | undefined;
	const hi = s['maximum'] as number | undefined;
	const range = lo !== undefined && hi !== undefined ? ` from ${lo} to ${hi}` : lo !== undefined ? ` ≥ ${lo}` : hi !== undefined ? ` ≤ ${hi}` : '';
	switch (s['type']) {
		case 'integer':
			return `an integer${range}`;
		case 'number':
			return `a number${range}`;
		case 'string':
			return 'a string';
		case 'boolean':
			return 'true or false';
		case 'null':
			return 'null';
		case 'array':
			return 'a list';
		case 'object':
			return 'an object';
		default:
			return 'something else';
	}
}
