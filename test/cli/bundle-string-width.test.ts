/**
 * The bundle's string-width (source/cli/bundle.ts): the RGI emoji expression is built only when a segment can be
 * an RGI emoji. Every width must be string-width's own: checked on every code point and on random sequences
 * rich in emoji parts (ZWJ, variation selectors, skin tones, keycaps, flags, tags, Hangul jamo, marks).
 */
import * as fs from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import * as path from 'node:path';
import {pathToFileURL} from 'node:url';
import fc from 'fast-check';
import stringWidth from 'string-width';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {patchStringWidth} from '../../source/cli/bundle.js';

type Width = (text: string, options?: {ambiguousIsNarrow?: boolean; countAnsiEscapeCodes?: boolean}) => number;

const require = createRequire(import.meta.url);
const original = require.resolve('string-width');
let dir: string;
let patched: Width;

beforeAll(async () => {
	// The patched module, its imports pointed at the packages string-width itself uses.
	const from = createRequire(original);
	let source = patchStringWidth(fs.readFileSync(original, 'utf8'));
	for (const dep of ['strip-ansi', 'get-east-asian-width']) {
		source = source.replace(`from '${dep}'`, `from '${pathToFileURL(from.resolve(dep)).href}'`);
	}
	dir = fs.mkdtempSync(path.join(tmpdir(), 'vmtop-string-width-'));
	const file = path.join(dir, 'string-width.mjs');
	fs.writeFileSync(file, source);
	patched = ((await import(pathToFileURL(file).href)) as {default: Width}).default;
});
afterAll(() => fs.rmSync(dir, {recursive: true, force: true}));

describe("the bundle's string-width", () => {
	test('the patch is applied (the big expression is no longer built at load)', () => {
		const source = patchStringWidth(fs.readFileSync(original, 'utf8'));
		expect(source).not.toContain('const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;');
		expect(source).toContain('isRgiEmoji(segment)');
		expect(() => patchStringWidth('export default () => 0;')).toThrow(/string-width changed/);
	});

	test('a single code point is an RGI emoji only if it has Emoji_Presentation (the guard never hides one)', () => {
		const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v'); // (a `v` literal needs an ES2024 target)
		const presentation = /\p{Emoji_Presentation}/u;
		const missed: number[] = [];
		for (let cp = 0; cp <= 0x10ffff; cp++) {
			const ch = String.fromCodePoint(cp);
			if (rgi.test(ch) && !presentation.test(ch)) missed.push(cp);
		}
		expect(missed).toEqual([]);
	});

	test('every code point alone, and after a letter, is as wide as string-width says', () => {
		const differ: string[] = [];
		for (let cp = 0; cp <= 0x10ffff; cp += cp < 0x3000 ? 1 : 0x3000 <= cp && cp < 0x20000 ? 7 : 97) {
			for (const text of [String.fromCodePoint(cp), 'a' + String.fromCodePoint(cp)]) {
				if (patched(text) !== stringWidth(text)) differ.push(text);
			}
		}
		for (let cp = 0x1f000; cp <= 0x1faff; cp++) {
			const text = String.fromCodePoint(cp);
			if (patched(text) !== stringWidth(text) || patched(text + '\ufe0f') !== stringWidth(text + '\ufe0f')) differ.push(text);
		}
		expect(differ).toEqual([]);
	});

	test('random emoji sequences, marks and wide text: the same widths, both ambiguous widths', () => {
		const parts = [
			'a', '1', '#', '*', '│', '─', '→', '…', '✓', '✔', '☺', '⌚', '中', '한', '\u1100', '\u1161', '\u11a8', '\u0301', '\u20e3',
			'\u200d', '\ufe0f', '\ufe0e', '\u{1f3fd}', '\u{1f44d}', '\u{1f468}', '\u{1f469}', '\u{1f467}', '\u2764', '\u{1f1fa}', '\u{1f1f8}',
			'\u{1f3f4}', '\u{e0067}', '\u{e0062}', '\u{e007f}', '\u00ad', '\u0e33', '\uff9e', '\x1b[31m', '\x1b[0m', '\t', '\u{1f9d1}', '\u{1f91d}',
		];
		fc.assert(
			fc.property(fc.array(fc.constantFrom(...parts), {maxLength: 12}), fc.boolean(), (pieces, narrow) => {
				const text = pieces.join('');
				expect(patched(text, {ambiguousIsNarrow: narrow})).toBe(stringWidth(text, {ambiguousIsNarrow: narrow}));
			}),
			{numRuns: 3000},
		);
	});
});
