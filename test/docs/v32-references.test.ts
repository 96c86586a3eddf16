/**
 * The machine's contract is docs/v32.md, and code cites its sections as
 * `docs/v32.md §4.2` (never a bare "spec §4", which named a document outside
 * the repository). Every citation must name a section that exists.
 */
import {readFileSync, readdirSync} from 'node:fs';
import {join, relative} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const V32 = join(root, 'docs/v32.md');
const THIS = fileURLToPath(import.meta.url);

function lineOf(text: string, index: number): number {
	return text.slice(0, index).split('\n').length;
}

function files(dir: string, extensions: RegExp): string[] {
	return readdirSync(join(root, dir), {recursive: true, withFileTypes: true})
		.filter((d) => d.isFile() && extensions.test(d.name))
		.map((d) => join(d.parentPath, d.name));
}

/** Section numbers defined by docs/v32.md's headings: `## §4 …`, `### §4.2 …`. */
function sectionsOf(markdown: string): Set<string> {
	return new Set([...markdown.matchAll(/^#{2,4} §(\d+(?:\.\d+)*) /gm)].map((m) => m[1]!));
}

/** A citation: `v32.md §4.2`, `v32.md §1–§6`, `v32.md §2.3, §6`, `v32.md §3.4 and §3.6`. */
const CITATION = /v32\.md\s+§\d+(?:\.\d+)*(?:(?:\s*[–,-]\s*|\s+and\s+)§\d+(?:\.\d+)*)*/g;

/** The section numbers each citation in `text` names, with the line it is on. */
function citationsIn(text: string): Array<{line: number; section: string}> {
	const found: Array<{line: number; section: string}> = [];
	for (const m of text.matchAll(CITATION)) {
		const line = lineOf(text, m.index);
		for (const n of m[0].matchAll(/§(\d+(?:\.\d+)*)/g)) found.push({line, section: n[1]!});
	}
	return found;
}

/** `§` signs in `text` that are not part of a docs/v32.md citation, an RFC's section or an issue's section. */
function strayParagraphSigns(text: string): number[] {
	const rest = text.replace(CITATION, (m) => m.replaceAll('§', ' ')).replace(/RFC \d+ §/g, 'RFC').replace(/issues? \d+ §/gi, 'issue');
	return [...rest.matchAll(/§/g)].map((m) => lineOf(rest, m.index));
}

const sections = sectionsOf(readFileSync(V32, 'utf8'));
const code = [...files('source', /\.tsx?$/), ...files('test', /\.(tsx?|s)$/), ...files('samples', /\.(s|inc)$/)];
const prose = [...files('docs', /\.md$/), join(root, 'readme.md')];

describe('docs/v32.md, the machine contract', () => {
	test('has numbered sections §1 to §10, §1–§8 as in the original contract', () => {
		for (let n = 1; n <= 10; n++) expect(sections.has(String(n)), `§${n}`).toBe(true);
		for (const sub of ['1.2', '2.3', '3.4', '3.9', '4.1', '4.2', '5.1', '6.2', '7.2', '8.1']) {
			expect(sections.has(sub), `§${sub}`).toBe(true);
		}
	});

	test('the checks catch a citation of a missing section and a bare "spec §"', () => {
		expect(citationsIn('x\n// docs/v32.md §3.4 and §99.1, §2–§3').map((c) => c.section)).toEqual(['3.4', '99.1', '2', '3']);
		expect(strayParagraphSigns('ok: docs/v32.md §4.2\n// spec §4\n// RFC 1952 §2.2\n// issue 13 §5')).toEqual([2]);
	});

	test('source, tests and samples cite only docs/v32.md sections that exist, never a bare "spec §"', () => {
		const bad: string[] = [];
		for (const file of code) {
			if (file === THIS) continue; // its examples are the offences it looks for
			const text = readFileSync(file, 'utf8');
			const name = relative(root, file);
			for (const m of text.matchAll(/spec §/gi)) bad.push(`${name}:${lineOf(text, m.index)}: "spec §" (cite docs/v32.md §N)`);
			for (const line of strayParagraphSigns(text)) bad.push(`${name}:${line}: a § that is not a docs/v32.md citation`);
			for (const c of citationsIn(text)) if (!sections.has(c.section)) bad.push(`${name}:${c.line}: no section §${c.section}`);
		}
		expect(bad).toEqual([]);
	});

	test('the docs and the readme cite only docs/v32.md sections that exist', () => {
		const bad: string[] = [];
		for (const file of prose) {
			const text = readFileSync(file, 'utf8');
			const name = relative(root, file);
			if (file !== V32) {
				for (const m of text.matchAll(/spec §|spec\/v32-machine\.md/gi)) bad.push(`${name}:${lineOf(text, m.index)}: ${m[0]}`);
			}
			// Inside docs/v32.md a bare §N refers to its own sections.
			const cited =
				file === V32
					? [...text.matchAll(/§(\d+(?:\.\d+)*)/g)].map((m) => ({line: lineOf(text, m.index), section: m[1]!}))
					: citationsIn(text);
			for (const c of cited) if (!sections.has(c.section)) bad.push(`${name}:${c.line}: no section §${c.section}`);
		}
		expect(bad).toEqual([]);
	});
});
