/**
 * VMM exits by reason, kvm_stat style, drawn with the ink-table component:
 * reason, total, share, per second and mean cycles, sorted by `o`.
 */
import {Table} from '@alcalzone/ink-table';
import {Text} from 'ink';
import type {ReactNode} from 'react';
import type {ExitView, SortKey} from '../store/snapshot.js';
import {tableWindow, windowNote} from '../table-window.js';
import {Panel} from './Panel.js';
import {compact, count, fit, percent} from './text.js';

export interface ExitReasonTableProps {
	exits: ExitView[];
	total: number;
	width: number;
	/** Rows including the title; the table shows as many reasons as fit. */
	height: number;
	focused?: boolean;
	sort: SortKey;
	/** No VMM in this run: say so instead of an empty table. */
	noVmm?: boolean;
	/** An imported KVM trace: the mean is host time (µs), not cycles. */
	hostTime?: boolean;
	/** `v` can restart the run with a VMM (a live run; never a replay). */
	canSwitch?: boolean;
	/** First reason shown (the focused table scrolls). */
	offset?: number;
}

const sortHeaders: Record<SortKey, string> = {count: 'total', rate: '/s', cycles: 'mean cyc', name: 'reason'};

/** Reasons that fit under the title and the heading. */
export function exitRowsThatFit(height: number): number {
	return Math.max(0, height - 2);
}

/** Lines the table needs for `reasons` rows (title, heading, rows). */
export function exitTableHeight(reasons: number): number {
	return reasons === 0 ? 2 : 2 + reasons;
}

/**
 * kvm_stat has no horizontal rules: drop ink-table's top, bottom and between-row
 * rules (every skeleton piece made only of rule characters), keep the │ columns.
 */
function Skeleton({children}: {children?: ReactNode}) {
	if (typeof children === 'string' && /^[─┌┬┐├┼┤└┴┘]+$/.test(children)) return null;
	return <Text color="gray">{children}</Text>;
}

export function ExitReasonTable({exits, total, width, height, focused = false, sort, noVmm = false, canSwitch = true, offset = 0, hostTime = false}: ExitReasonTableProps) {
	const headers = hostTime ? {...sortHeaders, cycles: 'mean µs'} : sortHeaders;
	const title = `Exit reasons — ${count(total)} VMM entries, by ${headers[sort]}`;
	if (exits.length === 0) {
		return (
			<Panel title={title} width={width} height={height} focused={focused}>
				<Text color="gray" wrap="truncate">
					{noVmm ? (canSwitch ? 'No VMM in this run (press v to add one).' : 'No VMM in this run.') : 'No VMM entries yet.'}
				</Text>
			</Panel>
		);
	}
	const view = tableWindow(exitRowsThatFit(height), exits.length, offset);
	const note = view.note ? (
		<Text color="gray" wrap="truncate">
			{'  ' + windowNote(view, exits.length, 'reasons', focused)}
		</Text>
	) : null;
	// No room for the heading and a row: the note alone, never a table without rows.
	if (view.rows === 0) {
		return (
			<Panel title={title} width={width} height={height} focused={focused}>
				{note}
			</Panel>
		);
	}
	const shown = exits.slice(view.start, view.start + view.rows);
	const key = (k: SortKey) => (k === sort ? `${headers[k]}↓` : headers[k]);
	// Columns other than the reason take ~40 columns with their rules.
	const reasonWidth = Math.max(6, width - 42);
	const data = shown.map((e) => ({
		[key('name')]: fit(e.reason, Math.min(reasonWidth, e.reason.length)),
		[key('count')]: count(e.count),
		// Interpreted instructions (hvm) are not entries: no share of them.
		'%': e.category === 'interpret' ? '–' : percent(e.share),
		[key('rate')]: compact(e.perSecond),
		[key('cycles')]: compact(hostTime ? e.meanCycles / 1000 : e.meanCycles),
	}));
	// Numbers right-aligned, as kvm_stat prints them.
	const columns = [
		{key: key('name'), align: 'left' as const},
		...[key('count'), '%', key('rate'), key('cycles')].map((k) => ({key: k, align: 'right' as const})),
	];
	return (
		<Panel title={title} width={width} height={height} focused={focused}>
			<Table data={data} columns={columns} skeleton={Skeleton} />
			{note}
		</Panel>
	);
}
