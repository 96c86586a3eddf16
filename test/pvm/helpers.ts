import {readdirSync, readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {assembleByteCodeOrThrow, type AssembleOptions} from '../../source/pvm/assembler.js';
import type {PvmProgram} from '../../source/pvm/bytecode.js';

export const SAMPLES = fileURLToPath(new URL('../../samples/pvm/', import.meta.url));

/** Every `samples/pvm/*.bc`, by file name. */
export const sampleFiles = (): string[] => readdirSync(SAMPLES).filter((f) => f.endsWith('.bc')).sort();

export function sample(name: string, defines?: AssembleOptions['defines']): PvmProgram {
	return assembleByteCodeOrThrow(readFileSync(SAMPLES + name, 'utf8'), {file: name, defines});
}

/** Assembles inline source (lines joined with newlines). */
export const source = (...lines: string[]): PvmProgram => assembleByteCodeOrThrow(lines.join('\n'), {file: 't.bc'});
