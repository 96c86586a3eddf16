/**
 * The history: the machine's levels side by side, one row per event in time
 * order, so an exception's journey reads across — the faulting instruction
 * under CPU, the exception, the handler under OS (or the VMM intercepting).
 */
import {Box, Text} from 'ink';
import type {Level} from '../../bus/events.js';
import type {ViewRow} from '../store/history-window.js';
import type {HistoryView} from '../store/snapshot.js';
import {type Column, columnLayout, gutterWidth} from './column-layout.js';
import {Panel} from './Panel.js';
import {clip, compact, fit} from './text.js';

export interface LevelColumnsProps {
	history: HistoryView;
	width: number;
	/** Rows including the title and the column header. */
	height: number;
	focused?: boolean;
	/** Instructions are shown one by one (else only sampled at events). */
	detail: boolean;
	/** Show the guest beside each row. */
	multiGuest?: boolean;
	/** Text for the title rule (filter, scroll state). */
	title?: string;
}

const colors: Record<Level, string> = {cpu: 'white', exception: 'yellow', os: 'green', vmm: 'magenta', host: 'blue'};

function gutter(row: ViewRow, multiGuest: boolean, selected: boolean): string {
	const mark = selected ? '›' : ' ';
	const guest = multiGuest ? fit(row.guest < 0 ? 'h' : `g${row.guest}`, 3) : '';
	const n = String(row.instret);
	return mark + fit(n.length <= 10 ? n : compact(row.instret), 10, 'right') + ' ' + guest;
}

/**
 * The CPU cell, after how many instructions ran unseen before this event (an
 * exception's row names its instruction: the skip is still said).
 */
function cpuText(row: ViewRow): string {
	const skipped = row.gap > 1 && row.kind !== 'instruction';
	if (row.cells.cpu === '') return skipped ? `⋯ ${compact(row.gap)} instr` : '';
	return skipped ? `⋯${compact(row.gap)} ${row.cells.cpu}` : row.cells.cpu;
}

/**
 * One event. Cells are boxes of fixed width holding unpadded text: Ink's cost
 * grows with the characters it writes, and most cells of a row are empty.
 */
function Row({row, columns, multiGuest, selected}: {row: ViewRow; columns: Column[]; multiGuest: boolean; selected: boolean}) {
	return (
		<Box flexDirection="row" height={1}>
			<Text color="gray" inverse={selected}>
				{gutter(row, multiGuest, selected)}
			</Text>
			{columns.map((c) => {
				const text = c.level === 'cpu' ? cpuText(row) : row.cells[c.level];
				if (text === '') return <Box key={c.level} width={c.width} />;
				const dim = c.level === 'cpu' && row.cells.cpu === '';
				return (
					<Box key={c.level} width={c.width}>
						<Text color={dim ? 'gray' : colors[c.level]} inverse={selected}>
							{clip(text, c.width - 1)}
						</Text>
					</Box>
				);
			})}
		</Box>
	);
}

export function LevelColumns({history, width, height, focused = false, detail, multiGuest = false, title}: LevelColumnsProps) {
	const columns = columnLayout(width, {vmm: history.showVmm, host: history.showHost, multiGuest});
	const rows = history.rows.slice(-Math.max(0, height - 2));
	const header = ' '.repeat(gutterWidth(multiGuest)) + columns.map((c) => fit(c.title, c.width - 1) + ' ').join('');
	const heading = title ?? `History — ${detail ? 'every instruction' : 'instructions sampled at events'}`;
	return (
		<Panel title={heading} width={width} height={height} focused={focused}>
			<Text bold wrap="truncate">
				{header}
			</Text>
			{rows.length === 0 ? <Text color="gray">  (no events yet)</Text> : null}
			<Box flexDirection="column">
				{rows.map((row) => (
					<Row key={row.seq} row={row} columns={columns} multiGuest={multiGuest} selected={history.cursor === row.seq} />
				))}
			</Box>
		</Panel>
	);
}
