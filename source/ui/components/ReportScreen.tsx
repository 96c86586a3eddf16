/**
 * A full-screen report (the check, the process VM, the compare screen):
 * lines, aligned tables, notes. Esc (or the screen's key again) goes back to
 * the dashboard. A report taller than the screen scrolls (↑ ↓ PgUp PgDn Home
 * End) and says how much more there is — nothing is squeezed out of the
 * middle of a table (the compare screen's five techniques at 80×24).
 */
import {Text} from 'ink';
import type {ReactNode} from 'react';
import type {ReportTable, ScreenReport, ScreenState} from '../screens/report.js';
import {Panel} from './Panel.js';
import {ScrolledLines, linesOverflow, wrappedLines} from './ScrolledLines.js';
import {cells, fit, wrapText} from './text.js';

export interface ReportScreenProps {
	state: ScreenState;
	width: number;
	height: number;
	/** First line shown. */
	offset?: number;
}

function verdictColor(cell: string): string | undefined {
	if (/^(yes|✓|holds|ok)/i.test(cell)) return 'green';
	if (/^(no|✗|violated|fails)/i.test(cell)) return 'red';
	return undefined;
}

/** A number as the rest of vmtop writes it: `4,342,284`. */
const shown = (value: string | number, digits?: number): string =>
	typeof value !== 'number' ? value : value.toLocaleString('en-US', digits === undefined ? {} : {minimumFractionDigits: digits, maximumFractionDigits: digits});

/**
 * Column widths (pure): the widest cell or header and a space; too wide together, the column
 * with the most room over its longest word gives a cell first — a header or a cell then wraps
 * at its spaces, not inside a word — and only when no column has such room, the widest.
 */
export function tableWidths(table: ReportTable, width: number): number[] {
	const texts = (i: number) => [table.columns[i]!, ...table.rows.map((r) => shown(r[i] ?? '', table.decimals?.[i]))];
	const widths = table.columns.map((_, i) => Math.max(...texts(i).map(cells)) + 2);
	const words = table.columns.map((_, i) => Math.max(4, ...texts(i).flatMap((t) => t.split(' ').map(cells))) + 1);
	let total = widths.reduce((s, w) => s + w, 0);
	while (total > width) {
		const room = widths.map((w, i) => w - words[i]!);
		const roomiest = room.indexOf(Math.max(...room));
		const widest = widths.indexOf(Math.max(...widths));
		const pick = room[roomiest]! > 0 ? roomiest : widest;
		if (widths[pick]! <= 4) break;
		widths[pick]!--;
		total--;
	}
	return widths;
}

/**
 * A table as screen lines: narrower than its cells (80 columns), a cell or a header wraps onto
 * more lines of its row instead of ending in `…` (`equivalen…`, `top exit r…` said nothing).
 */
function tableLines(table: ReportTable, width: number, key: string): ReactNode[] {
	const widths = tableWidths(table, width);
	const numeric = (value: string | number) => typeof value === 'number';
	// Each cell's lines, at its column's width less the space between columns.
	const parts = (row: ReadonlyArray<string | number>) => widths.map((w, i) => wrapText(shown(row[i] ?? '', table.decimals?.[i]), w - 1));
	const cell = (text: string, i: number, right: boolean) => fit(text, widths[i]! - 1, right ? 'right' : 'left') + ' ';
	const out: ReactNode[] = [];
	if (table.title) out.push(<Text key={`${key}t`} bold wrap="truncate">{table.title}</Text>);
	const header = parts(table.columns);
	const headerLines = Math.max(...header.map((p) => p.length));
	for (let k = 0; k < headerLines; k++) {
		out.push(
			<Text key={`${key}h${k}`} bold underline={k === headerLines - 1} wrap="truncate">
				{header.map((p, i) => cell(p[k] ?? '', i, false)).join('')}
			</Text>,
		);
	}
	table.rows.forEach((row, r) => {
		const cells = parts(row);
		const lines = Math.max(...cells.map((p) => p.length));
		for (let k = 0; k < lines; k++) {
			out.push(
				<Text key={`${key}r${r}.${k}`} wrap="truncate">
					{row.map((value, i) => (
						<Text key={i} color={table.verdictColumns?.includes(i) ? verdictColor(String(value)) : undefined}>
							{cell(cells[i]![k] ?? '', i, numeric(value))}
						</Text>
					))}
				</Text>,
			);
		}
	});
	out.push(<Text key={`${key}m`}> </Text>);
	return out;
}

/** The report as screen lines, one element per line (paragraphs and notes wrapped to `width`). Pure. */
export function reportLines(report: ScreenReport, width: number): ReactNode[] {
	const out: ReactNode[] = [];
	out.push(...wrappedLines(report.lines ?? [], width, 'l', {}));
	if (report.lines?.length) out.push(<Text key="gap"> </Text>);
	(report.tables ?? []).forEach((table, i) => out.push(...tableLines(table, width, `t${i}`)));
	out.push(...wrappedLines(report.notes ?? [], width, 'n'));
	return out;
}

/**
 * The panel's title and the lines under it (pure). A title too long for the rule above the
 * report (the compare screen's at 80 columns) keeps its first part there and is written whole,
 * wrapped, as the report's first lines.
 */
function titled(report: ScreenReport, width: number): {title: string; lines: ReactNode[]} {
	const title = `${report.title} (esc: back)`;
	// `▶ ` and the rule's ends take five cells.
	if (cells(title) + 5 <= width) return {title, lines: reportLines(report, width)};
	return {title: `${report.title.split(' — ')[0]} (esc: back)`, lines: [...wrappedLines([report.title], width, 'title', {bold: true}), ...reportLines(report, width)]};
}

/** Lines of the report beyond the room under the title: how far it scrolls (0: it fits). */
export function reportOverflow(state: ScreenState | undefined, width: number, height: number): number {
	if (state?.status !== 'ready') return 0;
	return linesOverflow(titled(state.report, width).lines.length, height - 1);
}

export function ReportScreen({state, width, height, offset = 0}: ReportScreenProps) {
	if (state.status !== 'ready') {
		return (
			<Panel title={`${state.title} (esc: back)`} width={width} height={height} focused>
				<Text color={state.status === 'error' ? 'red' : 'gray'}>{state.status === 'error' ? state.message : `computing…${state.progress ? ' ' + state.progress : ''}`}</Text>
			</Panel>
		);
	}
	const {report} = state;
	const {title, lines} = titled(report, width);
	return (
		<Panel title={title} width={width} height={height} focused>
			<ScrolledLines lines={lines} room={height - 1} offset={offset} width={width} />
		</Panel>
	);
}
