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
const shown = (value: string | number): string => (typeof value === 'number' ? value.toLocaleString('en-US') : value);

/** Column widths: the widest cell or header, shrunk evenly to fit (pure). */
export function tableWidths(table: ReportTable, width: number): number[] {
	const widths = table.columns.map((c, i) => Math.max(cells(c), ...table.rows.map((r) => cells(shown(r[i] ?? '')))) + 2);
	let total = widths.reduce((s, w) => s + w, 0);
	while (total > width) {
		const widest = widths.indexOf(Math.max(...widths));
		if (widths[widest]! <= 4) break;
		widths[widest]!--;
		total--;
	}
	return widths;
}

function tableLines(table: ReportTable, width: number, key: string): ReactNode[] {
	const widths = tableWidths(table, width);
	const cell = (value: string | number, i: number) => fit(shown(value), widths[i]! - 1, typeof value === 'number' ? 'right' : 'left') + ' ';
	const out: ReactNode[] = [];
	if (table.title) out.push(<Text key={`${key}t`} bold wrap="truncate">{table.title}</Text>);
	out.push(
		<Text key={`${key}h`} bold underline wrap="truncate">
			{table.columns.map((c, i) => cell(c, i)).join('')}
		</Text>,
	);
	table.rows.forEach((row, r) =>
		out.push(
			<Text key={`${key}r${r}`} wrap="truncate">
				{row.map((value, i) => (
					<Text key={i} color={table.verdictColumns?.includes(i) ? verdictColor(String(value)) : undefined}>
						{cell(value, i)}
					</Text>
				))}
			</Text>,
		),
	);
	out.push(<Text key={`${key}m`}> </Text>);
	return out;
}

/** The report as screen lines, one element per line (paragraphs and notes wrapped to `width`). Pure. */
export function reportLines(report: ScreenReport, width: number): ReactNode[] {
	const out: ReactNode[] = [];
	(report.lines ?? []).forEach((line, i) => wrapText(line, width).forEach((part, k) => out.push(<Text key={`l${i}.${k}`}>{part}</Text>)));
	if (report.lines?.length) out.push(<Text key="gap"> </Text>);
	(report.tables ?? []).forEach((table, i) => out.push(...tableLines(table, width, `t${i}`)));
	out.push(...wrappedLines(report.notes ?? [], width, 'n'));
	return out;
}

/** Lines of the report beyond the room under the title: how far it scrolls (0: it fits). */
export function reportOverflow(state: ScreenState | undefined, width: number, height: number): number {
	if (state?.status !== 'ready') return 0;
	return linesOverflow(reportLines(state.report, width).length, height - 1);
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
	return (
		<Panel title={`${report.title} (esc: back)`} width={width} height={height} focused>
			<ScrolledLines lines={reportLines(report, width)} room={height - 1} offset={offset} />
		</Panel>
	);
}
