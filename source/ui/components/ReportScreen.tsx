/**
 * A full-screen report (the check, the process VM): lines, aligned tables,
 * notes. Esc (or the screen's key again) goes back to the dashboard.
 */
import {Box, Text} from 'ink';
import type {ReportTable, ScreenState} from '../screens/report.js';
import {Panel} from './Panel.js';
import {cells, fit} from './text.js';

export interface ReportScreenProps {
	state: ScreenState;
	width: number;
	height: number;
}

function verdictColor(cell: string): string | undefined {
	if (/^(yes|✓|holds|ok)/i.test(cell)) return 'green';
	if (/^(no|✗|violated|fails)/i.test(cell)) return 'red';
	return undefined;
}

/** Column widths: the widest cell or header, shrunk evenly to fit (pure). */
export function tableWidths(table: ReportTable, width: number): number[] {
	const widths = table.columns.map((c, i) => Math.max(cells(c), ...table.rows.map((r) => cells(String(r[i] ?? '')))) + 2);
	let total = widths.reduce((s, w) => s + w, 0);
	while (total > width) {
		const widest = widths.indexOf(Math.max(...widths));
		if (widths[widest]! <= 4) break;
		widths[widest]!--;
		total--;
	}
	return widths;
}

function Table({table, width}: {table: ReportTable; width: number}) {
	const widths = tableWidths(table, width);
	const cell = (value: string | number, i: number) => fit(String(value), widths[i]! - 1, typeof value === 'number' ? 'right' : 'left') + ' ';
	return (
		<Box flexDirection="column" marginBottom={1}>
			{table.title ? <Text bold>{table.title}</Text> : null}
			<Text bold underline wrap="truncate">
				{table.columns.map((c, i) => cell(c, i)).join('')}
			</Text>
			{table.rows.map((row, r) => (
				<Text key={r} wrap="truncate">
					{row.map((value, i) => (
						<Text key={i} color={table.verdictColumns?.includes(i) ? verdictColor(String(value)) : undefined}>
							{cell(value, i)}
						</Text>
					))}
				</Text>
			))}
		</Box>
	);
}

export function ReportScreen({state, width, height}: ReportScreenProps) {
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
			{(report.lines ?? []).map((line, i) => (
				<Text key={`l${i}`} wrap="wrap">
					{line}
				</Text>
			))}
			{report.lines?.length ? <Text> </Text> : null}
			{(report.tables ?? []).map((table, i) => (
				<Table key={`t${i}`} table={table} width={width} />
			))}
			{(report.notes ?? []).map((line, i) => (
				<Text key={`n${i}`} wrap="wrap" color="gray">
					{line}
				</Text>
			))}
		</Panel>
	);
}
