/**
 * Scenario files: what to run, as JSON (format: docs/scenarios.md).
 *
 * Parsing is strict because a scenario is an experiment's record: an unknown
 * key (a typo) or a bad value is rejected with a message that names the file,
 * the key and what was expected, instead of being silently ignored. Paths in
 * a scenario are relative to the scenario file.
 */
import {readFileSync} from 'node:fs';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as v from 'valibot';
import type {CostModel} from '../cpu/costs.js';
import {type Issue, explain, formatPath, show} from '../schema/explain.js';
import {JsonTextError, parseStrictJson} from '../schema/strict-json.js';
import {DEFAULT_MEMORY, machineSizeProblem, scenarioFileSchema} from './scenario-schema.js';
import type {TransientStep, VmmTechnique} from '../sim/simulation.js';
import {UserError} from '../user-error.js';

/** One guest of a VMM scenario given as a list (`vms: [{…}, …]`). */
export interface GuestScenario {
	name?: string;
	/** This guest's kernel (default: the scenario's). */
	kernel?: string;
	programs: string[];
	input: string;
	/** This guest's ISA profile when it differs from the real machine's (family virtualization). */
	isa?: string;
}

/** A validated scenario: defaults filled in, paths resolved against the scenario's folder. */
export interface Scenario {
	/** The scenario file, or '' when the scenario was built from command-line flags. */
	file: string;
	name: string;
	description?: string;
	/** The kernel source (default: the package's samples/os/kernel.s). */
	kernel: string;
	/** The user programs, in boot order (pid 1, 2, …). */
	programs: string[];
	/** Console input available from reset (from `input` or `inputFile`). */
	input: string;
	/** `classic`, `pentium`, or the path of a profile file. */
	isa: string;
	/** Bytes of physical memory. */
	memory: number;
	maxInstructions?: number;
	vmm: VmmTechnique;
	type: 1 | 2;
	/** Number of guests (each runs `programs` with `input`), or one entry per guest. */
	vms: number | GuestScenario[];
	/** Changes to the cost model (docs/v32.md §8.1). */
	costs: Partial<CostModel>;
	/** VMM layers in V32 assembly under the kernel, outermost first (issue 17 §2; source/sim/nested.ts). */
	nested?: string[];
	/** A transient VMM's attach and detach points (docs/vmm.md "Transient VMM"); needs `vmm: "none"`. */
	transient?: TransientStep[];
}

/**
 * The rules of a transient schedule, or null when it keeps them: the run is
 * native (`vmm` none, one guest), the points increase, and attach and detach
 * alternate, starting with an attach. `where` names the key or flags.
 */
export function transientProblem(steps: readonly TransientStep[], vmm: VmmTechnique, where = 'key "transient"'): string | null {
	if (steps.length === 0) return null;
	if (vmm !== 'none') return `${where}: a transient VMM attaches under a native run; expected "vmm" none, got ${JSON.stringify(vmm)}`;
	for (let i = 0; i < steps.length; i++) {
		const step = steps[i]!;
		const attach = 'attach' in step;
		if (attach !== (i % 2 === 0)) {
			return `${where}: step ${i + 1} (at ${step.at}): expected ${i % 2 === 0 ? 'an attach' : 'a detach'} (attach and detach alternate, starting with an attach)`;
		}
		if (i > 0 && step.at <= steps[i - 1]!.at) return `${where}: step ${i + 1} (at ${step.at}): expected a point after ${steps[i - 1]!.at} (the points increase)`;
	}
	return null;
}

export class ScenarioError extends UserError {
	override name = 'ScenarioError';
}

export {DEFAULT_MEMORY, MAX_GUESTS, MAX_MEMORY, MAX_TOTAL_MEMORY, MIN_MEMORY} from './scenario-schema.js';

/** A file of this package (samples/…), from source/ or dist/ alike. */
export function packageFile(relative: string): string {
	return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

export const defaultScenarioFile = (): string => packageFile('samples/scenarios/default.json');
export const defaultKernelFile = (): string => displayPath(packageFile('samples/os/kernel.s'));

/** Relative to the working directory when that is shorter and does not climb out of it. */
export function displayPath(file: string): string {
	const relative = path.relative(process.cwd(), file);
	return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/** Read and validate a scenario file. */
export function loadScenario(file: string): Scenario {
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch (error) {
		throw new ScenarioError(`${file}: cannot read the scenario: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	return parseScenario(text, file);
}

/**
 * Validate a scenario's JSON text. `file` names it in messages and is the
 * base of its relative paths; `readFile` reads `inputFile`s (default: fs).
 */
export function parseScenario(text: string, file: string, readFile: (p: string) => string = readUtf8): Scenario {
	let data: unknown;
	try {
		data = parseStrictJson(text);
	} catch (error) {
		if (error instanceof JsonTextError) throw new ScenarioError(`${file}: ${error.message}`);
		throw error;
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		throw new ScenarioError(`${file}: expected the scenario: an object like {"programs": ["../user/hello.s"]}, got ${show(data)}`);
	}
	const issue = explain(scenarioFileSchema, data);
	if (issue) throw new ScenarioError(`${file}: ${issueText(issue)}`);
	const top = data as ScenarioFile;
	const dir = path.dirname(file);
	const resolve = (p: string): string => (path.isAbsolute(p) ? p : path.join(dir, p));
	const fail = (key: string, expected: string, got: unknown): never => {
		throw new ScenarioError(`${file}: key "${key}": expected ${expected}, got ${show(got)}`);
	};
	/** `input` or `inputFile` (read now, relative to the scenario), not both. */
	const input = (record: {input?: string; inputFile?: string}, prefix: string): string => {
		if (record.input !== undefined && record.inputFile !== undefined) {
			throw new ScenarioError(`${file}: keys "${prefix}input" and "${prefix}inputFile": give one or the other, not both`);
		}
		if (record.inputFile === undefined) return record.input ?? '';
		const inputFile = resolve(record.inputFile);
		try {
			return readFile(inputFile);
		} catch (error) {
			const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
			throw new ScenarioError(`${file}: key "${prefix}inputFile": cannot read ${inputFile}: ${reason}`);
		}
	};
	const vmm = top.vmm ?? 'none';
	const type = top.type ?? 1;
	if (type === 2 && vmm === 'none') fail('type', '1 when "vmm" is "none" (a Type II VMM needs a VMM)', type);
	const vmsValue = top.vms ?? 1;
	if (typeof vmsValue === 'number' && vmsValue !== 1 && vmm === 'none') fail('vms', '1 when "vmm" is "none" (several guests need a VMM)', vmsValue);
	if (Array.isArray(vmsValue) && vmsValue.length !== 1 && vmm === 'none') fail('vms', 'one guest when "vmm" is "none" (several guests need a VMM)', vmsValue);
	const listed = Array.isArray(vmsValue);
	if (listed && top.programs !== undefined) {
		throw new ScenarioError(`${file}: keys "programs" and "vms": when "vms" lists the guests, each guest names its own "programs"; remove the top-level "programs"`);
	}
	if (!listed && top.programs === undefined) fail('programs', 'a list of one or more user-program paths like ["../user/hello.s"]', undefined);
	const memory = top.memory ?? DEFAULT_MEMORY;
	const guests = listed ? vmsValue.length : vmsValue;
	const tooBig = machineSizeProblem(guests, memory);
	if (tooBig) throw new ScenarioError(`${file}: ${tooBig}`);
	const vms: number | GuestScenario[] = listed
		? vmsValue.map((g, i) => {
				const guest: GuestScenario = {programs: g.programs.map(resolve), input: input(g, `vms[${i}].`)};
				if (g.name !== undefined) guest.name = g.name;
				if (g.kernel !== undefined) guest.kernel = resolve(g.kernel);
				if (g.isa !== undefined) guest.isa = g.isa === 'classic' || g.isa === 'pentium' ? g.isa : resolve(g.isa);
				return guest;
			})
		: vmsValue;
	const isa = top.isa ?? 'classic';
	const scenario: Scenario = {
		file,
		name: top.name ?? path.basename(file, path.extname(file)),
		kernel: top.kernel === undefined ? defaultKernelFile() : resolve(top.kernel),
		programs: (top.programs ?? []).map(resolve),
		input: input(top, ''),
		isa: isa === 'classic' || isa === 'pentium' ? isa : resolve(isa),
		memory,
		vmm,
		type,
		vms,
		costs: {...top.costs},
	};
	if (top.description !== undefined) scenario.description = top.description;
	if (top.maxInstructions !== undefined) scenario.maxInstructions = top.maxInstructions;
	if (top.nested !== undefined) {
		if (guests !== 1) fail('vms', '1 when "nested" is given (a VMM layer in V32 hosts one guest)', vmsValue);
		scenario.nested = top.nested.map(resolve);
	}
	if (top.transient !== undefined && top.transient.length > 0) {
		const problem = transientProblem(top.transient, vmm);
		if (problem) throw new ScenarioError(`${file}: ${problem}`);
		scenario.transient = top.transient;
	}
	return scenario;
}

type ScenarioFile = v.InferOutput<typeof scenarioFileSchema>;

/** A schema issue as a scenario message (after `FILE: `). */
export function issueText(issue: Issue | null): string {
	if (!issue) return 'not a valid scenario';
	const key = formatPath(issue.path);
	if (issue.kind === 'unknown') return `unknown key "${key}" (expected one of ${issue.allowed.join(', ')})`;
	const got = issue.kind === 'missing' ? undefined : issue.got;
	return key === '' ? `expected ${issue.expected}, got ${show(got)}` : `key "${key}": expected ${issue.expected}, got ${show(got)}`;
}

/** A scenario from command-line flags (`vmtop run --user A.s --user B.s`): paths as given. */
export function scenarioFromFlags(options: {
	programs: string[];
	kernel?: string;
	input?: string;
	isa?: string;
	memory?: number;
	maxInstructions?: number;
}): Scenario {
	const first = options.programs[0];
	const scenario: Scenario = {
		file: '',
		name: first === undefined ? 'kernel' : path.basename(first, path.extname(first)),
		kernel: options.kernel ?? defaultKernelFile(),
		programs: options.programs,
		input: options.input ?? '',
		isa: options.isa ?? 'classic',
		memory: options.memory ?? DEFAULT_MEMORY,
		vmm: 'none',
		type: 1,
		vms: 1,
		costs: {},
	};
	if (options.maxInstructions !== undefined) scenario.maxInstructions = options.maxInstructions;
	return scenario;
}

const readUtf8 = (p: string): string => readFileSync(p, 'utf8');
