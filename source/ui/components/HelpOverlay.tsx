/**
 * Every key, generated from the keymap (so it cannot drift from what the
 * keys do), grouped in as few balanced columns as fit the height, with the filter syntax. `?` or
 * esc closes it. At 80×24 it still fits; smaller, it is clipped, never garbled.
 */
import {Box, Text} from 'ink';
import {type Binding, keymap} from '../keymap.js';
import {Panel} from './Panel.js';
import {clip, fit} from './text.js';

export interface HelpOverlayProps {
	width: number;
	height: number;
	/** Defaults to the dashboard's keymap. */
	bindings?: readonly Binding[];
}

type Group = {name: string; bindings: Binding[]};

const notes = [
	'Filter (f): level:cpu,exception,os,vmm,host kind:PREFIX guest:N, other words are regexes; all must match.',
	'Search (/): the same words; matching rows are highlighted in place (* in the gutter), n / N go to the next / previous.',
	'With the console focused (tab), typed keys go to the guest; esc leaves it.',
	'Legend (l): S/U real mode, U/vS a guest kernel (real U, virtual S), gN guest, ⋯N unseen instructions, before = interrupt taken before it, ⚠ sensitive ran directly, ✓ ✗ · holds / violated / not yet.',
];

/** Groups into columns, greedily, so the columns are about equally tall (pure). */
export function balance(groups: Group[], columns: number): Group[][] {
	const out: Group[][] = Array.from({length: columns}, () => []);
	const height = (col: Group[]) => col.reduce((s, g) => s + g.bindings.length + 1, 0);
	for (const g of [...groups].sort((a, b) => b.bindings.length - a.bindings.length)) {
		const lowest = out.reduce((best, col) => (height(col) < height(best) ? col : best), out[0]!);
		lowest.push(g);
	}
	// Keep the keymap's order within each column.
	return out.map((col) => groups.filter((g) => col.includes(g)));
}

export function HelpOverlay({width, height, bindings = keymap}: HelpOverlayProps) {
	const groups: Group[] = [...new Set(bindings.map((b) => b.group))].map((name) => ({
		name,
		bindings: bindings.filter((b) => b.group === name),
	}));
	// As few columns as fit the height (each at least 24 cells wide): every key stays on screen.
	const tallestOf = (cs: Group[][]) => Math.max(...cs.map((col) => col.reduce((s, g) => s + g.bindings.length + 1, 0)));
	const most = Math.max(1, Math.min(4, Math.floor((width + 2) / 26)));
	let columns = 1;
	while (columns < most && tallestOf(balance(groups, columns)) > height - 1) columns++;
	const colWidth = Math.floor((width - (columns - 1) * 2) / columns);
	const label = Math.max(...bindings.map((b) => b.label.length)) + 1;
	const cols = balance(groups, columns);
	const tallest = tallestOf(cols);
	// The keys first: the notes get the rows left under the title and the columns (squeezed, Ink would overlap them).
	const shown = notes.slice(0, Math.max(0, height - 1 - tallest));
	return (
		<Panel title="Help — keys (? or esc closes)" width={width} height={height} focused>
			<Box flexDirection="row" flexShrink={0}>
				{cols.map((col, i) => (
					<Box key={i} flexDirection="column" width={colWidth} marginLeft={i > 0 ? 2 : 0} flexShrink={0}>
						{col.map((g) => (
							<Box key={g.name} flexDirection="column" flexShrink={0}>
								<Text bold underline>
									{g.name}
								</Text>
								{g.bindings.map((b) => (
									<Text key={b.command}>
										<Text color="cyan">{fit(b.label, label)}</Text>
										{clip(b.help, colWidth - label)}
									</Text>
								))}
							</Box>
						))}
					</Box>
				))}
			</Box>
			{shown.map((note) => (
				<Text key={note} wrap="truncate" color="gray">
					{note}
				</Text>
			))}
		</Panel>
	);
}
