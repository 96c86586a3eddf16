/**
 * The legend (`l`, and listed in `?`): every glyph and column of the
 * dashboard, in the lecture's words. `l` or esc closes it.
 */
import {Box, Text} from 'ink';
import {Panel} from './Panel.js';

/** [glyph, meaning] pairs; plain data so the help and the docs show the same. */
export const legendEntries: ReadonlyArray<readonly [string, string]> = [
	['CPU (fetch-execute)', 'level 2, the ISA: the instruction the real CPU fetched and executed'],
	['Exceptions', 'exceptions and interrupts raised, delivered through the IDT, and iret returning'],
	['OS', 'level 3, the operating-system machine: handlers, system calls, process switches'],
	['VMM', 'the virtual machine monitor: intercept, emulate, reflect, translate, hypercall, resume'],
	['Host OS', 'only under a Type II VMM: the host OS the VMM runs on'],
	['S / U', 'the real CPU’s mode: supervisor or user'],
	['U/vS', 'under a VMM: real mode U, the guest’s virtual mode S (its kernel believes it is in supervisor mode)'],
	['U/vU', 'under a VMM: a guest’s user program (real and virtual mode user)'],
	['gN', 'the guest the row belongs to (g0, g1 …); h: the host / the real machine'],
	['⋯N', 'N instructions ran unseen before this row (only events are shown at this speed)'],
	['before', 'an interrupt is taken between instructions: before the one named runs'],
	['(trapped)', 'the instruction raised the exception on its row (a fault: it did not complete; a trap: it did) — shown once'],
	['⚠', 'a sensitive instruction that is not privileged ran directly: the guest saw real state (Robin & Irvine)'],
	['⇒ int 0x63 (patched)', 'binary translation replaced a sensitive instruction with a trap to the VMM'],
	['· journey N', 'the exception journey this row opens (the core numbers them; f journey:N filters)'],
	['✓ ✗ ·', 'Popek–Goldberg panel: the property holds, is violated, or cannot be judged yet'],
	['colours', 'white CPU, yellow exceptions, green OS, magenta VMM, blue host OS; red: a violation or a stop'],
	['›', 'the selected row (↑/↓ move it, End follows the newest again)'],
];

export interface LegendProps {
	width: number;
	height: number;
}

export function Legend({width, height}: LegendProps) {
	const key = Math.max(...legendEntries.map(([k]) => k.length)) + 2;
	return (
		<Panel title="Legend — every glyph and column (l or esc closes)" width={width} height={height} focused>
			{legendEntries.map(([glyph, meaning]) => (
				<Box key={glyph} flexDirection="row" flexShrink={0}>
					<Box width={key} flexShrink={0}>
						<Text bold color="cyan">
							{glyph}
						</Text>
					</Box>
					{/* A long meaning wraps under itself, the glyphs' column stays clear. */}
					<Box width={Math.max(10, width - key)}>
						<Text wrap="wrap">{meaning}</Text>
					</Box>
				</Box>
			))}
		</Panel>
	);
}
