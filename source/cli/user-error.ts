/**
 * How a command ends on an error. A UserError (source/user-error.ts) is a
 * mistake in the input: its message (every assembler error as file:line:col),
 * no stack trace, exit 1 (2 for a usage error). Anything else — a RangeError
 * or TypeError thrown by vmtop's own code — is a bug: it is reported as an
 * internal error with its stack, so it is not mistaken for bad input.
 */
import process from 'node:process';
import {AssemblyFailed, formatAsmError} from '../isa/program.js';
import {UsageError, UserError} from '../user-error.js';

/** Exit code of an internal error (EX_SOFTWARE of sysexits.h). */
export const INTERNAL_ERROR = 70;

export function reportUserError(error: unknown, stderr: (text: string) => void = (t) => void process.stderr.write(t)): number {
	if (error instanceof AssemblyFailed) {
		for (const e of error.errors) stderr(formatAsmError(e) + '\n');
		return error.exitCode;
	}
	if (error instanceof UserError) {
		// A usage error's message names the flag (and may carry the command's help): print it as it is.
		stderr(error instanceof UsageError ? `${error.message}\n` : `vmtop: ${error.message}\n`);
		return error.exitCode;
	}
	const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
	stderr(`vmtop: internal error — a bug in vmtop, not in your input; please report it with this message:\n${detail}\n`);
	return INTERNAL_ERROR;
}
