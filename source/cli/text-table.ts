/**
 * A plain-text table for the terminal: each column as wide as its widest
 * cell, measured in terminal columns (string-width), not in UTF-16 code
 * units — a long reason or a wide character then cannot push a row askew.
 */
import stringWidth from 'string-width';

export type Align = 'left' | 'right';

function pad(text: string, width: number, align: Align): string {
	const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
	return align === 'left' ? text + gap : gap + text;
}

/** The lines of a table: heading first, columns two blanks apart, no trailing blanks. */
export function textTable(heading: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[]): string[] {
	const all = [heading, ...rows];
	const widths = heading.map((_, c) => Math.max(...all.map((r) => stringWidth(r[c] ?? ''))));
	return all.map((r) =>
		widths
			.map((w, c) => pad(r[c] ?? '', w, align[c] ?? 'left'))
			.join('  ')
			.trimEnd(),
	);
}
