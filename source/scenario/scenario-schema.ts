/**
 * The scenario file format (docs/scenarios.md) as TypeBox schemas, and the
 * limits a run is checked against before anything is allocated. Each
 * schema node's `description` is the "expected …" of the message a user sees
 * (schema/explain.ts), so the wording lives next to the rule.
 *
 * Two forms: `scenarioFileSchema` is what a person writes (paths relative to
 * the file, input or inputFile); `scenarioSpecSchema` is a validated Scenario
 * as a trace header carries it, checked again before a trace's run is rebuilt.
 */
import {freemem} from 'node:os';
import Type, {type TInteger, type TOptional} from 'typebox';
import {defaultCosts} from '../cpu/costs.js';
import {vmmTechniques} from './simulation.js';

export const DEFAULT_MEMORY = 1 << 20;
export const MIN_MEMORY = 1 << 16;
export const MAX_MEMORY = 1 << 30;
export const MAX_GUESTS = 16;
/** Guests × memory: the real machine under a VMM holds every guest's memory (vmm/build.ts). */
export const MAX_TOTAL_MEMORY = 1 << 30;
/** A cost of one event, in cycles: large enough for any experiment, small enough that cycle counts stay exact. */
export const MAX_COST = 1_000_000;

const costKeys = Object.keys(defaultCosts) as Array<keyof typeof defaultCosts>;
const costText = `a whole number of cycles from 0 to ${MAX_COST}`;
const cost = Type.Integer({minimum: 0, maximum: MAX_COST, description: costText});

/** Changes to the cost model (spec §8): any of its keys, bounded integers. */
export const costsSchema = Type.Object(Object.fromEntries(costKeys.map((k) => [k, Type.Optional(cost)])) as unknown as Record<keyof typeof defaultCosts, TOptional<TInteger>>, {
	additionalProperties: false,
	description: 'an object like {"vmmRoundTrip": 500}',
});

/** A whole cost model (a trace header's): every key. */
export const costModelSchema = Type.Object(Object.fromEntries(costKeys.map((k) => [k, cost])) as unknown as Record<keyof typeof defaultCosts, TInteger>, {
	description: `a cost model: ${costKeys.join(', ')}, each ${costText}`,
});

const memoryText = `a number of bytes, a multiple of 4 from ${MIN_MEMORY} to ${MAX_MEMORY}`;
export const memorySchema = Type.Integer({minimum: MIN_MEMORY, maximum: MAX_MEMORY, multipleOf: 4, description: memoryText});
const filePath = Type.String({minLength: 1, description: 'a file path (relative to the scenario)'});
const programs = Type.Array(filePath, {minItems: 1, description: 'a list of one or more user-program paths like ["../user/hello.s"]'});
const vmm = Type.Union(
	vmmTechniques.map((t) => Type.Literal(t)),
	{description: vmmTechniques.map((a) => `"${a}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')},
);
const type = Type.Union([Type.Literal(1), Type.Literal(2)], {description: '1 (VMM on bare metal) or 2 (hosted VMM)'});
const isa = Type.Union([Type.Literal('classic'), Type.Literal('pentium'), Type.String({pattern: '\\.json$'})], {
	description: '"classic", "pentium" or a profile file (.json)',
});
const text = Type.String({description: 'a string'});
const guestCount = Type.Integer({minimum: 1, maximum: MAX_GUESTS, description: `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests`});
const listText = `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests like [{"programs": ["../user/hello.s"]}]`;

const guestFile = Type.Object(
	{name: Type.Optional(text), kernel: Type.Optional(filePath), programs, input: Type.Optional(text), inputFile: Type.Optional(filePath)},
	{additionalProperties: false, description: 'a guest like {"programs": ["../user/hello.s"], "input": "3\\n"}'},
);

/** A scenario file as written. Cross-key rules (input xor inputFile, type 2 needs a VMM, …) are checked in scenario.ts. */
export const scenarioFileSchema = Type.Object(
	{
		name: Type.Optional(text),
		description: Type.Optional(text),
		kernel: Type.Optional(filePath),
		programs: Type.Optional(programs),
		input: Type.Optional(text),
		inputFile: Type.Optional(filePath),
		isa: Type.Optional(isa),
		memory: Type.Optional(memorySchema),
		maxInstructions: Type.Optional(Type.Integer({minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'a whole number ≥ 1'})),
		vmm: Type.Optional(vmm),
		type: Type.Optional(type),
		vms: Type.Optional(Type.Union([guestCount, Type.Array(guestFile, {minItems: 1, maxItems: MAX_GUESTS})], {description: listText})),
		costs: Type.Optional(costsSchema),
	},
	{additionalProperties: false, description: 'the scenario: an object like {"programs": ["../user/hello.s"]}'},
);

const guestSpec = Type.Object({name: Type.Optional(text), kernel: Type.Optional(filePath), programs, input: text});

/** A validated Scenario (scenario.ts), as a trace header stores it to rebuild the run. */
export const scenarioSpecSchema = Type.Object({
	file: Type.String(),
	name: text,
	description: Type.Optional(text),
	kernel: filePath,
	programs: Type.Array(filePath, {description: 'a list of user-program paths'}),
	input: text,
	isa,
	memory: memorySchema,
	maxInstructions: Type.Optional(Type.Integer({minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'a whole number ≥ 1'})),
	vmm,
	type,
	vms: Type.Union([guestCount, Type.Array(guestSpec, {minItems: 1, maxItems: MAX_GUESTS})], {description: listText}),
	costs: costsSchema,
});

/** A bare program's run (scenario/build.ts, buildBareSimulation), as a trace header stores it. */
export const bareSpecSchema = Type.Object({program: filePath, isa, memory: memorySchema, input: text});

/**
 * Guests × memory against MAX_TOTAL_MEMORY and the machine's free memory,
 * before a byte is allocated. Null when it fits, or what is wrong (naming the keys).
 */
export function machineSizeProblem(guests: number, memory: number, keys = '"vms" × "memory"'): string | null {
	const total = guests * memory;
	if (total > MAX_TOTAL_MEMORY) {
		return `keys ${keys}: ${guests} guest${guests === 1 ? '' : 's'} × ${memory} bytes = ${total} bytes; the real machine holds at most ${MAX_TOTAL_MEMORY} bytes (${MAX_TOTAL_MEMORY >> 20} MiB) in all`;
	}
	const free = freemem();
	if (total > free) {
		return `keys ${keys}: ${guests} guest${guests === 1 ? '' : 's'} × ${memory} bytes = ${total} bytes, more than this computer's free memory (${free} bytes)`;
	}
	return null;
}
