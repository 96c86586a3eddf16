/**
 * The multilevel map (`m`): the lecture's levels 0–5, the line of
 * demarcation between 3 and 4 (interpretation below, translation above), and
 * where each part of vmtop sits on it; the parts this run uses are marked ▶.
 * Taller than the screen (80×24), it scrolls.
 */
import {Text} from 'ink';
import type {ReactNode} from 'react';
import type {RunDescription} from '../../sim/simulation.js';
import {Panel} from './Panel.js';
import {ScrolledLines, linesOverflow, wrappedLines} from './ScrolledLines.js';
import {wrapText} from './text.js';

export interface MapLevel {
	n: number;
	name: string;
	/** The parts of vmtop at this level. */
	parts: Array<{text: string; used: boolean}>;
}

/** The map for this run (pure): which parts of vmtop the run uses is marked. */
export function multilevelMap(d: Pick<RunDescription, 'vmm' | 'type'>, bare = false): MapLevel[] {
	const vmm = d.vmm !== 'none';
	return [
		{n: 5, name: 'problem-oriented language', parts: [{text: 'the byte-code program of vmtop pvm (samples/pvm/), in its own language', used: false}]},
		{n: 4, name: 'assembly language', parts: [{text: 'the V32 assembler: samples/*.s translated to machine code (vmtop disasm goes back)', used: true}]},
		{
			n: 3,
			name: 'operating-system machine',
			parts: [
				{text: 'the sample kernel (samples/os/): system calls, processes, handlers — the OS column', used: !bare},
				{text: 'the byte-code VM (vmtop pvm): a process VM, interpreting byte code as a process', used: false},
				{text: 'the host OS of a Type II VMM — the Host OS column', used: vmm && d.type === 2},
			],
		},
		{
			n: 2,
			name: 'instruction set architecture (ISA)',
			parts: [
				{text: 'the V32 CPU: fetch-execute, exceptions, the ISA profile — the CPU and Exceptions columns', used: true},
				{
					text: `the VMM: a level-2 interpreter of sensitive instructions (trap, bt; pv: of hypercalls; hvm: of all of virtual supervisor mode) — the VMM column${vmm ? ` (this run: ${d.vmm}${d.type === 2 ? '; Type II: the VMM itself a process of the host OS, level 3' : ''})` : ''}`,
					used: vmm,
				},
			],
		},
		{n: 1, name: 'microarchitecture', parts: [{text: 'not modelled: the CPU is a TypeScript interpreter (or translator) of the ISA', used: false}]},
		{n: 0, name: 'digital logic', parts: [{text: 'not modelled', used: false}]},
	];
}

const DEMARCATION = '━━ line of demarcation ━━ above: translation, application (≥ 4) · below: interpretation, system (≤ 3)';
const NOTE =
	'▶ the parts this run uses. A program of level 4 or 5 is translated before it runs; levels 2 and 3 are interpreted as they run (the OS partially: most instructions go straight to level 2).';

/** `  ▶ ` before a part the run uses, four spaces before the others and before continuation lines. */
const PART_INDENT = 4;

/** The map as screen lines (pure): a part's text wraps under itself, indented under its level. */
export function mapLines(description: Pick<RunDescription, 'vmm' | 'type'>, width: number): ReactNode[] {
	const out: ReactNode[] = [];
	for (const level of multilevelMap(description)) {
		if (level.n === 3) out.push(...wrappedLines([DEMARCATION], width, 'd', {color: 'yellow', bold: true}));
		out.push(
			<Text key={`l${level.n}`} bold wrap="truncate">{`Level ${level.n}  ${level.name}`}</Text>,
		);
		level.parts.forEach((p, i) =>
			wrapText(p.text, Math.max(10, width - PART_INDENT)).forEach((part, k) =>
				out.push(
					<Text key={`l${level.n}.${i}.${k}`} color={p.used ? 'greenBright' : 'gray'} bold={p.used} wrap="truncate">
						{`${k === 0 && p.used ? '  ▶ ' : ' '.repeat(PART_INDENT)}${part}`}
					</Text>,
				),
			),
		);
	}
	out.push(...wrappedLines([NOTE], width, 'n'));
	return out;
}

/** How far the map scrolls at this size (0: it fits). */
export function mapOverflow(description: Pick<RunDescription, 'vmm' | 'type'>, width: number, height: number): number {
	return linesOverflow(mapLines(description, width).length, height - 1);
}

export interface MapScreenProps {
	description: RunDescription;
	width: number;
	height: number;
	/** First line shown (↑ ↓ PgUp PgDn Home End). */
	offset?: number;
}

export function MapScreen({description, width, height, offset = 0}: MapScreenProps) {
	return (
		<Panel title="Multilevel machine — where vmtop sits (m or esc: back)" width={width} height={height} focused>
			<ScrolledLines lines={mapLines(description, width)} room={height - 1} offset={offset} width={width} />
		</Panel>
	);
}
