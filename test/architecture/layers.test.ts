/**
 * The folders under source/ are the machine's levels in layer order (docs/architecture.md):
 * a folder may import only folders below it. A lower layer importing a higher one — or a
 * new folder nobody placed — fails here.
 */
import {readdirSync, readFileSync} from 'node:fs';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';

/** Lowest first. Keep in step with docs/architecture.md's table. */
export const LAYERS = ['schema', 'isa', 'bus', 'cpu', 'os', 'sim', 'vmm', 'scenario', 'stats', 'check', 'pvm', 'trace', 'driver', 'ui', 'cli', 'bench'] as const;

const sourceRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../source');

interface Edge {
	from: string;
	to: string;
	file: string;
	spec: string;
}

function sourceFiles(dir: string): string[] {
	return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return sourceFiles(p);
		return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
	});
}

/** The top folder under source/ a path lies in ('' for source/ itself). */
function folderOf(file: string): string {
	const rel = path.relative(sourceRoot, file);
	const parts = rel.split(path.sep);
	return parts.length > 1 ? parts[0]! : '';
}

function importEdges(): Edge[] {
	const edges: Edge[] = [];
	for (const file of sourceFiles(sourceRoot)) {
		const text = readFileSync(file, 'utf8');
		for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
			const spec = m[1]!;
			const from = folderOf(file);
			const to = folderOf(path.resolve(path.dirname(file), spec));
			if (from !== to) edges.push({from, to, file: path.relative(sourceRoot, file), spec});
		}
	}
	return edges;
}

describe('layers under source/', () => {
	const folders = readdirSync(sourceRoot, {withFileTypes: true}).filter((e) => e.isDirectory()).map((e) => e.name);
	const edges = importEdges();

	it('every folder has a place in the layer order', () => {
		expect(folders.length).toBeGreaterThan(10);
		expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
	});

	it('sees the imports between folders (the check is not vacuous)', () => {
		expect(edges.some((e) => e.from === 'vmm' && e.to === 'cpu')).toBe(true);
		expect(edges.some((e) => e.from === 'ui' && e.to === 'driver')).toBe(true);
	});

	it('no folder imports a folder above it (so there is no cycle between folders)', () => {
		const rank = (f: string) => LAYERS.indexOf(f as (typeof LAYERS)[number]);
		const upward = edges
			.filter((e) => e.from !== '' && e.to !== '' && rank(e.to) >= rank(e.from))
			.map((e) => `${e.file} imports ${e.spec} (${e.from} → ${e.to})`);
		expect(upward).toEqual([]);
	});

	it('files at the top of source/ are the entry point (cli.ts) or below every layer (import nothing)', () => {
		const roots = readdirSync(sourceRoot).filter((f) => /\.tsx?$/.test(f));
		expect(roots).toContain('cli.ts');
		for (const f of roots.filter((r) => r !== 'cli.ts')) {
			expect(readFileSync(path.join(sourceRoot, f), 'utf8'), f).not.toMatch(/^\s*import\s.*from\s+['"]\./m);
		}
		// Only the entry point imports the commands from the top.
		expect(edges.filter((e) => e.from === '' && e.file !== 'cli.ts')).toEqual([]);
	});

	it('the core never imports the UI or the commands', () => {
		const core = new Set(['isa', 'bus', 'cpu', 'os', 'sim', 'vmm']);
		const bad = edges.filter((e) => core.has(e.from) && ['ui', 'driver', 'cli'].includes(e.to));
		expect(bad).toEqual([]);
		for (const file of sourceFiles(sourceRoot).filter((f) => core.has(folderOf(f)))) {
			expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](ink|react)['"]/);
		}
	});
});
