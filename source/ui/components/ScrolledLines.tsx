/**
 * Lines taller than their room, shown a window at a time (the report screens,
 * the legend and the multilevel map at 80×24): the last line of the room then
 * says which lines are shown, how many more there are, and the keys that
 * scroll. Nothing is squeezed out of the middle; nothing is cut at the bottom
 * without saying so.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {cells, wrapText} from './text.js';

/** Paragraphs as screen lines of at most `width` cells, each wrapped at spaces (a note, a heading). Pure. */
export function wrappedLines(texts: readonly string[], width: number, key: string, style: {color?: string; bold?: boolean} = {color: 'gray'}): ReactNode[] {
	return texts.flatMap((text, i) =>
		wrapText(text, width).map((part, k) => (
			<Text key={`${key}${i}.${k}`} color={style.color} bold={style.bold}>
				{part}
			</Text>
		)),
	);
}

/** How far `count` lines scroll in `room` lines (0: they fit; scrolled, one line says where we are). Pure. */
export function linesOverflow(count: number, room: number): number {
	return count <= room ? 0 : count - Math.max(1, room - 1);
}

export interface ScrolledLinesProps {
	/** One element per screen line. */
	lines: ReactNode[];
	/** Screen lines available. */
	room: number;
	/** First line shown. */
	offset: number;
	/** Cells across: the line saying where we are names fewer keys rather than end in `…`. */
	width: number;
}

/** `lines 1–18 of 54 · ↓ 36 more · ↑ ↓ PgUp PgDn Home End scroll`, with fewer keys where that is too wide (pure). */
export function whereLine(first: number, shown: number, total: number, width: number): string {
	const below = total - first - shown;
	const at = `lines ${first + 1}–${first + shown} of ${total}${below > 0 ? ` · ↓ ${below} more` : ''}`;
	const keys = ['↑ ↓ PgUp PgDn Home End scroll', '↑ ↓ PgUp PgDn scroll', '↑ ↓ scroll'].map((k) => `${at} · ${k}`);
	return keys.find((line) => cells(line) <= width) ?? at;
}

export function ScrolledLines({lines, room, offset, width}: ScrolledLinesProps) {
	const scrolls = lines.length > room;
	const window = Math.max(1, room - 1);
	const first = scrolls ? Math.max(0, Math.min(offset, lines.length - window)) : 0;
	const shown = scrolls ? lines.slice(first, first + window) : lines;
	return (
		<>
			{shown.map((line, i) => (
				<Box key={i} height={1} flexShrink={0}>
					{line}
				</Box>
			))}
			{scrolls ? (
				<Box height={1} flexShrink={0}>
					<Text color="cyan" wrap="truncate">
						{whereLine(first, shown.length, lines.length, width)}
					</Text>
				</Box>
			) : null}
		</>
	);
}
