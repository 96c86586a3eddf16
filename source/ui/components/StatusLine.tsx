/**
 * The status line: scenario, ISA profile, VMM technique and type, run state
 * and speed, `● REC FILE (N events)` while recording, the current event
 * number, cycle, instructions, MIPS. One line when it fits, else two
 * (`statusHeight`, pure, so the layout knows); the second line starts with
 * the recording, so its file name is the last thing a narrow terminal cuts.
 */
import {Box, Text} from 'ink';
import {formatSpeed} from '../../driver/speed.js';
import type {StatusView} from '../store/snapshot.js';
import {micros} from '../store/kvm-journey.js';
import {compact, count} from './text.js';

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
 * Under a VMM the real CPU retires the guests' direct instructions only; the
 * ones the VMM emulated count for the guests too: say both, so each number
 * matches the one it is compared with (the Guests table's INSTR sums to it).
 */
function guestCount(status: StatusView): string {
	return status.guestInstructions === undefined ? '' : ` │ guest instr ${big(status.guestInstructions)}`;
}

/** The engine next to the rate it explains (`--engine`): `jit` translates hot code, `interp` interprets all of it. */
function engineText(status: StatusView): string {
	return status.engine === undefined ? '' : ` │ ${status.engine}`;
}

/** The line's pieces as plain text (pure, for the layout and tests). */
export function statusParts(status: StatusView): {who: string; mode: string; speed: string; rec: string; counters: string} {
	const d = status.description;
	const vmm = d.vmm === 'none' ? 'no VMM' : `vmm ${d.vmm} (type ${d.type === 1 ? 'I' : 'II'}${d.guests > 1 ? `, ${d.guests} guests` : ''})`;
	const event = `event #${count(status.event)}${status.length === undefined ? '' : ` of ${count(status.length)}`}`;
	return {
		who: `vmtop ${d.name} │ isa ${d.isa} │ ${vmm} │ `,
		mode: modeText[status.mode],
		speed: ` ${formatSpeed(status.speed, status.speedBase)}${status.detail ? '' : ' (sampled)'}`,
		rec: status.recording
			? ` │ ● REC ${status.recording.file} (${count(status.recording.events)} events)`
			: status.recordNotice
				? ` │ ${status.recordNotice.text}`
				: '',
		// An imported KVM trace counts host time, not instructions.
		counters: status.hostTime
			? ` │ ${event} │ host time ${micros(status.cycle)}`
			: ` │ ${event} │ cycle ${big(status.cycle)} │ instr ${big(status.instret)}${guestCount(status)} │ ${rate(status.mips)}${engineText(status)}`,
	};
}

/** The message and why the run stopped, as the end of the line shows them (pure). */
function messageText(status: StatusView, flash?: string): string {
	const note = flash ?? status.flash ?? status.notice;
	return (status.stopped ? ` │ ${status.stopped}` : '') + (note ? ` │ ${note}` : '');
}

/** The counters' lines: 1 when everything but the message fits in `width`, else 2. */
function counterLines(status: StatusView, width: number): number {
	const p = statusParts(status);
	return (p.who + p.mode + p.speed + p.rec + p.counters).length <= width ? 1 : 2;
}

/**
 * Lines of the status line: the counters' 1 or 2, and — when the message does
 * not fit after them — as many more as the message needs: it wraps, never cut.
 */
export function statusHeight(status: StatusView, width: number, flash?: string): number {
	const lines = counterLines(status, width);
	const message = messageText(status, flash);
	if (message === '' || messageFits(status, width, flash)) return lines;
	return lines + Math.ceil((message.length - 3) / Math.max(1, width));
}

/** Does the message fit at the end of the last counters' line? */
function messageFits(status: StatusView, width: number, flash?: string): boolean {
	const p = statusParts(status);
	const last = counterLines(status, width) === 1 ? p.who + p.mode + p.speed + p.rec + p.counters : p.rec + p.counters;
	return last.length + messageText(status, flash).length <= width;
}

export function StatusLine({status, width, flash}: StatusLineProps) {
	const p = statusParts(status);
	const note = flash ?? status.flash ?? status.notice;
	// Why the run stopped stays; a message (`saved FILE` after the run ended …) still gets through after it.
	const stop = status.stopped ? ` │ ${status.stopped}` : '';
	const message = note ? ` │ ${note}` : '';
	// Too long for the end of the line: the message gets lines of its own, wrapped.
	const own = message !== '' && !messageFits(status, width, flash);
	const head = (
		<Text>
			<Text bold>vmtop</Text>
			{p.who.slice('vmtop'.length)}
			<Text bold color={modeColor[status.mode]}>
				{p.mode}
			</Text>
			{p.speed}
		</Text>
	);
	const end = own ? (
		<Text color="red">{stop}</Text>
	) : (
		<Text>
			<Text color="red">{stop}</Text>
			<Text color="cyan">{message}</Text>
		</Text>
	);
	const below = own ? (
		<Text color="cyan" wrap="wrap">
			{note}
		</Text>
	) : null;
	// `p.rec` without its leading ` │ ` (a line may start with it).
	const rec = status.recording ? (
		<Text>
			<Text bold color="red">
				● REC
			</Text>
			{p.rec.slice(' │ ● REC'.length)}
		</Text>
	) : status.recordNotice ? (
		<Text color={status.recordNotice.ok ? 'green' : 'red'}>{status.recordNotice.text}</Text>
	) : null;
	if (counterLines(status, width) === 1) {
		return (
			<Box flexDirection="column">
				<Text wrap="truncate">
					{head}
					{rec ? ' │ ' : ''}
					{rec}
					{p.counters}
					{end}
				</Text>
				{below}
			</Box>
		);
	}
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">{head}</Text>
			<Text wrap="truncate">
				{rec}
				{rec ? p.counters : p.counters.slice(3)}
				{end}
			</Text>
			{below}
		</Box>
	);
}
