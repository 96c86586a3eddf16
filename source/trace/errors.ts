/**
 * Errors and warnings about trace files. A TraceError means the file cannot be
 * used at all (not a trace, unreadable …); a TraceProblem is a warning about a
 * file that still replays, up to where it is good.
 * Messages start with `FILE:` or `FILE:LINE:` so editors and terminals link them.
 */
import {UserError} from '../user-error.js';

export class TraceError extends UserError {
	override readonly name = 'TraceError';
}

export interface TraceProblem {
	/** 1-based line of the (decompressed) file, when the problem has one. */
	line?: number;
	message: string;
}

export function formatProblem(file: string, p: TraceProblem): string {
	return p.line === undefined ? `${file}: ${p.message}` : `${file}:${p.line}: ${p.message}`;
}

const fsMessages: Record<string, string> = {
	ENOENT: 'no such file or directory',
	EACCES: 'permission denied',
	EPERM: 'operation not permitted',
	EISDIR: 'is a directory, not a file',
	ENOTDIR: 'a component of the path is not a directory',
	EMFILE: 'too many open files',
	ENOSPC: 'no space left on the device',
	EROFS: 'read-only file system',
};

/** `permission denied (EACCES)` for a Node fs error, the message otherwise. */
export function describeFsError(error: unknown): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code && fsMessages[code]) return `${fsMessages[code]} (${code})`;
	return (error as Error | null)?.message ?? String(error);
}
