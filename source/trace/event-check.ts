/**
 * Checking one event line of a trace against the event schema
 * (bus/event-schema.ts, plus `cpu.sample`, which only traces have). Each kind's
 * schema is turned once into a plain predicate (schema/fast-check.ts): a good
 * line costs a fraction of its JSON.parse. Only a line that fails is checked
 * again by valibot for its first issue (schema/explain.ts): which field, what
 * was expected.
 */
import * as v from 'valibot';
import {baseFields, eventSchema} from '../bus/event-schema.js';
import {eventKinds} from '../bus/events.js';
import {explain, formatPath, integer, show} from '../schema/explain.js';
import {fastCheck} from '../schema/fast-check.js';

/** `cpu.sample` (format.ts, CpuSample): a trace-only event. */
const cpuSampleSchema = v.looseObject(
	{
		kind: v.literal('cpu.sample'),
		...baseFields,
		pc: integer('an address (an integer ≥ 0)', 0),
		supervisor: v.boolean('true or false'),
		flags: integer('an integer'),
		regs: v.array(integer('an integer'), 'a list of integers (the registers)'),
		ubase: integer('an integer'),
	},
	'an event (a JSON object)',
);

const schemas = new Map<string, v.GenericSchema>();
for (const kind of eventKinds) schemas.set(kind, eventSchema(kind) as unknown as v.GenericSchema);
schemas.set('cpu.sample', cpuSampleSchema);
/** The per-line check: each kind's schema as a plain predicate (schema/fast-check.ts). */
const checks = new Map([...schemas].map(([kind, schema]) => [kind, fastCheck(schema)]));

/** The schema of an event kind (with `cpu.sample`), for tests and tools. */
export function traceEventSchema(kind: string): v.GenericSchema | undefined {
	return schemas.get(kind);
}

/** What is wrong with a parsed event line, or null. Phrased to follow `FILE:LINE: malformed event line: `. */
export function checkEvent(value: unknown): string | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not a JSON object (got ${show(value)})`;
	const kind = (value as Record<string, unknown>)['kind'];
	if (typeof kind !== 'string') return `field "kind": expected an event kind (a string such as "instruction"), got ${show(kind)}`;
	const schema = schemas.get(kind);
	if (!schema) return `unknown event kind '${kind.length > 40 ? kind.slice(0, 37) + '...' : kind}'`;
	if (checks.get(kind)!(value)) return null;
	const issue = explain(schema, value);
	if (!issue || issue.kind === 'unknown') return `${kind} event does not match its schema`;
	const field = formatPath(issue.path);
	if (issue.kind === 'missing') return `${kind} event: field "${field}" is missing (expected ${issue.expected})`;
	return `${kind} event: field "${field}": expected ${issue.expected}, got ${show(issue.got)}`;
}
