/** The views' fast width path (`cells`) agrees with string-width, the measure Ink lays out by. */
import stringWidth from 'string-width';
import {expect, test} from 'vitest';
import {cells, fit} from '../../source/ui/components/text.js';

test('every code point from U+0020 to U+25FF is as wide in cells() as string-width says', () => {
	const wrong: string[] = [];
	for (let c = 0x20; c < 0x2600; c++) {
		if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates are no text
		const ch = String.fromCodePoint(c);
		// Alone, and after a letter (a combining mark takes no cell of its own there).
		if (cells(ch) !== stringWidth(ch) || cells(`a${ch}`) !== stringWidth(`a${ch}`)) wrong.push(`U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
	}
	expect(wrong).toEqual([]);
});

test('a text with a wide symbol is cut to the cells it takes', () => {
	// ⏳ takes two cells: 'ab⏳' is four wide, so three cells hold 'ab' and the ellipsis.
	expect(cells('ab⏳')).toBe(4);
	expect(fit('ab⏳', 3)).toBe('ab…');
	expect(cells('soft\u00adhyphen')).toBe(stringWidth('soft\u00adhyphen'));
});
