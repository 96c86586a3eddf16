/**
 * The event map (events.ts) as a schema: one table row per event kind, one
 * entry per field. Trace readers check every event line against it
 * (trace/event-check.ts), so a damaged line is reported by line, field and
 * expected type instead of crashing whatever reads the field later.
 *
 * The types in events.ts stay the source of truth for the core; the check at
 * the end of this file fails to compile when a row and its EventMap entry
 * disagree, so adding a field to an event is one line here (optional fields:
 * `v.optional(…)`, and traces recorded before the field still read).
 */
import * as v from 'valibot';
import {integer, oneOf} from '../schema/explain.js';
import type {EventKind, EventOf, ExitCategory, JourneyPart, JourneyType, StopReason} from './events.js';

/** Addresses: V32's are 32-bit; a KVM import's guest rip is 64-bit, so no upper bound. */
const address = integer('an address (an integer ≥ 0)', 0);
const int = integer('an integer');
const count = integer('a count (an integer ≥ 0)', 0);
const vector = integer('an exception vector (an integer from 0 to 255)', 0, 255);
const irq = integer('an IRQ line (an integer from 0 to 255)', 0, 255);
const pid = integer('a process id (an integer)');
const flag = v.boolean('true or false');
const text = v.string('a string');
const journeyId = integer('a journey id (an integer ≥ 1)', 1);
const journeyType = oneOf(['fault', 'trap', 'interrupt'] as const satisfies readonly JourneyType[]);
const journeyParts = ['cpu', 'exception', 'vmm', 'host', 'return', 'idle', 'nested', 'preempted'] as const satisfies readonly JourneyPart[];
/** Where a journey's cycles went: level → cycles, only the parts that are not 0 (trace v2). */
const journeyCost = v.looseObject(
	Object.fromEntries(journeyParts.map((p) => [p, v.optional(count)])) as {[P in (typeof journeyParts)[number]]: v.OptionalSchema<typeof count, undefined>},
	'a cost by level like {"cpu": 12, "vmm": 1000}',
);

/** The code an event names and its process, as they were when it happened (events.ts `Named`, trace v2). */
const named = {symbol: v.optional(text), pid: v.optional(pid)};

export const stopReasons = ['poweroff', 'triple-fault', 'halt-interrupts-disabled', 'halt-nothing-can-wake', 'instruction-limit', 'exception-loop'] as const satisfies readonly StopReason[];
export const exitCategories = ['privileged', 'exception', 'hypercall', 'bt', 'timer', 'host', 'interpret'] as const satisfies readonly ExitCategory[];

/** Fields every event has (events.ts `Base`). */
export const baseFields = {
	cycle: integer('a cycle count (an integer ≥ 0)', 0),
	instret: integer('an instruction count (an integer ≥ 0)', 0),
	guest: integer('a guest index (an integer ≥ -1; -1 is the real machine)', -1),
	/** The exception journey the event belongs to (trace v2). */
	journey: v.optional(journeyId),
};

/** One row per event kind: its own fields (the base fields are added to each). */
export const eventFields = {
	instruction: {pc: address, phys: address, supervisor: flag, header: int},
	'exception.raised': {
		vector,
		pc: address,
		badaddr: int,
		supervisor: flag,
		phys: v.optional(address),
		type: v.optional(journeyType),
		parent: v.optional(journeyId),
		irq: v.optional(irq),
		...named,
	},
	'exception.delivered': {vector, epc: address, handler: address, fromSupervisor: flag},
	iret: {pc: address, to: address, toSupervisor: flag, toPhys: v.optional(address), ...named},
	'interrupt.raised': {irq, vector},
	'interrupt.taken': {irq, vector, pc: address, ...named},
	io: {port: int, direction: oneOf(['in', 'out'] as const), value: int},
	halt: {state: oneOf(['waiting', 'woke'] as const), pc: address},
	stop: {reason: oneOf(stopReasons), code: int, message: text},
	console: {text},
	'os.handler': {vector, handler: address, symbol: text},
	'os.syscall': {pid, number: int, name: text, args: v.tuple([int, int, int], 'three integers [a, b, c]')},
	'os.switch': {from: pid, to: pid},
	'os.return': {pid, pc: address, symbol: v.optional(text)},
	'os.kill': {pid, vector, epc: address},
	'os.exit': {pid, code: int},
	'vmm.intercept': {reason: text, category: oneOf(exitCategories), pc: address},
	'vmm.emulate': {mnemonic: text, pc: address, effect: text},
	'vmm.reflect': {vector, handler: address, symbol: text},
	'vmm.translate': {block: address, length: count, patches: count},
	'vmm.hypercall': {number: int, name: text},
	'vmm.resume': {pc: address, cost: count},
	'vmm.worldswitch': {from: int, to: int},
	'vmm.interpret': {pc: address, count, cost: count},
	'vmm.attach': {technique: text, hosted: flag, pc: address, cost: count},
	'vmm.detach': {technique: text, pc: address, cost: count, entries: count},
	'host.enter': {reason: text},
	'host.exit': {cost: count},
	'journey.end': {
		journey: journeyId,
		parent: v.nullable(journeyId),
		vector,
		type: journeyType,
		virtual: flag,
		cause: v.nullable(journeyId),
		start: v.looseObject({cycle: count, instret: count}, 'the start like {"cycle": 0, "instret": 0}'),
		cost: journeyCost,
		next: v.optional(journeyId),
	},
} satisfies Record<EventKind, v.ObjectEntries>;

type Fields = typeof eventFields;
type Flat<T> = {[P in keyof T]: T[P]};
// A kind's own field overrides a base field of the same name (journey.end's required `journey`).
type Props<K extends EventKind> = Flat<{kind: v.LiteralSchema<K, string>} & Omit<typeof baseFields, keyof Fields[K]> & Fields[K]>;
export type EventSchema<K extends EventKind> = Props<K> extends v.ObjectEntries ? v.LooseObjectSchema<Props<K>, string> : never;

/** The schema of one event of kind K: `kind`, the base fields, its fields. Other keys are allowed (later versions' fields). */
export function eventSchema<K extends EventKind>(kind: K): EventSchema<K> {
	return v.looseObject({kind: v.literal(kind, `"${kind}"`), ...baseFields, ...eventFields[kind]}, 'an event (a JSON object)') as unknown as EventSchema<K>;
}

// ---- the schema and events.ts agree (a compile-time check) -----------------------------

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Output<K extends EventKind> = Props<K> extends v.ObjectEntries ? v.InferOutput<v.ObjectSchema<Props<K>, undefined>> : never;
type Agrees = {[K in EventKind]: Same<Output<K>, EventOf<K>>};
/** Fails to compile, naming the kind, when a row of eventFields and its EventMap entry differ. */
export const schemaMatchesEventMap: {[K in EventKind]: true} = {} as Agrees;
