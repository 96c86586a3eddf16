/** Pure text helpers for the views: fixed-width cells, wrapping and compact numbers. Widths are terminal cells (string-width), never `.length`. */
import stringWidth from 'string-width';

/**
 * Characters one cell wide for certain, one UTF-16 unit each: printable ASCII,
 * Latin and its modifiers, general punctuation (`…`, `·`, not the zero-width
 * ones), arrows, maths, box drawing, blocks, geometric shapes, `✓` `✗`. A text
 * of only these is as wide as it is long — string-width's full segmentation
 * costs tens of µs per call, and a frame measures hundreds of cells.
 */
// Not in it: the soft hyphen (U+00AD) and the combining marks for symbols (U+20D0–U+20F0), zero wide; the
// wide ones among the technical symbols and shapes (⌚ ⌛ 〈 〉 ⏩–⏬ ⏰ ⏳ ◽ ◾). test/ui/text-cells.test.ts checks
// every code point below U+2600 against string-width.
const NARROW =
	/^[\x20-\x7e\u00a0-\u00ac\u00ae-\u02ff\u2010-\u2027\u2030-\u205e\u2070-\u20cf\u20f1-\u2319\u231c-\u2328\u232b-\u23e8\u23ed-\u23ef\u23f1\u23f2\u23f4-\u25fc\u25ff\u2713\u2717]*$/;
const measured = new Map<string, number>();

/** Terminal cells `text` takes (`→`, `✓` one each; wide characters two). */
export function cells(text: string): number {
	if (NARROW.test(text)) return text.length;
	let w = measured.get(text);
	if (w === undefined) {
		// The rest (emoji, CJK, combining marks) measured once each; the cache stays small.
		if (measured.size >= 4096) measured.clear();
		w = stringWidth(text);
		measured.set(text, w);
	}
	return w;
}

/** The longest prefix of `text` at most `width` cells wide. */
function prefix(text: string, width: number): string {
	let out = '';
	let used = 0;
	for (const ch of text) {
		const w = cells(ch);
		if (used + w > width) break;
		out += ch;
		used += w;
	}
	return out;
}

/** Exactly `width` cells: cut with `…` or padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const flat = text.replace(/[\r\n\t]/g, ' ');
	const w = cells(flat);
	if (w > width) return width === 1 ? '…' : prefix(flat, width - 1) + '…';
	const pad = ' '.repeat(width - w);
	return align === 'left' ? flat + pad : pad + flat;
}

/** At most `width` cells, cut with `…`, not padded (let a Box of that width place it). */
export function clip(text: string, width: number): string {
	if (width <= 0) return '';
	const flat = text.replace(/[\r\n\t]/g, ' ');
	return cells(flat) > width ? (width === 1 ? '…' : prefix(flat, width - 1) + '…') : flat;
}

/**
 * `text` as lines of at most `width` cells, broken at spaces where it can and
 * inside a word only when the word alone is wider: nothing is cut, a long
 * cell takes more lines.
 */
export function wrapText(text: string, width: number): string[] {
	const flat = text.replace(/[\r\n\t]/g, ' ');
	if (width <= 0) return [flat];
	if (cells(flat) <= width) return [flat];
	const lines: string[] = [];
	let line = '';
	let used = 0;
	for (const word of flat.split(/(?<= )/)) {
		let rest = word;
		if (used + cells(rest.trimEnd()) <= width) {
			line += rest;
			used += cells(rest);
			continue;
		}
		if (line.trim() !== '') lines.push(line.trimEnd());
		line = '';
		used = 0;
		// A word wider than the column: broken after its last hyphen or slash that fits (`procedure-` /
		// `threaded`), else where the column ends.
		while (cells(rest.trimEnd()) > width) {
			let head = prefix(rest, width) || [...rest][0]!;
			const soft = Math.max(head.lastIndexOf('-'), head.lastIndexOf('/'));
			if (soft > 0 && soft < head.length - 1) head = head.slice(0, soft + 1);
			lines.push(head);
			rest = rest.slice(head.length);
		}
		line = rest;
		used = cells(rest);
	}
	if (line.trim() !== '') lines.push(line.trimEnd());
	return lines.length === 0 ? [''] : lines;
}

/** `12,345`. */
export function count(n: number): string {
	return Math.round(n).toLocaleString('en-US');
}

/** `950`, `12.3k`, `4.56M`: for narrow columns. */
export function compact(n: number): string {
	const a = Math.abs(n);
	if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
	if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
	if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
	if (a >= 100 || Number.isInteger(n)) return String(Math.round(n));
	return n.toFixed(1);
}

/** `42.0%`. */
export function percent(share: number): string {
	return `${(share * 100).toFixed(1)}%`;
}

/** A horizontal rule with a title: `─ History ────`. */
export function titleRule(title: string, width: number): string {
	const head = `─ ${title} `;
	const w = cells(head);
	return w >= width ? fit(head, width) : head + '─'.repeat(width - w);
}
