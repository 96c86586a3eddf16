/**
 * Assembled samples, cached by the build (issue 15: cold, assembling the default scenario's kernel and
 * programs took a fifth of the time to the dashboard's first frame). `npm run build` writes one JSON file per
 * program into dist/assembly-cache/ (source/isa/write-assembly-cache.ts): the program and every file its
 * assembly depended on — the source, each `.include`, and the assembler's own compiled code (dist/isa/) —
 * each with its SHA-256. A lookup reads and hashes every one of those files again: if any differs or is
 * missing, the program is assembled afresh. A stale entry is never used.
 *
 * Only compiled code looks here: run from source (vitest), the assembler always assembles.
 */
import {createHash} from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';
import type {Program} from './program.js';

/** The assembler's compiled code, relative to the root: what a cache entry also depends on. */
export const ASSEMBLER_CODE_DIR = path.join('dist', 'isa');

/** Bumped when the entry's layout changes. */
export const CACHE_FORMAT = 1;

export interface CacheLocation {
	/** The package root: the entries' paths are relative to it (the package may be installed elsewhere). */
	root: string;
	/** Where the entries are. */
	dir: string;
}

/** A cache entry: the program and what it was assembled from. */
export interface CacheEntry {
	format: number;
	/** The file as given to the assembler, relative to the root, and the defines (`-D`), in order. */
	key: string;
	/** Every file read to assemble it (sources and the assembler's code), relative to the root, with its SHA-256. */
	files: Array<{path: string; sha256: string}>;
	program: {bytes: string; entry: number; symbols: Array<[string, number]>; labels: Array<[string, number]>; lines: Array<[number, number]>};
}

/** dist/assembly-cache/ next to the running code — from dist/isa/, dist/bundle/ and dist/dashboard-bundle/ alike (all two levels down). */
function defaultLocation(): CacheLocation | undefined {
	const here = import.meta.url;
	if (!here.startsWith('file:') || !here.endsWith('.js')) return undefined;
	const root = fileURLToPath(new URL('../../', here));
	return {root, dir: path.join(root, 'dist', 'assembly-cache')};
}

export function cacheKey(root: string, file: string, defines?: Record<string, number>): string | undefined {
	const relative = path.relative(root, path.resolve(file));
	if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
	const d = defines === undefined ? [] : Object.entries(defines);
	return relative.split(path.sep).join('/') + (d.length === 0 ? '' : '?' + d.map(([k, v]) => `${k}=${v}`).join('&'));
}

export function entryFile(location: CacheLocation, key: string): string {
	return path.join(location.dir, encodeURIComponent(key) + '.json');
}

export function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The assembler's code, hashed once per process: the code running is what was loaded at the start (a later
 * build on disk does not change it). Sources are hashed at every lookup: a restart sees an edited sample.
 */
const codeHashes = new Map<string, string | undefined>();
const CODE_PREFIX = ASSEMBLER_CODE_DIR.split(path.sep).join('/') + '/';

/** The file's SHA-256 if it is still a regular file (else undefined: the entry does not hold). */
function hashOf(location: CacheLocation, relative: string): string | undefined {
	if (!relative.startsWith(CODE_PREFIX)) return hashFile(path.join(location.root, relative));
	const file = path.join(location.root, relative);
	if (!codeHashes.has(file)) codeHashes.set(file, hashFile(file));
	return codeHashes.get(file);
}

function hashFile(file: string): string | undefined {
	try {
		if (!fs.statSync(file).isFile()) return undefined;
		return sha256(fs.readFileSync(file));
	} catch {
		return undefined;
	}
}

/** The cached program for `file` (with these defines), if every file it was assembled from is unchanged. */
export function cachedProgram(file: string, defines?: Record<string, number>, location = defaultLocation()): Program | undefined {
	if (location === undefined) return undefined;
	const key = cacheKey(location.root, file, defines);
	if (key === undefined) return undefined;
	let entry: CacheEntry;
	try {
		entry = JSON.parse(fs.readFileSync(entryFile(location, key), 'utf8')) as CacheEntry;
	} catch {
		return undefined; // no entry (or an unreadable one): assemble
	}
	if (entry.format !== CACHE_FORMAT || entry.key !== key || !Array.isArray(entry.files) || entry.files.length === 0) return undefined;
	for (const f of entry.files) {
		if (hashOf(location, f.path) !== f.sha256) return undefined;
	}
	const p = entry.program;
	return {
		file,
		bytes: new Uint8Array(Buffer.from(p.bytes, 'base64')),
		entry: p.entry,
		symbols: new Map(p.symbols),
		labels: new Map(p.labels),
		lines: new Map(p.lines),
	};
}

/** The entry for a program assembled from `read` (absolute paths), plus the assembler's code under the root. */
export function makeEntry(location: CacheLocation, key: string, program: Program, read: readonly string[]): CacheEntry {
	const code = listFiles(path.join(location.root, ASSEMBLER_CODE_DIR)).filter((f) => f.endsWith('.js'));
	const files = [...new Set([...read.map((f) => path.resolve(f)), ...code])].map((abs) => ({
		path: path.relative(location.root, abs).split(path.sep).join('/'),
		sha256: sha256(fs.readFileSync(abs)),
	}));
	return {
		format: CACHE_FORMAT,
		key,
		files,
		program: {
			bytes: Buffer.from(program.bytes).toString('base64'),
			entry: program.entry,
			symbols: [...program.symbols],
			labels: [...program.labels],
			lines: [...program.lines],
		},
	};
}

function listFiles(dir: string): string[] {
	const out: string[] = [];
	for (const d of fs.readdirSync(dir, {withFileTypes: true}).sort((a, b) => a.name.localeCompare(b.name))) {
		const full = path.join(dir, d.name);
		if (d.isDirectory()) out.push(...listFiles(full));
		else if (d.isFile()) out.push(full);
	}
	return out;
}

export {defaultLocation as assemblyCacheLocation};
