/**
 * The V32 assembler (docs/v32.md §3, extensions in docs/assembly.md): two passes over
 * the source. Pass 1 lays out every statement, pass 2 fills in values.
 */
import * as path from 'node:path';
import {cachedProgram} from '../assembly-cache.js';
import {type AsmError, AssemblyFailed, type Program} from '../program.js';
import {Context} from './context.js';
import {emit} from './emit.js';
import {assembleText, describeFsError} from './pass1.js';
import {SourceError, readSource} from './source-file.js';

export type AssembleResult = {ok: true; program: Program} | {ok: false; errors: AsmError[]};

export interface AssembleOptions {
	/** Used in error messages and as Program.file; `.include` paths are relative to it. */
	file: string;
	/** Predefined symbols, for `.ifdef` and as values (like `-D`). */
	defines?: Record<string, number>;
	/** Reads an included file (path already resolved against the including file). Default: readSource (checked UTF-8). */
	readFile?: (path: string) => string;
}

export function assemble(source: string, options: AssembleOptions): AssembleResult {
	const ctx = new Context(options.defines);
	const readFile = options.readFile ?? ((p: string) => readSource(p));
	assembleText(ctx, {file: options.file, chain: [path.resolve(options.file)], readFile}, source);
	return emit(ctx, options.file);
}

export function assembleFile(file: string, options: Omit<AssembleOptions, 'file'> = {}): AssembleResult {
	// The build's cache (source/isa/assembly-cache.ts), when every file it came from is unchanged; only for files read from disk.
	if (options.readFile === undefined) {
		const cached = cachedProgram(file, options.defines);
		if (cached !== undefined) return {ok: true, program: cached};
	}
	let source: string;
	try {
		source = (options.readFile ?? ((p: string) => readSource(p)))(file);
	} catch (e) {
		if (e instanceof SourceError) return {ok: false, errors: [{file, line: e.line ?? 1, col: e.col ?? 1, message: e.message}]};
		return {ok: false, errors: [{file, line: 1, col: 1, message: `cannot read '${file}': ${describeFsError(e)}`}]};
	}
	const result = assemble(source, {...options, file});
	// A program with no code would start at address 0 on zeroed memory and triple-fault: say so instead.
	if (result.ok && result.program.bytes.length === 0) {
		return {ok: false, errors: [{file, line: 1, col: 1, message: `'${file}' has no code or data: nothing to run`}]};
	}
	return result;
}

/** Like `assemble`, but throws AssemblyFailed (with every error) instead of returning them. */
export function assembleOrThrow(source: string, options: AssembleOptions): Program {
	const r = assemble(source, options);
	if (!r.ok) throw new AssemblyFailed(r.errors);
	return r.program;
}

export function assembleFileOrThrow(file: string, options: Omit<AssembleOptions, 'file'> = {}): Program {
	const r = assembleFile(file, options);
	if (!r.ok) throw new AssemblyFailed(r.errors);
	return r.program;
}
