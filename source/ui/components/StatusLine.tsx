/**
 * The status line: scenario, ISA profile, VMM technique and type, run state,
 * speed, cycle, instructions, MIPS and the current event number. One line
 * when wide enough, two otherwise (`statusHeight`).
 */
import {Box, Text} from 'ink';
import {formatSpeed} from '../driver/speed.js';
import type {StatusView} from '../store/snapshot.js';
import {count} from './text.js';

export interface StatusLineProps {
	status: StatusView;
	width: number;
	/** A transient message (speed changed, restarted …). */
	flash?: string;
}

const WIDE = 118;

/** MIPS, or instructions per second at human speed. */
function rate(mips: number): string {
	return mips >= 0.1 ? `${mips.toFixed(2)} MIPS` : `${count(mips * 1e6)} instr/s`;
}

export function statusHeight(width: number): number {
	return width >= WIDE ? 1 : 2;
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

export function StatusLine({status, width, flash}: StatusLineProps) {
	const d = status.description;
	const vmm = d.vmm === 'none' ? 'no VMM' : `vmm ${d.vmm} (type ${d.type === 1 ? 'I' : 'II'}${d.guests > 1 ? `, ${d.guests} guests` : ''})`;
	const run = (
		<Text>
			<Text bold color={modeColor[status.mode]}>
				{modeText[status.mode]}
			</Text>
			<Text>{` ${formatSpeed(status.speed)}${status.detail ? '' : ' (sampled)'}`}</Text>
		</Text>
	);
	const who = (
		<Text>
			<Text bold>vmtop</Text>
			<Text>{` ${d.name} │ isa ${d.isa} │ ${vmm} │ `}</Text>
		</Text>
	);
	const counters = ` │ cycle ${count(status.cycle)} │ instr ${count(status.instret)} │ ${rate(status.mips)} │ event #${count(status.event)}`;
	const tail = status.stopped ? ` │ ${status.stopped}` : flash ? ` │ ${flash}` : '';
	if (width >= WIDE) {
		return (
			<Text wrap="truncate">
				{who}
				{run}
				{counters}
				<Text color={status.stopped ? 'red' : 'cyan'}>{tail}</Text>
			</Text>
		);
	}
	return (
		<Box flexDirection="column">
			<Text wrap="truncate">
				{who}
				{run}
			</Text>
			<Text wrap="truncate">
				{counters.slice(3)}
				<Text color={status.stopped ? 'red' : 'cyan'}>{tail}</Text>
			</Text>
		</Box>
	);
}
