/**
 * Every file a command writes goes through here (record, import, export, the
 * dashboard's `R`): nothing is lost.
 *
 * - The data goes to a temporary file beside the target (`TARGET.PID.partial`,
 *   same directory, so the final rename is atomic on one file system) and is
 *   renamed into place only by `commit()`; `discard()` (a failed import, a
 *   full disk) removes it and leaves the target as it was.
 * - An output that is the same file as one of the command's inputs is refused,
 *   compared by device and inode, so a symlink or a hard link to the input
 *   counts as the input.
 * - An existing file is replaced only with `force` (`--force`), or when the
 *   command says it may be (`replaceable`: `record` re-recording a trace that
 *   `record` wrote). Without `force` the rename cannot replace a file that
 *   appeared meanwhile either: the temporary file is hard-linked into place,
 *   which fails if the name exists.
 * - An existing target that is not a regular file (/dev/null, /dev/stdout, a
 *   FIFO) is written in place: there is nothing to replace, and a rename would
 *   replace the device node itself.
 */
import {
	chmodSync,
	closeSync,
	linkSync,
	lstatSync,
	openSync,
	readSync,
	renameSync,
	statSync,
	unlinkSync,
	writeSync,
	type Stats,
} from 'node:fs';
import {constants, gunzipSync} from 'node:zlib';
import {TraceError, describeFsError} from './errors.js';
import {TRACE_FORMAT} from './format.js';

export interface OutputOptions {
	/** The files the command reads: the output must not be one of them. */
	inputs?: readonly string[];
	/** Replace an existing file (`--force`). */
	force?: boolean;
	/** An existing file that may be replaced without `force` (it is the command's own earlier output). */
	replaceable?: (file: string) => boolean;
	/** The flag that allows replacing, named in the refusal (default `--force`). */
	forceFlag?: string;
	/** For tests: the write used for every chunk (default fs.writeSync). */
	writeSync?: (fd: number, data: Uint8Array, offset: number, length: number) => number;
}

/** A refused or failed output: a user error, named with the file. */
export class OutputError extends TraceError {}

function statOrNull(file: string): Stats | null {
	try {
		return statSync(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw new OutputError(`${file}: cannot use as output: ${describeFsError(error)}`);
	}
}

function lstatOrNull(file: string): Stats | null {
	try {
		return lstatSync(file);
	} catch {
		return null;
	}
}

/** Refuse `target` if it is one of `inputs` (same device and inode). */
export function checkNotAnInput(target: string, inputs: readonly string[]): void {
	const out = statOrNull(target);
	if (!out) return;
	for (const input of inputs) {
		let s: Stats;
		try {
			s = statSync(input);
		} catch {
			continue; // an input that does not exist is reported by whoever reads it
		}
		if (s.dev === out.dev && s.ino === out.ino) {
			const how = input === target ? '' : ` (${target} and ${input} are the same file)`;
			throw new OutputError(`${target}: is the input${how}; writing it would destroy the input — choose another output file`);
		}
	}
}

export class OutputFile {
	readonly fd: number;
	/** Where the data goes until commit: the temporary file, or the target itself when written in place. */
	readonly path: string;
	/** Bytes written so far. */
	bytes = 0;
	private done = false;
	private readonly inPlace: boolean;
	private readonly mode: number | null;
	private readonly write: (fd: number, data: Uint8Array, offset: number, length: number) => number;

	private constructor(
		readonly target: string,
		private readonly options: OutputOptions,
	) {
		this.write = options.writeSync ?? writeSync;
		checkNotAnInput(target, options.inputs ?? []);
		const existing = statOrNull(target);
		if (existing?.isDirectory()) throw new OutputError(`${target}: is a directory; give a file name to write`);
		this.inPlace = existing !== null && !existing.isFile();
		// A symlink to nothing is a name that exists too: the rename would replace it.
		const name = existing ?? lstatOrNull(target);
		if ((name?.isFile() || name?.isSymbolicLink()) && !options.force && !(options.replaceable?.(target) ?? false)) {
			throw new OutputError(`${target}: already exists; ${options.forceFlag ?? '--force'} replaces it`);
		}
		this.mode = existing?.isFile() ? existing.mode & 0o7777 : null;
		this.path = this.inPlace ? target : `${target}.${process.pid}.partial`;
		try {
			this.fd = openSync(this.path, this.inPlace ? 'w' : 'wx');
		} catch (error) {
			throw new OutputError(`${target}: cannot create: ${describeFsError(error)}`);
		}
	}

	/** Check and open `target` for writing (to its temporary file). Throws OutputError. */
	static create(target: string, options: OutputOptions = {}): OutputFile {
		return new OutputFile(target, options);
	}

	/** Write all of `data`; on failure (disk full …) discard everything and throw OutputError. */
	put(data: string | Uint8Array): void {
		const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		try {
			let at = 0;
			while (at < bytes.length) at += this.write(this.fd, bytes, at, bytes.length - at);
		} catch (error) {
			this.discard();
			const code = (error as NodeJS.ErrnoException).code;
			const kept = this.inPlace ? '' : code === 'ENOSPC' ? ` — the disk is full; nothing was written${this.wasThere()}` : ` — nothing was written${this.wasThere()}`;
			throw new OutputError(`${this.target}: cannot write: ${describeFsError(error)}${kept}`);
		}
		this.bytes += bytes.length;
	}

	/** Close and move the data into place. */
	commit(): void {
		if (this.done) return;
		this.done = true;
		// No fsync: this guards against vmtop failing, not the machine losing power, and a
		// flush of a gigabyte trace would cost seconds.
		closeSync(this.fd);
		if (this.inPlace) return;
		try {
			if (this.mode !== null) chmodSync(this.path, this.mode);
			if (this.options.force || this.options.replaceable?.(this.target)) {
				renameSync(this.path, this.target);
			} else {
				linkNoReplace(this.path, this.target);
			}
		} catch (error) {
			removeQuietly(this.path);
			if (error instanceof OutputError) throw error;
			throw new OutputError(`${this.target}: cannot move the finished file into place: ${describeFsError(error)}`);
		}
	}

	/** Close and remove the temporary file: the target stays as it was. Idempotent. */
	discard(): void {
		if (this.done) return;
		this.done = true;
		try {
			closeSync(this.fd);
		} catch {
			// already closed
		}
		if (!this.inPlace) removeQuietly(this.path);
	}

	private wasThere(): string {
		return this.mode === null ? '' : ` (${this.target} is unchanged)`;
	}
}

/** rename that never replaces: link (fails with EEXIST if the name is taken), then drop the temporary name. */
function linkNoReplace(from: string, to: string): void {
	try {
		linkSync(from, to);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EEXIST') throw new OutputError(`${to}: was created while writing; --force replaces it`);
		// A file system without hard links (FAT, some network mounts): check, then rename.
		if (statOrNull(to)) throw new OutputError(`${to}: was created while writing; --force replaces it`);
		renameSync(from, to);
		return;
	}
	unlinkSync(from);
}

function removeQuietly(file: string): void {
	try {
		unlinkSync(file);
	} catch {
		// gone already
	}
}

/**
 * Is `file` a vmtop trace whose header says it was written by `source`
 * (`record`)? Reads only the start of the file (decompressing it if gzip): the
 * header's first keys are `type`, `format` … `source`.
 */
export function isTraceFrom(file: string, source: 'record' | 'import'): boolean {
	let head: Buffer;
	try {
		const fd = openSync(file, 'r');
		try {
			const buf = Buffer.alloc(1 << 16);
			head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
		} finally {
			closeSync(fd);
		}
		// A truncated gzip stream decodes as far as it goes with a sync flush.
		if (head[0] === 0x1f && head[1] === 0x8b) head = gunzipSync(head, {finishFlush: constants.Z_SYNC_FLUSH});
	} catch {
		return false;
	}
	const text = head.subarray(0, 4096).toString('utf8');
	const line = text.split('\n', 1)[0]!;
	return line.startsWith('{"type":"header"') && line.includes(`"format":"${TRACE_FORMAT}"`) && line.includes(`"source":"${source}"`);
}
