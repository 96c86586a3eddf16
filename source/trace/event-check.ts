/**
 * Checking one event line of a trace against the event schema
 * (bus/event-schema.ts, plus `cpu.sample`, which only traces have). Each kind's
 * schema is compiled once to a plain JavaScript predicate (TypeBox's
 * compiler): the check of a good line costs a fraction of its JSON.parse.
 * Only a line that fails is walked again (schema/explain.ts) to say which
 * field is wrong and what was expected.
 */
import Type, {type TSchema} from 'typebox';
import {Compile} from 'typebox/compile';
import {baseFields, eventSchema} from '../bus/event-schema.js';
import {eventKinds} from '../bus/events.js';
import {explain, formatPath, show} from '../schema/explain.js';

/** `cpu.sample` (format.ts, CpuSample): a trace-only event. */
const cpuSampleSchema = Type.Object({
	kind: Type.Literal('cpu.sample'),
	pc: Type.Integer({minimum: 0, description: 'an address (an integer ≥ 0)'}),
	supervisor: Type.Boolean({description: 'true or false'}),
	flags: Type.Integer({description: 'an integer'}),
	regs: Type.Array(Type.Integer(), {description: 'a list of integers (the registers)'}),
	ubase: Type.Integer({description: 'an integer'}),
	...baseFields,
});

interface Checker {
	schema: TSchema;
	check: (value: unknown) => boolean;
}

const checkers = new Map<string, Checker>();
for (const kind of eventKinds) {
	const schema = eventSchema(kind);
	const compiled = Compile(schema);
	checkers.set(kind, {schema, check: (v) => compiled.Check(v)});
}
{
	const compiled = Compile(cpuSampleSchema);
	checkers.set('cpu.sample', {schema: cpuSampleSchema, check: (v) => compiled.Check(v)});
}

/** What is wrong with a parsed event line, or null. Phrased to follow `FILE:LINE: malformed event line: `. */
export function checkEvent(value: unknown): string | null {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not a JSON object (got ${show(value)})`;
	const kind = (value as Record<string, unknown>)['kind'];
	if (typeof kind !== 'string') return `field "kind": expected an event kind (a string such as "instruction"), got ${show(kind)}`;
	const checker = checkers.get(kind);
	if (!checker) return `unknown event kind '${kind.length > 40 ? kind.slice(0, 37) + '...' : kind}'`;
	if (checker.check(value)) return null;
	const issue = explain(checker.schema, value);
	if (!issue || issue.kind === 'unknown') return `${kind} event does not match its schema`;
	const field = formatPath(issue.path);
	if (issue.kind === 'missing') return `${kind} event: field "${field}" is missing (expected ${issue.expected})`;
	return `${kind} event: field "${field}": expected ${issue.expected}, got ${show(issue.got)}`;
}
