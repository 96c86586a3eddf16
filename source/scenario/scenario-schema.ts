/**
 * The scenario file format (docs/scenarios.md) as valibot schemas, and the
 * limits a run is checked against before anything is allocated. Each
 * schema node's message is the "expected …" of the message a user sees
 * (schema/explain.ts), so the wording lives next to the rule.
 *
 * Two forms: `scenarioFileSchema` is what a person writes (paths relative to
 * the file, input or inputFile); `scenarioSpecSchema` is a validated Scenario
 * as a trace header carries it, checked again before a trace's run is rebuilt.
 */
import {freemem} from 'node:os';
import * as v from 'valibot';
import {defaultCosts} from '../cpu/costs.js';
import {integer, oneOf, strictRecord} from '../schema/explain.js';
import {DEFAULT_MEMORY} from '../sim/kernel.js';
import {transientTechniques, vmmTechniques} from '../sim/simulation.js';

export {DEFAULT_MEMORY};
export const MIN_MEMORY = 1 << 16;
export const MAX_MEMORY = 1 << 30;
export const MAX_GUESTS = 16;
/** Guests × memory: the real machine under a VMM holds every guest's memory (vmm/build.ts). */
export const MAX_TOTAL_MEMORY = 1 << 30;
/** A cost of one event, in cycles: large enough for any experiment, small enough that cycle counts stay exact. */
export const MAX_COST = 1_000_000;

const costKeys = Object.keys(defaultCosts) as Array<keyof typeof defaultCosts>;
const costText = `a whole number of cycles from 0 to ${MAX_COST}`;
const cost = integer(costText, 0, MAX_COST);

/** Changes to the cost model (docs/v32.md §8.1): any of its keys, bounded integers. */
export const costsSchema = strictRecord(
	Object.fromEntries(costKeys.map((k) => [k, v.optional(cost)])) as Record<keyof typeof defaultCosts, v.OptionalSchema<typeof cost, undefined>>,
	'an object like {"vmmRoundTrip": 500}',
);

/** Cost keys added after traces were first written: a header without one was recorded before (it never used it). */
const laterCostKeys = new Set<string>(['interpret']);

/** A whole cost model (a trace header's): every key, except one added later (then its default). */
export const costModelSchema = v.object(
	Object.fromEntries(costKeys.map((k) => [k, laterCostKeys.has(k) ? v.optional(cost, defaultCosts[k]) : cost])) as Record<
		keyof typeof defaultCosts,
		typeof cost
	>,
	`a cost model: ${costKeys.join(', ')}, each ${costText}`,
);

const memoryText = `a number of bytes, a multiple of 4 from ${MIN_MEMORY} to ${MAX_MEMORY}`;
export const memorySchema = v.pipe(integer(memoryText, MIN_MEMORY, MAX_MEMORY), v.multipleOf(4, memoryText));
const pathText = 'a file path (relative to the scenario)';
const filePath = v.pipe(v.string(pathText), v.minLength(1, pathText));
const programsText = 'a list of one or more user-program paths like ["../user/hello.s"]';
const programs = v.pipe(v.array(filePath, programsText), v.minLength(1, programsText));
const vmm = oneOf(vmmTechniques);
const type = oneOf([1, 2] as const, '1 (VMM on bare metal) or 2 (hosted VMM)');
const isaText = '"classic", "pentium" or a profile file (.json)';
const isa = v.pipe(v.string(isaText), v.check((s) => s === 'classic' || s === 'pentium' || s.endsWith('.json'), isaText));
const text = v.string('a string');
const countText = `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests`;
const guestCount = integer(countText, 1, MAX_GUESTS);
const listText = `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests like [{"programs": ["../user/hello.s"]}]`;
const maxInstructions = integer('a whole number ≥ 1', 1, Number.MAX_SAFE_INTEGER);
/** Deepest stack of VMM layers a scenario may ask for (each needs 64 KiB more memory, and runs ~20× slower). */
export const MAX_NESTED = 4;
const nestedText = `a list of 1 to ${MAX_NESTED} VMM layers in V32 assembly, outermost first, like ["../vmm/mini-vmm.s"]`;
/** Issue 17 §2: VMMs written in V32 (samples/vmm/mini-vmm.s) stacked under the kernel (source/sim/nested.ts). */
const nested = v.pipe(v.array(filePath, nestedText), v.minLength(1, nestedText), v.maxLength(MAX_NESTED, nestedText));

const guestFile = v.strictObject(
	// `isa`: family virtualization — the guest's own ISA profile (docs/vmm.md).
	{name: v.optional(text), kernel: v.optional(filePath), programs, input: v.optional(text), inputFile: v.optional(filePath), isa: v.optional(isa)},
	'a guest like {"programs": ["../user/hello.s"], "input": "3\\n"}',
);
const guestList = <T extends v.GenericSchema>(guest: T) => v.pipe(v.array(guest, listText), v.minLength(1, listText), v.maxLength(MAX_GUESTS, listText));

const at = integer('a guest instruction count (an integer ≥ 0)', 0, Number.MAX_SAFE_INTEGER);
const transientStepText = `a step like {"at": 120000, "attach": "${transientTechniques[0]}"} or {"at": 250000, "detach": true}`;
/** A transient VMM's schedule (docs/vmm.md "Transient VMM"): attach and detach points, in order (checked in scenario.ts). */
export const transientSchema = v.array(
	v.union(
		[
			v.strictObject({at, attach: oneOf(transientTechniques), type: v.optional(type)}, transientStepText),
			v.strictObject({at, detach: v.literal(true, 'true')}, transientStepText),
		],
		transientStepText,
	),
	'a list of attach and detach steps like [{"at": 120000, "attach": "trap"}, {"at": 250000, "detach": true}]',
);

/** A scenario file as written. Cross-key rules (input xor inputFile, type 2 needs a VMM, …) are checked in scenario.ts. */
export const scenarioFileSchema = v.strictObject(
	{
		name: v.optional(text),
		description: v.optional(text),
		kernel: v.optional(filePath),
		programs: v.optional(programs),
		input: v.optional(text),
		inputFile: v.optional(filePath),
		isa: v.optional(isa),
		memory: v.optional(memorySchema),
		maxInstructions: v.optional(maxInstructions),
		vmm: v.optional(vmm),
		type: v.optional(type),
		vms: v.optional(v.union([guestCount, guestList(guestFile)], listText)),
		costs: v.optional(costsSchema),
		nested: v.optional(nested),
		transient: v.optional(transientSchema),
	},
	'the scenario: an object like {"programs": ["../user/hello.s"]}',
);

const guestSpec = v.object({name: v.optional(text), kernel: v.optional(filePath), programs, input: text}, 'a guest');

/** A validated Scenario (scenario.ts), as a trace header stores it to rebuild the run. */
export const scenarioSpecSchema = v.object(
	{
		file: text,
		name: text,
		description: v.optional(text),
		kernel: filePath,
		programs: v.array(filePath, 'a list of user-program paths'),
		input: text,
		isa,
		memory: memorySchema,
		maxInstructions: v.optional(maxInstructions),
		vmm,
		type,
		vms: v.union([guestCount, guestList(guestSpec)], listText),
		costs: costsSchema,
		nested: v.optional(nested),
		transient: v.optional(transientSchema),
	},
	'a scenario',
);

/** A bare program's run (scenario/build.ts, buildBareSimulation), as a trace header stores it. */
export const bareSpecSchema = v.object({program: filePath, isa, memory: memorySchema, input: text}, 'a bare program run');


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
