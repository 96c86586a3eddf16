/**
 * What a command prints for a mistake in its input rather than in vmtop: every
 * assembler error as file:line:col, or the scenario / loader / kernel / trace
 * file's message. Returns the exit code (1), or rethrows anything else.
 */
import process from 'node:process';
import {AssemblyFailed, formatAsmError} from '../isa/program.js';
import {LoaderError} from '../os/loader.js';
import {KernelLayoutError} from '../os/observer.js';
import {ScenarioError} from '../scenario/scenario.js';
import {TraceError} from '../trace/errors.js';

export function reportUserError(error: unknown): number {
	if (error instanceof AssemblyFailed) {
		for (const e of error.errors) process.stderr.write(formatAsmError(e) + '\n');
		return 1;
	}
	// RangeError: a memory size the machine refuses (--memory).
	if (
		error instanceof ScenarioError ||
		error instanceof LoaderError ||
		error instanceof KernelLayoutError ||
		error instanceof TraceError ||
		error instanceof RangeError
	) {
		process.stderr.write(`vmtop: ${error.message}\n`);
		return 1;
	}
	throw error;
}
