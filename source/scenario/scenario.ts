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
import {type CostModel, defaultCosts} from '../cpu/costs.js';
import {type VmmTechnique, vmmTechniques} from '../sim/simulation.js';
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
}

export class ScenarioError extends UserError {
	override name = 'ScenarioError';
}

export const DEFAULT_MEMORY = 1 << 20;
export const MIN_MEMORY = 1 << 16;
export const MAX_MEMORY = 1 << 30;
export const MAX_GUESTS = 16;

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

const topKeys = [
	'name',
	'description',
	'kernel',
	'programs',
	'input',
	'inputFile',
	'isa',
	'memory',
	'maxInstructions',
	'vmm',
	'type',
	'vms',
	'costs',
] as const;
const guestKeys = ['name', 'kernel', 'programs', 'input', 'inputFile', 'isa'] as const;
const costKeys = Object.keys(defaultCosts) as Array<keyof CostModel>;

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
		data = JSON.parse(text);
	} catch (error) {
		throw new ScenarioError(`${file}: not valid JSON (${(error as Error).message})`);
	}
	const v = new Validator(file, readFile);
	const top = v.object(data, '', topKeys, 'the scenario: an object like {"programs": ["../user/hello.s"]}');
	const vmm = v.oneOf(top['vmm'], 'vmm', vmmTechniques, 'none');
	const vms = v.vms(top['vms'], vmm);
	const programs =
		top['programs'] === undefined && Array.isArray(vms) ? [] : v.programs(top['programs'], 'programs');
	const type = v.type(top['type'], vmm);
	const scenario: Scenario = {
		file,
		name: v.string(top['name'], 'name') ?? path.basename(file, path.extname(file)),
		kernel: v.path(top['kernel'], 'kernel') ?? defaultKernelFile(),
		programs,
		input: v.input(top, ''),
		isa: v.isa(top['isa']),
		memory: v.memory(top['memory']),
		vmm,
		type,
		vms,
		costs: v.costs(top['costs']),
	};
	const description = v.string(top['description'], 'description');
	if (description !== undefined) scenario.description = description;
	const maxInstructions = v.count(top['maxInstructions'], 'maxInstructions');
	if (maxInstructions !== undefined) scenario.maxInstructions = maxInstructions;
	return scenario;
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

function show(value: unknown): string {
	if (value === undefined) return 'nothing';
	const text = JSON.stringify(value);
	return text.length > 60 ? text.slice(0, 57) + '...' : text;
}

/** Checks values, and says where and what was expected when one is wrong. */
class Validator {
	private readonly dir: string;

	constructor(
		private readonly file: string,
		private readonly readFile: (p: string) => string,
	) {
		this.dir = path.dirname(file);
	}

	fail(key: string, expected: string, got: unknown): never {
		throw new ScenarioError(`${this.file}: key "${key}": expected ${expected}, got ${show(got)}`);
	}

	object(value: unknown, key: string, allowed: readonly string[], expected: string): Record<string, unknown> {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) {
			if (key === '') throw new ScenarioError(`${this.file}: expected ${expected}, got ${show(value)}`);
			this.fail(key, expected, value);
		}
		const record = value as Record<string, unknown>;
		for (const k of Object.keys(record)) {
			if (!allowed.includes(k)) {
				const where = key === '' ? `key "${k}"` : `key "${key}.${k}"`;
				throw new ScenarioError(`${this.file}: unknown ${where} (expected one of ${allowed.join(', ')})`);
			}
		}
		return record;
	}

	string(value: unknown, key: string): string | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'string') this.fail(key, 'a string', value);
		return value;
	}

	/** A path, resolved against the scenario's folder. */
	path(value: unknown, key: string): string | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'string' || value === '') this.fail(key, 'a file path (relative to the scenario)', value);
		return this.resolve(value);
	}

	resolve(p: string): string {
		return path.isAbsolute(p) ? p : path.join(this.dir, p);
	}

	programs(value: unknown, key: string): string[] {
		const expected = 'a list of one or more user-program paths like ["../user/hello.s"]';
		if (!Array.isArray(value) || value.length === 0) this.fail(key, expected, value);
		return value.map((p, i) => {
			if (typeof p !== 'string' || p === '') this.fail(`${key}[${i}]`, 'a file path (relative to the scenario)', p);
			return this.resolve(p);
		});
	}

	/** `input` or `inputFile` (read now, relative to the scenario), not both. */
	input(record: Record<string, unknown>, prefix: string): string {
		const input = record['input'];
		const inputFile = record['inputFile'];
		if (input !== undefined && inputFile !== undefined) {
			throw new ScenarioError(`${this.file}: keys "${prefix}input" and "${prefix}inputFile": give one or the other, not both`);
		}
		if (inputFile !== undefined) {
			const file = this.path(inputFile, `${prefix}inputFile`)!;
			try {
				return this.readFile(file);
			} catch (error) {
				const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
				throw new ScenarioError(`${this.file}: key "${prefix}inputFile": cannot read ${file}: ${reason}`);
			}
		}
		return this.string(input, `${prefix}input`) ?? '';
	}

	isa(value: unknown, key = 'isa'): string {
		if (value === undefined) return 'classic';
		if (value === 'classic' || value === 'pentium') return value;
		if (typeof value !== 'string' || !value.endsWith('.json')) {
			this.fail(key, '"classic", "pentium" or a profile file (.json)', value);
		}
		return this.resolve(value);
	}

	memory(value: unknown): number {
		if (value === undefined) return DEFAULT_MEMORY;
		if (typeof value !== 'number' || !Number.isInteger(value) || value % 4 !== 0 || value < MIN_MEMORY || value > MAX_MEMORY) {
			this.fail('memory', `a number of bytes, a multiple of 4 from ${MIN_MEMORY} to ${MAX_MEMORY}`, value);
		}
		return value;
	}

	count(value: unknown, key: string): number | undefined {
		if (value === undefined) return undefined;
		if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) this.fail(key, 'a whole number ≥ 1', value);
		return value;
	}

	oneOf<T extends string>(value: unknown, key: string, allowed: readonly T[], fallback: T): T {
		if (value === undefined) return fallback;
		if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
			this.fail(key, allowed.map((a) => `"${a}"`).join(', ').replace(/, ([^,]*)$/, ' or $1'), value);
		}
		return value as T;
	}

	type(value: unknown, vmm: VmmTechnique): 1 | 2 {
		if (value === undefined) return 1;
		if (value !== 1 && value !== 2) this.fail('type', '1 (VMM on bare metal) or 2 (hosted VMM)', value);
		if (value === 2 && vmm === 'none') this.fail('type', '1 when "vmm" is "none" (a Type II VMM needs a VMM)', value);
		return value;
	}

	vms(value: unknown, vmm: VmmTechnique): number | GuestScenario[] {
		if (value === undefined) return 1;
		if (typeof value === 'number') {
			if (!Number.isInteger(value) || value < 1 || value > MAX_GUESTS) this.fail('vms', `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests`, value);
			if (value !== 1 && vmm === 'none') this.fail('vms', '1 when "vmm" is "none" (several guests need a VMM)', value);
			return value;
		}
		if (!Array.isArray(value) || value.length === 0 || value.length > MAX_GUESTS) {
			this.fail('vms', `a number of guests from 1 to ${MAX_GUESTS}, or a list of guests like [{"programs": ["../user/hello.s"]}]`, value);
		}
		if (value.length !== 1 && vmm === 'none') this.fail('vms', 'one guest when "vmm" is "none" (several guests need a VMM)', value);
		return value.map((g, i) => {
			const key = `vms[${i}]`;
			const record = this.object(g, key, guestKeys, 'a guest like {"programs": ["../user/hello.s"], "input": "3\\n"}');
			const guest: GuestScenario = {programs: this.programs(record['programs'], `${key}.programs`), input: this.input(record, `${key}.`)};
			const name = this.string(record['name'], `${key}.name`);
			if (name !== undefined) guest.name = name;
			const kernel = this.path(record['kernel'], `${key}.kernel`);
			if (kernel !== undefined) guest.kernel = kernel;
			if (record['isa'] !== undefined) guest.isa = this.isa(record['isa'], `${key}.isa`);
			return guest;
		});
	}

	costs(value: unknown): Partial<CostModel> {
		if (value === undefined) return {};
		const record = this.object(value, 'costs', costKeys, 'an object like {"vmmRoundTrip": 500}');
		const costs: Partial<CostModel> = {};
		for (const k of costKeys) {
			const c = record[k];
			if (c === undefined) continue;
			if (typeof c !== 'number' || !Number.isFinite(c) || c < 0) this.fail(`costs.${k}`, 'a number of cycles ≥ 0', c);
			costs[k] = c;
		}
		return costs;
	}
}
