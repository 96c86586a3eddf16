/**
 * Which rows of a table show: all when they fit; otherwise a window that the
 * focused table scrolls, and one line saying what lies outside it (so the
 * rest is reachable, and known to be there).
 */
export interface TableWindow {
	/** Index of the first row shown. */
	start: number;
	rows: number;
	/** A line under the rows says how many are above and below. */
	note: boolean;
}

/** `lines`: lines for rows (title and heading excluded); `n` rows in all. */
export function tableWindow(lines: number, n: number, offset: number): TableWindow {
	if (n <= lines) return {start: 0, rows: n, note: false};
	const rows = Math.max(0, lines - 1);
	return {start: Math.max(0, Math.min(offset, n - rows)), rows, note: true};
}

/** The offset after scrolling `delta` rows (±Infinity: to the top, to the end). */
export function scrollWindow(lines: number, n: number, offset: number, delta: number): number {
	const w = tableWindow(lines, n, offset);
	return Math.max(0, Math.min(n - w.rows, w.start + delta));
}

/** `rows 4–9 of 20, ↑↓ scroll` / `+11 more reasons — tab focuses the table`. */
export function windowNote(w: TableWindow, n: number, noun: string, focused: boolean): string {
	if (focused) return `${noun} ${w.start + 1}–${w.start + w.rows} of ${n} — ↑↓ PgUp PgDn Home End scroll`;
	const below = n - w.start - w.rows;
	return `+${below} more ${noun}${w.start > 0 ? `, ${w.start} above` : ''} — tab focuses the table`;
}
