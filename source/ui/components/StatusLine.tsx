/**
 * The status line: scenario, ISA profile, VMM technique and type, run state
 * and speed, `● REC FILE (N events)` while recording, the current event
 * number, cycle, instructions, MIPS. One line when it fits, else two — who
 * and how it runs, then the recording and the counters — and more where
 * even those are wider than the screen: nothing is cut (`statusHeight`,
 * pure, so the layout knows).
 */
import {Box, Text} from 'ink';
import {formatSpeed, micros} from '../../driver/speed.js';
import type {StatusView} from '../store/snapshot.js';
import {cells, compact, count} from './text.js';

export interface StatusLineProps {
	status: StatusView;
	width: number;
	/** A transient message (speed changed, restarted …). */
	flash?: string;
}

const modeText: Record<StatusView['mode'], string> = {
	running: '▶ running',
	paused: '❚❚ paused',
	seeking: '» to next exception',
	waiting: '… waiting for input',
	stopped: '■ stopped',
};

const modeColor: Record<StatusView['mode'], string> = {
	running: 'green',
	paused: 'yellow',
	seeking: 'cyan',
	waiting: 'blue',
	stopped: 'red',
};

/** Exact while a person can read it change, compact beyond ten million. */
const big = (n: number): string => (n >= 1e7 ? compact(n) : count(n));

/** MIPS, or instructions per second at human speed. */
function rate(mips: number): string {
	return mips >= 0.1 ? `${mips.toFixed(2)} MIPS` : `${count(mips * 1e6)} instr/s`;
}

/**
 * The line's pieces, each said once (pure): who runs (name, ISA, VMM), how (mode, speed), the recording, the
 * counters. Under a VMM the real CPU retires the guests' direct instructions only; the ones the VMM emulated count
 * for the guests too: both are said, so each number matches the one it is compared with (the Guests table's INSTR
 * sums to it). The engine stands next to the rate it explains (`--engine`: `jit` translates hot code, `interp`
 * interprets all of it).
 */
function pieces(status: StatusView): {who: string[]; mode: string; speed: string; rec: string; counters: string[]} {
	const d = status.description;
	const vmm = d.vmm === 'none' ? 'no VMM' : `vmm ${d.vmm} (type ${d.type === 1 ? 'I' : 'II'}${d.guests > 1 ? `, ${d.guests} guests` : ''})`;
	const event = `event #${count(status.event)}${status.length === undefined ? '' : ` of ${count(status.length)}`}`;
	return {
		who: [`vmtop ${d.name}`, `isa ${d.isa}`, vmm],
		mode: modeText[status.mode],
		// Sampled: instructions shown only at events (an imported trace has none to sample).
		speed: ` ${formatSpeed(status.speed, status.speedBase, status.hostTime ? 'host-ns' : 'instructions')}${status.detail || status.hostTime ? '' : ' (sampled)'}`,
		rec: status.recording ? `● REC ${status.recording.file} (${count(status.recording.events)} events)` : (status.recordNotice?.text ?? ''),
		// An imported KVM trace counts host time, not instructions.
		counters: status.hostTime
			? [event, `host time ${micros(status.cycle)}`]
			: [
					event,
					`cycle ${big(status.cycle)}`,
					`instr ${big(status.instret)}`,
					...(status.guestInstructions === undefined ? [] : [`guest instr ${big(status.guestInstructions)}`]),
					rate(status.mips),
					...(status.engine === undefined ? [] : [status.engine]),
				],
	};
}

/** The line's pieces as plain text (pure, for the layout and tests). */
export function statusParts(status: StatusView): {who: string; mode: string; speed: string; rec: string; counters: string} {
	const p = pieces(status);
	return {who: `${p.who.join(' │ ')} │ `, mode: p.mode, speed: p.speed, rec: p.rec ? ` │ ${p.rec}` : '', counters: ` │ ${p.counters.join(' │ ')}`};
}

/** The message and why the run stopped, as the end of the line shows them (pure). */
function messageText(status: StatusView, flash?: string): string {
	const note = flash ?? status.flash ?? status.notice;
	return (status.stopped ? ` │ ${status.stopped}` : '') + (note ? ` │ ${note}` : '');
}

/** One piece of the line: what it says, between ` │ ` separators. */
type Piece = 'vmtop' | 'isa' | 'vmm' | 'mode' | 'rec' | 'counter';
type Segment = {piece: Piece; text: string};

/** The line's pieces in order: who and how it runs, then the recording and the counters (pure). */
function segments(status: StatusView): {head: Segment[]; tail: Segment[]} {
	const p = pieces(status);
	const [name, isa, vmm] = p.who as [string, string, string];
	return {
		head: [
			{piece: 'vmtop', text: name},
			{piece: 'isa', text: isa},
			{piece: 'vmm', text: vmm},
			{piece: 'mode', text: p.mode + p.speed},
		],
		tail: [...(p.rec ? [{piece: 'rec' as const, text: p.rec}] : []), ...p.counters.map((text) => ({piece: 'counter' as const, text}))],
	};
}

const rowWidth = (row: Segment[]): number => row.reduce((w, seg, i) => w + (i > 0 ? 3 : 0) + cells(seg.text), 0);

/**
 * The counters' rows (pure): one when everything fits; else who and how it runs, then the
 * recording and the counters; and where either is wider than the screen (a long scenario
 * name at 80 columns), the pieces flow onto as many rows as they need — never cut.
 */
export function statusRows(status: StatusView, width: number): Segment[][] {
	const {head, tail} = segments(status);
	const all = [...head, ...tail];
	if (rowWidth(all) <= width) return [all];
	if (rowWidth(head) <= width && rowWidth(tail) <= width) return [head, tail];
	const rows: Segment[][] = [[]];
	for (const seg of all) {
		const row = rows[rows.length - 1]!;
		if (row.length > 0 && rowWidth([...row, seg]) > width) rows.push([seg]);
		else row.push(seg);
	}
	return rows;
}

/**
 * Lines of the status line: the counters' rows, and — when the message does
 * not fit after them — as many more as the message needs: it wraps, never cut.
 */
export function statusHeight(status: StatusView, width: number, flash?: string): number {
	const rows = statusRows(status, width);
	const message = messageText(status, flash);
	if (message === '' || messageFits(rows, message, width)) return rows.length;
	return rows.length + Math.ceil((cells(message) - 3) / Math.max(1, width));
}

/** Does the message fit at the end of the last counters' row? */
function messageFits(rows: Segment[][], message: string, width: number): boolean {
	return rowWidth(rows[rows.length - 1]!) + cells(message) <= width;
}

/** A piece as drawn: the name in bold, the run state in its colour, the recording's mark in red. */
function SegmentText({seg, status}: {seg: Segment; status: StatusView}) {
	const mode = modeText[status.mode];
	switch (seg.piece) {
		case 'vmtop':
			return (
				<Text>
					<Text bold>vmtop</Text>
					{seg.text.slice('vmtop'.length)}
				</Text>
			);
		case 'mode':
			return (
				<Text>
					<Text bold color={modeColor[status.mode]}>
						{mode}
					</Text>
					{seg.text.slice(mode.length)}
				</Text>
			);
		case 'rec':
			return status.recording ? (
				<Text>
					<Text bold color="red">
						● REC
					</Text>
					{seg.text.slice('● REC'.length)}
				</Text>
			) : (
				<Text color={status.recordNotice?.ok ? 'green' : 'red'}>{seg.text}</Text>
			);
		default:
			return <Text>{seg.text}</Text>;
	}
}

export function StatusLine({status, width, flash}: StatusLineProps) {
	const note = flash ?? status.flash ?? status.notice;
	// Why the run stopped stays; a message (`saved FILE` after the run ended …) still gets through after it.
	const stop = status.stopped ? ` │ ${status.stopped}` : '';
	const message = note ? ` │ ${note}` : '';
	// Too long for the end of the line: the message gets lines of its own, wrapped.
	const rows = statusRows(status, width);
	const own = message !== '' && !messageFits(rows, messageText(status, flash), width);
	return (
		<Box flexDirection="column">
			{rows.map((row, r) => (
				<Text key={r} wrap="truncate">
					{row.map((seg, i) => (
						<Text key={i}>
							{i > 0 ? ' │ ' : ''}
							<SegmentText seg={seg} status={status} />
						</Text>
					))}
					{r === rows.length - 1 ? (
						<Text>
							<Text color="red">{stop}</Text>
							{own ? null : <Text color="cyan">{message}</Text>}
						</Text>
					) : null}
				</Text>
			))}
			{own ? (
				<Text color="cyan" wrap="wrap">
					{note}
				</Text>
			) : null}
		</Box>
	);
}
