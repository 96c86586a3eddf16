/**
 * The trace header's schema. Every value a reader uses — the guest count that
 * sizes tables, the cost model, the symbol tables, the spec a `--verify`
 * rebuilds the run from — is checked here, on open, before any of it is used:
 * a header edited to `"guests": 100000000` is refused with a message, it does
 * not allocate.
 */
import * as v from 'valibot';
import {explain, formatPath, integer, oneOf, show} from '../schema/explain.js';
import {bareSpecSchema, costModelSchema, machineSizeProblem, scenarioSpecSchema} from '../scenario/scenario-schema.js';
import {vmmTechniques} from '../sim/simulation.js';

/** The versions this vmtop reads. Version 2 adds optional journey fields to events. */
export const READ_VERSIONS = [1, 2] as const;
/** Guests (vcpus) in a header: a recording has at most MAX_GUESTS; a KVM import one per vcpu of a real host. */
export const MAX_HEADER_GUESTS = 4096;

const text = v.string('a string');
const count = (expected: string) => integer(expected, 0);

const headerSchema = v.looseObject(
	{
		vmtop: text,
		created: text,
		source: oneOf(['record', 'import'] as const),
		detail: oneOf(['exceptions', 'full'] as const),
		sampleEvery: integer('instructions between CPU samples (an integer ≥ 0)', 0, 2 ** 31),
		scenario: v.looseObject(
			{
				name: text,
				spec: v.unknown(),
				files: v.optional(v.record(v.string(), v.string('a file text (a string)'), 'an object mapping paths to file texts')),
				maxInstructions: v.nullable(integer('a whole number ≥ 1 or null', 1)),
				startInstret: count('an instruction count (an integer ≥ 0)'),
			},
			'an object {name, spec, files, maxInstructions, startInstret}',
		),
		isa: text,
		vmm: v.looseObject(
			{
				technique: oneOf(vmmTechniques),
				type: oneOf([1, 2] as const),
				guests: integer(`a number of guests from 1 to ${MAX_HEADER_GUESTS}`, 1, MAX_HEADER_GUESTS),
			},
			'an object {technique, type, guests}',
		),
		costs: costModelSchema,
		symbols: v.record(v.string(), v.record(v.string(), integer('an address (an integer)'), 'an object mapping labels to addresses'), 'an object mapping programs to label tables'),
		codeMap: v.optional(
			v.array(
				v.looseObject(
					{start: count('an address (an integer ≥ 0)'), size: count('a size in bytes (an integer ≥ 0)'), symbols: text, guest: integer('a guest index (an integer ≥ -1)', -1), pid: integer('an integer')},
					'a code area {start, size, symbols, guest, pid}',
				),
				'a list of code areas',
			),
		),
		import: v.optional(v.looseObject({from: text, file: text}, 'an object {from, file}')),
	},
	'a header object',
);

/** What is wrong with a header that says it is a vmtop trace of a version read here, or null. Follows `FILE:1: header: `. */
export function headerProblem(h: Record<string, unknown>): string | null {
	const issue = explain(headerSchema, h);
	if (issue) return issueText(issue, '');
	const vmm = h['vmm'] as {guests: number};
	const scenario = h['scenario'] as {spec: unknown};
	if (h['source'] === 'record' && vmm.guests > 16) return `field "vmm.guests": expected a number of guests from 1 to 16 in a recording, got ${vmm.guests}`;
	return specProblem(scenario.spec);
}

/**
 * The spec a rerun is built from: a scenario (it has `vmm`) or a bare program
 * (it has `program`) is checked like a scenario file is, guests × memory
 * included. Other shapes (specs of runs built in code) are left to the rebuild, which refuses them.
 */
function specProblem(spec: unknown): string | null {
	if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) return null;
	if ('vmm' in spec) {
		const issue = explain(scenarioSpecSchema, spec);
		if (issue) return issueText(issue, 'scenario.spec');
		const s = spec as unknown as {vms: number | unknown[]; memory: number};
		const tooBig = machineSizeProblem(Array.isArray(s.vms) ? s.vms.length : s.vms, s.memory, '"scenario.spec.vms" × "scenario.spec.memory"');
		return tooBig ? `field ${tooBig.slice('keys '.length)}` : null;
	}
	const issue = 'program' in spec ? explain(bareSpecSchema, spec) : null;
	if (issue) return issueText(issue, 'scenario.spec');
	return null;
}

function issueText(issue: ReturnType<typeof explain>, prefix: string): string {
	if (!issue) return 'does not match the header schema';
	const field = [prefix, formatPath(issue.path)].filter((p) => p !== '').join('.');
	if (issue.kind === 'missing') return `field "${field}" is missing (expected ${issue.expected})`;
	if (issue.kind === 'unknown') return `unknown field "${field}"`;
	return `field "${field}": expected ${issue.expected}, got ${show(issue.got)}`;
}

const footerSchema = v.looseObject(
	{
		type: v.literal('footer', '"footer"'),
		events: count('an event count (an integer ≥ 0)'),
		counts: v.record(v.string(), count('a count (an integer ≥ 0)'), 'an object mapping event kinds to counts'),
		instret: count('an instruction count (an integer ≥ 0)'),
		cycle: count('a cycle count (an integer ≥ 0)'),
		checksum: v.pipe(v.string('a checksum like "crc32:0123abcd"'), v.regex(/^crc32:[0-9a-f]{8}$/, 'a checksum like "crc32:0123abcd"')),
		end: oneOf(['stopped', 'instruction-limit', 'recording-stopped', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'imported'] as const),
		stop: v.nullable(v.looseObject({reason: text, code: integer('an integer'), message: text}, 'null or {reason, code, message}')),
	},
	'a footer object',
);

/** A line that says it is the footer (`"type":"footer"`): what is wrong with it, or null. */
export function footerProblem(value: unknown): string | null {
	const issue = explain(footerSchema, value);
	return issue ? issueText(issue, '') : null;
}
