/**
 * Every key, generated from the keymap (so it cannot drift from what the
 * keys do), grouped in as few balanced columns as fit the height with every
 * help text whole, and the filter syntax under them. Where no columns fit
 * (80×24), one column scrolls: nothing is cut. `?` or esc closes it.
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {type Binding, keymap} from '../keymap.js';
import {Panel} from './Panel.js';
import {ScrolledLines, linesOverflow, wrappedLines} from './ScrolledLines.js';
import {cells, fit, wrapText} from './text.js';

export interface HelpOverlayProps {
	width: number;
	height: number;
	/** Defaults to the dashboard's keymap. */
	bindings?: readonly Binding[];
	/** First line shown when it scrolls (↑ ↓ PgUp PgDn Home End while it is open). */
	offset?: number;
}

type Group = {name: string; bindings: Binding[]};

const notes = [
	'Filter (f): level:cpu,exception,os,vmm,host kind:PREFIX guest:N, other words are regexes; all must match.',
	'Search (/): the same words; matching rows are highlighted in place (* in the gutter), n / N go to the next / previous.',
	'With the console focused (tab), typed keys go to the guest; esc leaves it.',
	'Legend (l): S/U real mode, U/vS a guest kernel (real U, virtual S), gN guest, ⋯N unseen instructions, before = interrupt taken before it, ⚠ sensitive ran directly, ✓ ✗ · holds / violated / not yet.',
];

/** Groups into columns, greedily, so the columns are about equally tall (pure); `rows`: a group's height. */
export function balance(groups: Group[], columns: number, rows: (g: Group) => number = (g) => g.bindings.length + 1): Group[][] {
	const out: Group[][] = Array.from({length: columns}, () => []);
	const height = (col: Group[]) => col.reduce((s, g) => s + rows(g), 0);
	for (const g of [...groups].sort((a, b) => rows(b) - rows(a))) {
		const lowest = out.reduce((best, col) => (height(col) < height(best) ? col : best), out[0]!);
		lowest.push(g);
	}
	// Keep the keymap's order within each column.
	return out.map((col) => groups.filter((g) => col.includes(g)));
}

/** A group as rows of (key, help) with the help wrapped to `helpWidth`: the key only on a binding's first row. */
function groupRows(group: Group, helpWidth: number): Array<{label: string; text: string; command: string}> {
	return group.bindings.flatMap((b) => wrapText(b.help, helpWidth).map((text, k) => ({label: k === 0 ? b.label : '', text, command: `${b.command}.${k}`})));
}

function groupsOf(bindings: readonly Binding[]): Group[] {
	return [...new Set(bindings.map((b) => b.group))].map((name) => ({name, bindings: bindings.filter((b) => b.group === name)}));
}

/** The keys' column: the widest label and a space. */
const labelWidth = (bindings: readonly Binding[]): number => Math.max(...bindings.map((b) => cells(b.label))) + 1;

/**
 * How the help is laid out at this size (pure): the fewest balanced columns in which every
 * help text fits whole (wrapped in its column) with the notes under them, else one column that
 * scrolls — a help cut to `execute one in…` at 80 columns explained nothing.
 */
export function helpLayout(width: number, height: number, bindings: readonly Binding[] = keymap): {columns: number; colWidth: number} | {scroll: true} {
	const groups = groupsOf(bindings);
	const label = labelWidth(bindings);
	const room = height - 1;
	const most = Math.max(1, Math.min(4, Math.floor((width + 2) / 26)));
	// The notes run the whole width under the columns, however many there are.
	const noteLines = notes.reduce((n, note) => n + wrapText(note, width).length, 0);
	for (let columns = 1; columns <= most; columns++) {
		const colWidth = Math.floor((width - (columns - 1) * 2) / columns);
		const rows = (g: Group) => 1 + groupRows(g, colWidth - label).length;
		const tallest = Math.max(...balance(groups, columns, rows).map((col) => col.reduce((n, g) => n + rows(g), 0)));
		if (tallest + noteLines <= room) return {columns, colWidth};
	}
	return {scroll: true};
}

/** The help as one column of screen lines (pure): what scrolls when no columns fit. */
export function helpLines(width: number, bindings: readonly Binding[] = keymap): ReactNode[] {
	const label = labelWidth(bindings);
	const out: ReactNode[] = [];
	for (const g of groupsOf(bindings)) {
		out.push(
			<Text key={g.name} bold underline>
				{g.name}
			</Text>,
		);
		for (const row of groupRows(g, Math.max(10, width - label))) out.push(<HelpRow key={row.command} row={row} label={label} />);
	}
	out.push(...wrappedLines(notes, width, 'note'));
	return out;
}

/** How far the help scrolls at this size (0: it fits in columns). */
export function helpOverflow(width: number, height: number, bindings: readonly Binding[] = keymap): number {
	return 'scroll' in helpLayout(width, height, bindings) ? linesOverflow(helpLines(width, bindings).length, height - 1) : 0;
}

function HelpRow({row, label}: {row: {label: string; text: string}; label: number}) {
	return (
		<Text wrap="truncate">
			<Text color="cyan">{fit(row.label, label)}</Text>
			{row.text}
		</Text>
	);
}

export function HelpOverlay({width, height, bindings = keymap, offset = 0}: HelpOverlayProps) {
	const layout = helpLayout(width, height, bindings);
	const title = 'Help — keys (? or esc closes)';
	if ('scroll' in layout) {
		return (
			<Panel title={title} width={width} height={height} focused>
				<ScrolledLines lines={helpLines(width, bindings)} room={height - 1} offset={offset} width={width} />
			</Panel>
		);
	}
	const {columns, colWidth} = layout;
	const label = labelWidth(bindings);
	const cols = balance(groupsOf(bindings), columns, (g) => 1 + groupRows(g, colWidth - label).length);
	return (
		<Panel title={title} width={width} height={height} focused>
			<Box flexDirection="row" flexShrink={0}>
				{cols.map((col, i) => (
					<Box key={i} flexDirection="column" width={colWidth} marginLeft={i > 0 ? 2 : 0} flexShrink={0}>
						{col.map((g) => (
							<Box key={g.name} flexDirection="column" flexShrink={0}>
								<Text bold underline>
									{g.name}
								</Text>
								{groupRows(g, colWidth - label).map((row) => (
									<HelpRow key={row.command} row={row} label={label} />
								))}
							</Box>
						))}
					</Box>
				))}
			</Box>
			{wrappedLines(notes, width, 'note')}
		</Panel>
	);
}
