/**
 * The history: the machine's levels side by side, one row per event in time
 * order, so an exception's journey reads across — the faulting instruction
 * under CPU, the exception, the handler under OS (or the VMM intercepting).
 * A cell wider than its column wraps onto continuation lines; below
 * `STACKED_BELOW` columns each event is a stacked list instead, one level per
 * line, indented by level.
 */
import {Box, Text} from 'ink';
import type {Level} from '../../bus/events.js';
import type {ViewRow} from '../store/history-window.js';
import type {HistoryView} from '../store/snapshot.js';
import {type Column, STACKED_BELOW, columnLayout, gutterWidth, runLevels} from './column-layout.js';
import {Panel} from './Panel.js';
import {cells, clip, compact, fit, wrapText} from './text.js';

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
/** The stacked list's header: what each line's tag stands for. */
const stackedLegend: Record<Level, string> = {cpu: 'CPU = fetch-execute', exception: 'Exc = exceptions', os: 'OS', vmm: 'VMM', host: 'Host = host OS'};
const shortTitles: Record<Level, string> = {cpu: 'CPU', exception: 'Exc', os: 'OS', vmm: 'VMM', host: 'Host'};

function gutter(row: ViewRow, multiGuest: boolean, selected: boolean, hostTime = false): string {
	// A search match (`/`) is marked too, so it shows without colour.
	const mark = selected ? '›' : row.match ? '*' : ' ';
	const guest = multiGuest ? fit(row.guest < 0 ? 'h' : `g${row.guest}`, 3) : '';
	// An imported KVM trace has no instruction counts: its rows are numbered by host time.
	if (hostTime) return mark + fit(hostMicros(row.cycle), 10, 'right') + ' ' + guest;
	const n = String(row.instret);
	return mark + fit(n.length <= 10 ? n : compact(row.instret), 10, 'right') + ' ' + guest;
}

/** Host time in µs for the gutter: `1234.5µs`, compact when long. */
function hostMicros(ns: number): string {
	const us = ns / 1000;
	const exact = `${us.toFixed(1)}µs`;
	return exact.length <= 10 ? exact : `${compact(us)}µs`;
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

/** A level's colour in a row; the CPU cell that only counts skipped instructions is gray. */
function levelColor(level: Level, row: ViewRow): string {
	return level === 'cpu' && row.cells.cpu === '' ? 'gray' : colors[level];
}

/** A row's text by level, as its cells show it. */
export function rowTexts(row: ViewRow): Record<Level, string> {
	return {...row.cells, cpu: cpuText(row)};
}

/** One screen line: pieces of text, each in a level's colour (or the gutter's). */
interface Piece {
	text: string;
	/** A column's cell: a box this wide. */
	width?: number;
	/** Gray when not said (the gutter, `⋯ N instr`). */
	color?: string;
	/** The stacked list's level tag. */
	faint?: boolean;
}
interface Line {
	pieces: Piece[];
}
interface Block {
	row: ViewRow;
	lines: Line[];
}

/** Side by side: each cell wrapped to its column; the row is as tall as its tallest cell. */
function columnBlock(row: ViewRow, columns: Column[], gutterText: string): Block {
	const texts = rowTexts(row);
	const wrapped = columns.map((c) => (texts[c.level] === '' ? [] : wrapText(texts[c.level], c.width - 1)));
	const height = Math.max(1, ...wrapped.map((w) => w.length));
	const lines: Line[] = [];
	for (let k = 0; k < height; k++) {
		const pieces: Piece[] = [{text: k === 0 ? gutterText : ' '.repeat(cells(gutterText))}];
		columns.forEach((c, i) => pieces.push({text: wrapped[i]![k] ?? '', width: c.width, color: levelColor(c.level, row)}));
		lines.push({pieces});
	}
	return {row, lines};
}

/** Stacked: one line per level that has text, indented by its place among the levels. */
function stackedBlock(row: ViewRow, levels: Level[], gutterText: string, width: number): Block {
	const texts = rowTexts(row);
	const pad = cells(gutterText);
	const lines: Line[] = [];
	levels.forEach((level, depth) => {
		if (texts[level] === '') return;
		const head = ' '.repeat(depth * 2) + fit(shortTitles[level], 5);
		const room = Math.max(8, width - pad - cells(head));
		wrapText(texts[level], room).forEach((part, k) => {
			lines.push({
				pieces: [
					{text: lines.length === 0 ? gutterText : ' '.repeat(pad)},
					{text: k === 0 ? head : ' '.repeat(cells(head)), color: colors[level], faint: true},
					{text: part, color: levelColor(level, row)},
				],
			});
		});
	});
	if (lines.length === 0) lines.push({pieces: [{text: gutterText}]});
	return {row, lines};
}

/**
 * The lines that fit in `budget`: whole rows dropped from the top (the oldest)
 * while the selected row stays in view, else from the bottom; a row that only
 * partly fits shows its lines nearest the selection. No blank line is left
 * while there is a row to show.
 */
export function fitBlocks(blocks: Block[], budget: number, cursor: number | null): Array<{row: ViewRow; line: Line; first: boolean}> {
	let start = 0;
	let end = blocks.length;
	let total = blocks.reduce((s, b) => s + b.lines.length, 0);
	const at = cursor === null ? -1 : blocks.findIndex((b) => b.row.seq === cursor);
	for (;;) {
		if (start < end - 1 && (at < 0 || start < at) && total - blocks[start]!.lines.length >= budget) {
			total -= blocks[start++]!.lines.length;
		} else if (end - 1 > start && end - 1 > at && at >= 0 && total - blocks[end - 1]!.lines.length >= budget) {
			total -= blocks[--end]!.lines.length;
		} else break;
	}
	const lines = blocks.slice(start, end).flatMap((b) => b.lines.map((line, k) => ({row: b.row, line, first: k === 0})));
	const excess = lines.length - budget;
	if (excess <= 0) return lines;
	// The selected row at the top keeps its first lines; otherwise the newest lines stay.
	return at >= 0 && at === start ? lines.slice(0, budget) : lines.slice(excess);
}

function ScreenLine({line, selected, match}: {line: Line; selected: boolean; match: boolean}) {
	return (
		<Box flexDirection="row" height={1}>
			{line.pieces.map((p, i) => {
				const color = p.color ?? 'gray';
				if (p.width !== undefined) {
					if (p.text === '') return <Box key={i} width={p.width} />;
					return (
						<Box key={i} width={p.width}>
							<Text color={color} inverse={selected} bold={match} underline={match}>
								{p.text}
							</Text>
						</Box>
					);
				}
				return (
					<Text key={i} color={color} dimColor={p.faint} inverse={selected}>
						{p.text}
					</Text>
				);
			})}
		</Box>
	);
}

export function LevelColumns({history, width, height, focused = false, detail, multiGuest = false, title}: LevelColumnsProps) {
	const rows = history.rows.slice(-Math.max(0, height - 2));
	const budget = Math.max(0, height - 2);
	const stacked = width < STACKED_BELOW;
	const options = {vmm: history.showVmm, host: history.showHost, multiGuest};
	const heading = title ?? `History — ${detail ? 'every instruction' : 'instructions sampled at events'}`;
	let header: string;
	let blocks: Block[];
	const gutterOf = (row: ViewRow) => gutter(row, multiGuest, history.cursor === row.seq, history.hostTime);
	if (stacked) {
		const levels = runLevels(options);
		// The legend of the tags, indented like the rows when that fits (two guests widen the gutter), else from the left edge.
		const legend = levels.map((l) => stackedLegend[l]).join(' · ');
		const indent = ' '.repeat(gutterWidth(multiGuest));
		header = clip(cells(indent + legend) <= width ? indent + legend : legend, width);
		blocks = rows.map((row) => stackedBlock(row, levels, gutterOf(row), width));
	} else {
		const columns = columnLayout(width, options, rows.map(rowTexts));
		header =
			' '.repeat(gutterWidth(multiGuest)) +
			columns.map((c) => fit(cells(c.title) < c.width ? c.title : shortTitles[c.level], c.width - 1) + ' ').join('');
		blocks = rows.map((row) => columnBlock(row, columns, gutterOf(row)));
	}
	const lines = fitBlocks(blocks, budget, history.cursor);
	return (
		<Panel title={heading} width={width} height={height} focused={focused}>
			<Text bold wrap="truncate">
				{header}
			</Text>
			{rows.length === 0 ? <Text color="gray">  (no events yet)</Text> : null}
			<Box flexDirection="column">
				{/* Keyed by the line's place on the screen: flat out every row is new each frame, and React then
				    updates the lines it has instead of making and removing all their nodes (and Ink's layout nodes). */}
				{lines.map(({row, line}, i) => (
					<ScreenLine key={i} line={line} selected={history.cursor === row.seq} match={row.match === true} />
				))}
			</Box>
		</Panel>
	);
}
