/**
 * A valibot schema turned into a plain predicate, for the one check that runs
 * a million times: a trace's event lines. `v.is` walks the schema and builds
 * datasets on every call (about as costly as the JSON.parse of the line);
 * this closure tree does only the comparisons. It covers the node types the
 * event schemas use and falls back to `v.is` for anything else, so its answer
 * is always valibot's (test/trace/fast-check.test.ts compares the two).
 */
import * as v from 'valibot';

type Node = Record<string, unknown>;
type Check = (x: unknown) => boolean;

export function fastCheck(schema: v.GenericSchema): Check {
	return compile(schema as unknown as Node) ?? ((x) => v.is(schema, x));
}

function compile(node: Node): Check | null {
	const pipe = Array.isArray(node['pipe']) ? (node['pipe'] as Node[]).slice(1) : [];
	const base = compileBase(node);
	if (!base) return null;
	const actions: Check[] = [];
	for (const a of pipe) {
		const r = a['requirement'] as number;
		if (a['type'] === 'integer') actions.push((x) => Number.isInteger(x));
		else if (a['type'] === 'min_value') actions.push((x) => (x as number) >= r);
		else if (a['type'] === 'max_value') actions.push((x) => (x as number) <= r);
		else return null;
	}
	if (actions.length === 0) return base;
	return (x) => {
		if (!base(x)) return false;
		for (const a of actions) if (!a(x)) return false;
		return true;
	};
}

function compileBase(node: Node): Check | null {
	switch (node['type']) {
		case 'number':
			return (x) => typeof x === 'number' && !Number.isNaN(x);
		case 'string':
			return (x) => typeof x === 'string';
		case 'boolean':
			return (x) => typeof x === 'boolean';
		case 'literal': {
			const literal = node['literal'];
			return (x) => x === literal;
		}
		case 'picklist': {
			const options = new Set(node['options'] as unknown[]);
			return (x) => options.has(x);
		}
		case 'optional': {
			if (node['default'] !== undefined) return null;
			const inner = compile(node['wrapped'] as Node);
			return inner && ((x) => x === undefined || inner(x));
		}
		case 'nullable': {
			if (node['default'] !== undefined) return null;
			const inner = compile(node['wrapped'] as Node);
			return inner && ((x) => x === null || inner(x));
		}
		case 'tuple': {
			const items = (node['items'] as Node[]).map(compile);
			if (items.some((i) => !i)) return null;
			const checks = items as Check[];
			return (x) => Array.isArray(x) && x.length >= checks.length && checks.every((c, i) => c(x[i]));
		}
		case 'array': {
			const item = compile(node['item'] as Node);
			return item && ((x) => Array.isArray(x) && x.every(item));
		}
		case 'object': // a plain object schema accepts (and drops) other keys: for a check, as loose
		case 'loose_object': {
			const entries = Object.entries(node['entries'] as Record<string, Node>).map(([k, n]) => [k, compile(n)] as const);
			if (entries.some(([, c]) => !c)) return null;
			const checks = entries as ReadonlyArray<readonly [string, Check]>;
			return (x) => {
				if (typeof x !== 'object' || x === null) return false;
				const o = x as Record<string, unknown>;
				for (const [k, c] of checks) if (!c(o[k])) return false;
				return true;
			};
		}
		default:
			return null;
	}
}
