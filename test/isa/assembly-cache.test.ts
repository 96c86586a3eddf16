/**
 * The build's cache of assembled samples (source/isa/assembly-cache.ts): a hit is the very program the assembler
 * makes; any change to a file it was assembled from — the source, an `.include`, the assembler's code — is a miss.
 */
import * as fs from 'node:fs';
import {tmpdir} from 'node:os';
import * as path from 'node:path';
import {afterEach, beforeEach, describe, expect, test} from 'vitest';
import {assembleFile} from '../../source/isa/assembler/index.js';
import {readSource} from '../../source/isa/assembler/source-file.js';
import {type CacheLocation, assemblyCacheLocation, cacheKey, cachedProgram, entryFile, makeEntry} from '../../source/isa/assembly-cache.js';

const samplesOs = path.resolve('samples/os');
let root: string;
let location: CacheLocation;

beforeEach(() => {
	root = fs.mkdtempSync(path.join(tmpdir(), 'vmtop-asm-cache-'));
	location = {root, dir: path.join(root, 'dist', 'assembly-cache')};
	fs.mkdirSync(location.dir, {recursive: true});
	fs.mkdirSync(path.join(root, 'dist', 'isa'), {recursive: true});
	fs.writeFileSync(path.join(root, 'dist', 'isa', 'assembler.js'), 'export const version = 1;\n');
	fs.cpSync(samplesOs, path.join(root, 'samples', 'os'), {recursive: true});
});
afterEach(() => fs.rmSync(root, {recursive: true, force: true}));

/** What the build does for one file: assemble it, recording what it read, and write the entry. */
function writeEntry(file: string, defines?: Record<string, number>): void {
	const read: string[] = [];
	const r = assembleFile(file, {...(defines ? {defines} : {}), readFile: (p) => (read.push(p), readSource(p))});
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	const key = cacheKey(root, file, defines)!;
	fs.writeFileSync(entryFile(location, key), JSON.stringify(makeEntry(location, key, r.program, read)));
}

const kernel = () => path.join(root, 'samples', 'os', 'kernel.s');

describe('the assembly cache', () => {
	test('a hit is the program the assembler makes, symbols, labels and lines in the same order', () => {
		writeEntry(kernel());
		const fresh = assembleFile(kernel());
		const hit = cachedProgram(kernel(), undefined, location);
		expect(fresh.ok).toBe(true);
		expect(hit).toBeDefined();
		expect(hit).toEqual(fresh.ok && fresh.program);
		expect([...hit!.symbols.keys()]).toEqual([...(fresh.ok ? fresh.program.symbols.keys() : [])]);
		expect([...hit!.lines.keys()]).toEqual([...(fresh.ok ? fresh.program.lines.keys() : [])]);
		expect(hit!.bytes.length).toBeGreaterThan(1000);
	});

	test('the program names the file as asked for it', () => {
		writeEntry(kernel());
		const relative = path.relative(process.cwd(), kernel());
		expect(cachedProgram(relative, undefined, location)?.file).toBe(relative);
	});

	test('defines are part of the key', () => {
		writeEntry(kernel(), {PV: 1});
		expect(cachedProgram(kernel(), undefined, location)).toBeUndefined();
		const fresh = assembleFile(kernel(), {defines: {PV: 1}});
		expect(cachedProgram(kernel(), {PV: 1}, location)).toEqual(fresh.ok && fresh.program);
	});

	test('an edited source, an edited include or a missing include: assembled afresh', () => {
		writeEntry(kernel());
		const include = path.join(root, 'samples', 'os', 'v32.inc');
		const edits: Array<[string, string]> = [
			[kernel(), fs.readFileSync(kernel(), 'utf8') + '\n; a comment changes nothing the assembler makes, but the file is not the same\n'],
			[include, fs.readFileSync(include, 'utf8').replace(/\n$/, '\n\n')],
		];
		for (const [file, text] of edits) {
			const before = fs.readFileSync(file);
			fs.writeFileSync(file, text);
			expect(cachedProgram(kernel(), undefined, location), file).toBeUndefined();
			fs.writeFileSync(file, before);
			expect(cachedProgram(kernel(), undefined, location), file).toBeDefined();
		}
		fs.rmSync(include);
		expect(cachedProgram(kernel(), undefined, location)).toBeUndefined();
	});

	test('an assembler other than the one that wrote the entry: assembled afresh', () => {
		writeEntry(kernel());
		fs.writeFileSync(path.join(root, 'dist', 'isa', 'assembler.js'), 'export const version = 2;\n');
		expect(cachedProgram(kernel(), undefined, location)).toBeUndefined();
	});

	test('a file outside the package, or no entry: no hit', () => {
		expect(cachedProgram(path.join(tmpdir(), 'elsewhere.s'), undefined, location)).toBeUndefined();
		expect(cachedProgram(kernel(), undefined, location)).toBeUndefined();
	});

	test('run from source (as here), the assembler never looks in the cache', () => {
		expect(assemblyCacheLocation()).toBeUndefined();
	});
});
