/**
 * The trace header's schema. Every value a reader uses — the guest count that
 * sizes tables, the cost model, the symbol tables, the spec a `--verify`
 * rebuilds the run from — is checked here, on open, before any of it is used:
 * a header edited to `"guests": 100000000` is refused with a message, it does
 * not allocate.
 */
import Type from 'typebox';
import {Compile} from 'typebox/compile';
import {explain, formatPath, show} from '../schema/explain.js';
import {bareSpecSchema, costModelSchema, machineSizeProblem, scenarioSpecSchema} from '../scenario/scenario-schema.js';
import {vmmTechniques} from '../scenario/simulation.js';

/** The versions this vmtop reads. Version 2 adds optional journey fields to events. */
export const READ_VERSIONS = [1, 2] as const;
/** Guests (vcpus) in a header: a recording has at most MAX_GUESTS; a KVM import one per vcpu of a real host. */
export const MAX_HEADER_GUESTS = 4096;

const text = Type.String({description: 'a string'});
const count = (description: string) => Type.Integer({minimum: 0, description});
const oneOf = (values: readonly string[]) =>
	Type.Union(
		values.map((v) => Type.Literal(v)),
		{description: values.map((v) => `"${v}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')},
	);

const headerSchema = Type.Object({
	vmtop: text,
	created: text,
	source: oneOf(['record', 'import']),
	detail: oneOf(['exceptions', 'full']),
	sampleEvery: Type.Integer({minimum: 0, maximum: 2 ** 31, description: 'instructions between CPU samples (an integer ≥ 0)'}),
	scenario: Type.Object({
		name: text,
		spec: Type.Unknown(),
		files: Type.Optional(Type.Record(Type.String(), Type.String(), {description: 'an object mapping paths to file texts'})),
		maxInstructions: Type.Union([Type.Integer({minimum: 1}), Type.Null()], {description: 'a whole number ≥ 1 or null'}),
		startInstret: count('an instruction count (an integer ≥ 0)'),
	}),
	isa: text,
	vmm: Type.Object({
		technique: oneOf(vmmTechniques),
		type: Type.Union([Type.Literal(1), Type.Literal(2)], {description: '1 or 2'}),
		guests: Type.Integer({minimum: 1, maximum: MAX_HEADER_GUESTS, description: `a number of guests from 1 to ${MAX_HEADER_GUESTS}`}),
	}),
	costs: costModelSchema,
	symbols: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer(), {description: 'an object mapping labels to addresses'}), {
		description: 'an object mapping programs to label tables',
	}),
	codeMap: Type.Optional(
		Type.Array(
			Type.Object({start: count('an address (an integer ≥ 0)'), size: count('a size in bytes (an integer ≥ 0)'), symbols: text, guest: Type.Integer({minimum: -1}), pid: Type.Integer()}),
			{description: 'a list of code areas'},
		),
	),
	import: Type.Optional(Type.Object({from: text, file: text})),
});
const checkHeaderSchema = Compile(headerSchema);
const checkScenarioSpec = Compile(scenarioSpecSchema);
const checkBareSpec = Compile(bareSpecSchema);

/** What is wrong with a header that says it is a vmtop trace of a version read here, or null. Follows `FILE:1: header: `. */
export function headerProblem(h: Record<string, unknown>): string | null {
	if (!checkHeaderSchema.Check(h)) return issueText(explain(headerSchema, h), '');
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
		if (!checkScenarioSpec.Check(spec)) return issueText(explain(scenarioSpecSchema, spec), 'scenario.spec');
		const s = spec as {vms: number | unknown[]; memory: number};
		const tooBig = machineSizeProblem(Array.isArray(s.vms) ? s.vms.length : s.vms, s.memory, '"scenario.spec.vms" × "scenario.spec.memory"');
		return tooBig ? `field ${tooBig.slice('keys '.length)}` : null;
	}
	if ('program' in spec && !checkBareSpec.Check(spec)) return issueText(explain(bareSpecSchema, spec), 'scenario.spec');
	return null;
}

function issueText(issue: ReturnType<typeof explain>, prefix: string): string {
	if (!issue) return 'does not match the header schema';
	const field = [prefix, formatPath(issue.path)].filter((p) => p !== '').join('.');
	if (issue.kind === 'missing') return `field "${field}" is missing (expected ${issue.expected})`;
	if (issue.kind === 'unknown') return `unknown field "${field}"`;
	return `field "${field}": expected ${issue.expected}, got ${show(issue.got)}`;
}

const footerSchema = Type.Object({
	type: Type.Literal('footer'),
	events: count('an event count (an integer ≥ 0)'),
	counts: Type.Record(Type.String(), Type.Integer({minimum: 0}), {description: 'an object mapping event kinds to counts'}),
	instret: count('an instruction count (an integer ≥ 0)'),
	cycle: count('a cycle count (an integer ≥ 0)'),
	checksum: Type.String({pattern: '^crc32:[0-9a-f]{8}$', description: 'a checksum like "crc32:0123abcd"'}),
	end: oneOf(['stopped', 'instruction-limit', 'recording-stopped', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'imported']),
	stop: Type.Union([Type.Null(), Type.Object({reason: text, code: Type.Integer(), message: text})], {description: 'null or {reason, code, message}'}),
});
const checkFooterSchema = Compile(footerSchema);

/** A line that says it is the footer (`"type":"footer"`): what is wrong with it, or null. */
export function footerProblem(value: unknown): string | null {
	return checkFooterSchema.Check(value) ? null : issueText(explain(footerSchema, value), '');
}
