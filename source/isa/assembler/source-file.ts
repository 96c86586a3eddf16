/**
 * Reading an assembly source (the top file and every `.include`): checked
 * before the work, not after the memory is gone.
 * - It must be a regular file (`.include "/dev/zero"` would never end) of at
 *   most MAX_SOURCE_BYTES.
 * - A vmtop trace or gzip data given by mistake is named as such, with the
 *   command that reads it, instead of thousands of "unexpected character".
 * - Sources are UTF-8: a byte that is not is reported at its line and column
 *   (decoding would silently turn it into U+FFFD, inside a string too).
 * - A UTF-8 byte order mark at the start is skipped (editors on Windows write one).
 */
import * as fs from 'node:fs';
import {constants, gunzipSync} from 'node:zlib';

/** Far more than any V32 program (the sample kernel is 30 KiB); a bigger "source" is a mistake. */
export const MAX_SOURCE_BYTES = 8 << 20;

/** A source that cannot be assembled as text; `line`/`col` when the problem has a place in it. */
export class SourceError extends Error {
	constructor(
		message: string,
		readonly line?: number,
		readonly col?: number,
	) {
		super(message);
	}
}

export function readSource(file: string, maxBytes = MAX_SOURCE_BYTES): string {
	const stat = fs.statSync(file); // ENOENT, EACCES …: the caller's message
	if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'});
	if (!stat.isFile()) throw new SourceError(`'${file}' is not a regular file (a device, a FIFO or a socket): a source must be a file`);
	// A trace is named as one whatever its size: look at its start first.
	const head = Buffer.alloc(Math.min(stat.size, 1 << 16));
	const fd = fs.openSync(file, 'r');
	try {
		fs.readSync(fd, head, 0, head.length, 0);
	} finally {
		fs.closeSync(fd);
	}
	if ((head[0] === 0x1f && head[1] === 0x8b && isTraceText(gunzipHead(head))) || isTraceText(head.subarray(0, 64).toString('latin1'))) throw notATrace(file);
	if (stat.size > maxBytes) {
		throw new SourceError(`'${file}' is ${stat.size.toLocaleString('en-US')} bytes; a source may have at most ${maxBytes.toLocaleString('en-US')}`);
	}
	const bytes = fs.readFileSync(file);
	if (bytes.length > maxBytes) throw new SourceError(`'${file}' has more than ${maxBytes.toLocaleString('en-US')} bytes; a source may have at most that`);
	return decodeSource(file, bytes);
}

/** UTF-8 text of `bytes`, or a SourceError at the first byte that is not UTF-8. */
export function decodeSource(file: string, bytes: Uint8Array): string {
	if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
		if (isTraceText(gunzipHead(bytes))) throw notATrace(file);
		throw new SourceError(`'${file}' is gzip data, not assembly`, 1, 1);
	}
	let text: string;
	try {
		text = new TextDecoder('utf-8', {fatal: true, ignoreBOM: false}).decode(bytes);
	} catch {
		const at = firstInvalidUtf8(bytes);
		const before = Buffer.from(bytes.subarray(0, at)).toString('utf8');
		const line = before.split('\n').length;
		const col = before.length - before.lastIndexOf('\n');
		throw new SourceError(`byte 0x${bytes[at]!.toString(16).padStart(2, '0')} is not UTF-8: sources are UTF-8 text (write other bytes with .byte)`, line, col);
	}
	if (isTraceText(text)) throw notATrace(file);
	return text;
}

function isTraceText(text: string): boolean {
	return /^\s*\{"type":"header"/.test(text.slice(0, 64));
}

function notATrace(file: string): SourceError {
	return new SourceError(`'${file}' is a vmtop trace, not assembly or a scenario — 'vmtop replay ${file}' replays it`, 1, 1);
}

/** The start of gzip data, decoded as far as the first 64 KiB go ('' if it is not gzip after all). */
function gunzipHead(bytes: Uint8Array): string {
	try {
		return gunzipSync(bytes.subarray(0, 1 << 16), {finishFlush: constants.Z_SYNC_FLUSH}).subarray(0, 256).toString('utf8');
	} catch {
		return '';
	}
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
	let i = 0;
	while (i < b.length) {
		const c = b[i]!;
		const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
		if (n < 0) return i;
		for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k]! & 0xc0) !== 0x80) return i;
		// Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
		if ((c === 0xe0 && b[i + 1]! < 0xa0) || (c === 0xed && b[i + 1]! > 0x9f) || (c === 0xf0 && b[i + 1]! < 0x90) || (c === 0xf4 && b[i + 1]! > 0x8f)) return i;
		i += n + 1;
	}
	return b.length;
}
