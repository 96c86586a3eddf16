/**
 * Rebuilding the run a trace was recorded from (`replay --verify`, and the
 * replay's disassembly of code).
 *
 * A header carries the spec (Simulation.spec: a scenario, or a bare
 * program's `{program, isa, memory, input}`) *and* the text of every source
 * file it names, `.include`s followed. The files on disk are used when they
 * are still the same; otherwise (another checkout, an edited kernel) the
 * copies from the header are written to a temporary folder, laid out as they
 * were, and the spec is pointed there — so a trace reruns anywhere.
 */
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import * as path from 'node:path';
import {assembleFile} from '../isa/assembler/index.js';
import {MAX_SOURCE_BYTES} from '../isa/assembler/source-file.js';
import {AssemblyFailed, formatAsmError} from '../isa/program.js';
import {buildBareSimulation, buildSimulation, scenarioProfile} from '../scenario/build.js';
import type {Engine} from '../sim/simulation.js';
import {UserError} from '../user-error.js';
import type {Scenario} from '../scenario/scenario.js';
import type {Simulation} from '../sim/simulation.js';
import {TraceError} from './errors.js';
import type {TraceHeader} from './format.js';

/** The spec of a bare program run (scenario/build.ts, buildBareSimulation). */
interface BareSpec {
	program: string;
	isa: string;
	memory: number;
	input: string;
}

function isBareSpec(spec: unknown): spec is BareSpec {
	return typeof spec === 'object' && spec !== null && typeof (spec as BareSpec).program === 'string';
}

function isScenario(spec: unknown): spec is Scenario {
	return (
		typeof spec === 'object' &&
		spec !== null &&
		typeof (spec as Scenario).kernel === 'string' &&
		Array.isArray((spec as Scenario).programs)
	);
}

/** Every path a spec names, mapped through `f` (a copy of the spec is returned). */
function mapPaths<T>(spec: T, f: (p: string) => string): T {
	if (isBareSpec(spec)) return {...spec, program: f(spec.program), isa: spec.isa.endsWith('.json') ? f(spec.isa) : spec.isa};
	if (isScenario(spec)) {
		const s: Scenario = {...spec, kernel: f(spec.kernel), programs: spec.programs.map(f)};
		if (s.isa.endsWith('.json')) s.isa = f(s.isa);
		if (Array.isArray(s.vms)) {
			s.vms = s.vms.map((g) => ({...g, programs: g.programs.map(f), ...(g.kernel === undefined ? {} : {kernel: f(g.kernel)})}));
		}
		return s as T;
	}
	return spec;
}

const INCLUDE = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)?\.include\s+"([^"]+)"/gim;

/**
 * The text of every file `spec` names, and of what they `.include`, by path
 * as the assembler names them. Files that cannot be read are left out (the
 * build would fail on them anyway, with its own message).
 */
export function collectSources(spec: unknown): Record<string, string> {
	const files: Record<string, string> = {};
	const visit = (file: string): void => {
		if (file in files) return;
		let text: string;
		try {
			// Only regular files of source size: a device (/dev/zero) would never end.
			const stat = statSync(file);
			if (!stat.isFile() || stat.size > MAX_SOURCE_BYTES) return;
			text = readFileSync(file, 'utf8');
		} catch {
			return;
		}
		files[file] = text;
		if (!file.endsWith('.s') && !file.endsWith('.inc')) return;
		for (const m of text.matchAll(INCLUDE)) {
			const name = m[1]!;
			visit(path.isAbsolute(name) ? name : path.join(path.dirname(file), name));
		}
	};
	mapPaths(spec, (p) => {
		visit(p);
		return p;
	});
	return files;
}

export interface Rebuilt {
	sim: Simulation;
	/** Set when the header's copies of the sources were used instead of the files on disk. */
	note?: string;
	/** Remove the temporary copies, if any. */
	dispose(): void;
}

/**
 * Build the simulation a trace header describes, from its spec and sources.
 * Throws TraceError when the header cannot be rebuilt (an import, a spec this
 * vmtop does not know, sources that no longer assemble).
 */
export function rebuildSimulation(header: TraceHeader, file: string, options: {engine?: Engine} = {}): Rebuilt {
	const spec = header.scenario.spec;
	if (header.source !== 'record' || spec === null || spec === undefined) {
		throw new TraceError(`${file}: this trace was imported (${header.import?.from ?? 'not recorded by vmtop'}); there is no run to rebuild`);
	}
	if (!isScenario(spec) && !isBareSpec(spec)) throw new TraceError(`${file}: header: the scenario spec is not one this vmtop can rebuild`);
	const sources = header.scenario.files ?? {};
	const same = Object.entries(sources).every(([p, text]) => existsSync(p) && readFileSync(p, 'utf8') === text);
	let tmp: string | null = null;
	let used: unknown = spec;
	if (!same) {
		tmp = mkdtempSync(path.join(tmpdir(), 'vmtop-rebuild-'));
		const root = tmp;
		const relocate = (p: string): string => path.join(root, path.resolve(p).replace(/^([A-Za-z]:)?[\\/]/, ''));
		for (const [p, text] of Object.entries(sources)) {
			mkdirSync(path.dirname(relocate(p)), {recursive: true});
			writeFileSync(relocate(p), text);
		}
		used = mapPaths(spec, relocate);
	}
	const dispose = (): void => {
		if (tmp) rmSync(tmp, {recursive: true, force: true});
	};
	try {
		const sim = isBareSpec(used) ? buildBare(used, options) : buildSimulation(used as Scenario, options);
		const note = same ? undefined : 'the source files on disk differ from the recording (or are missing): rebuilt from the copies in the trace header';
		return {sim, note, dispose};
	} catch (error) {
		dispose();
		if (error instanceof AssemblyFailed) {
			throw new TraceError(`${file}: the recorded sources no longer assemble:\n${error.errors.map(formatAsmError).join('\n')}`);
		}
		// Only the input's mistakes become the trace's; anything else is a bug and stays one.
		if (!(error instanceof UserError)) throw error;
		throw new TraceError(`${file}: cannot rebuild the recorded run: ${error.message}`);
	}
}

function buildBare(spec: BareSpec, options: {engine?: Engine}): Simulation {
	const result = assembleFile(spec.program);
	if (!result.ok) throw new AssemblyFailed(result.errors);
	const profile = scenarioProfile({isa: spec.isa, file: ''} as Scenario);
	return buildBareSimulation(result.program, {profile, memory: spec.memory, input: spec.input, ...options});
}
