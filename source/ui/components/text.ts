/** Pure text helpers for the views: fixed-width cells and compact numbers. */

/** Exactly `width` characters: cut with `…` or padded with spaces. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
	if (width <= 0) return '';
	const flat = text.replace(/[\r\n\t]/g, ' ');
	if (flat.length > width) return width === 1 ? '…' : flat.slice(0, width - 1) + '…';
	return align === 'left' ? flat.padEnd(width) : flat.padStart(width);
}

/** At most `width` characters, cut with `…`, not padded (let a Box of that width place it). */
export function clip(text: string, width: number): string {
	if (width <= 0) return '';
	const flat = text.replace(/[\r\n\t]/g, ' ');
	return flat.length > width ? (width === 1 ? '…' : flat.slice(0, width - 1) + '…') : flat;
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
	return head.length >= width ? fit(head, width) : head + '─'.repeat(width - head.length);
}
