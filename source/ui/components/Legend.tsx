/**
 * The legend (`l`, and listed in `?`): every glyph and column of the
 * dashboard, in the lecture's words. `l` or esc closes it; taller than the
 * screen, it scrolls.
 */
import {Text} from 'ink';
import type {ReactNode} from 'react';
import {Panel} from './Panel.js';
import {ScrolledLines, linesOverflow} from './ScrolledLines.js';
import {cells, fit, wrapText} from './text.js';

/** [glyph, meaning] pairs; plain data so the help and the docs show the same. */
export const legendEntries: ReadonlyArray<readonly [string, string]> = [
	['CPU (fetch-execute)', 'level 2, the ISA: the instruction the real CPU fetched and executed'],
	['Exceptions', 'exceptions and interrupts raised, delivered through the IDT, and iret returning'],
	['OS', 'level 3, the operating-system machine: handlers, system calls, process switches'],
	['VMM', 'the virtual machine monitor: intercept, emulate, reflect, translate, hypercall, resume'],
	['Host OS', 'only under a Type II VMM: the host OS the VMM runs on'],
	['S / U', 'the real CPU’s mode: supervisor or user'],
	['U/vS', 'under a VMM: real mode U, the guest’s virtual mode S (its kernel believes it is in supervisor mode)'],
	['U/vU', 'under a VMM: a guest’s user program (real and virtual mode user)'],
	['gN', 'the guest the row belongs to (g0, g1 …); h: the host / the real machine'],
	['⋯N', 'N instructions ran unseen before this row (only events are shown at this speed)'],
	['before', 'an interrupt is taken between instructions: before the one named runs'],
	['(trapped)', 'the instruction raised the exception on its row (a fault: it did not complete; a trap: it did) — shown once'],
	['⚠', 'a sensitive, unprivileged instruction ran directly: the guest saw or changed real state, or its change was lost (Robin & Irvine)'],
	['⇒ int 0x63 (patched)', 'binary translation replaced a sensitive instruction with a trap to the VMM'],
	['virtual device:', 'under a VMM: the VMM’s `in`/`out` on a guest’s own device — the guest’s instruction never reaches a real port'],
	['· journey N', 'the exception journey this row opens (the core numbers them; f journey:N filters)'],
	['✓ ✗ ·', 'Popek–Goldberg panel: the property holds, is violated, or cannot be judged yet'],
	['colours', 'white CPU, yellow exceptions, green OS, magenta VMM, blue host OS; red: a violation or a stop'],
	['›', 'the selected row (↑/↓ move it, End follows the newest again)'],
];

/** The glyphs' column: the widest glyph and two spaces. */
const keyWidth = Math.max(...legendEntries.map(([k]) => cells(k))) + 2;

/**
 * The legend as screen lines (pure): each meaning wrapped under itself, the
 * glyphs' column kept clear (at 80 columns most take two lines).
 */
export function legendLines(width: number): ReactNode[] {
	const out: ReactNode[] = [];
	for (const [glyph, meaning] of legendEntries) {
		wrapText(meaning, Math.max(10, width - keyWidth)).forEach((part, k) =>
			out.push(
				<Text key={`${glyph}.${k}`} wrap="truncate">
					<Text bold color="cyan">
						{fit(k === 0 ? glyph : '', keyWidth)}
					</Text>
					{part}
				</Text>,
			),
		);
	}
	return out;
}

/** How far the legend scrolls at this size (0: it fits). */
export function legendOverflow(width: number, height: number): number {
	return linesOverflow(legendLines(width).length, height - 1);
}

export interface LegendProps {
	width: number;
	height: number;
	/** First line shown (↑ ↓ PgUp PgDn Home End while it is open). */
	offset?: number;
}

export function Legend({width, height, offset = 0}: LegendProps) {
	return (
		<Panel title="Legend — every glyph and column (l or esc closes)" width={width} height={height} focused>
			<ScrolledLines lines={legendLines(width)} room={height - 1} offset={offset} width={width} />
		</Panel>
	);
}
