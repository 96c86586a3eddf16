/**
 * The guests, virt-top / xentop style: one line each with state, CPU share,
 * instructions, VMM entries per second and the most frequent exit reason.
 */
import {Box, Text} from 'ink';
import type {GuestView, SortKey} from '../store/snapshot.js';
import {tableWindow, windowNote} from '../table-window.js';
import {Panel} from './Panel.js';
import {cells, compact, fit, percent} from './text.js';

export interface GuestsTableProps {
	guests: GuestView[];
	width: number;
	/** Rows including title and header. */
	height?: number;
	focused?: boolean;
	sort: SortKey;
	/** First guest shown (the focused table scrolls). */
	offset?: number;
	/** After `r`: INSTR counts from then on, unlike the status line's `guest instr`. */
	sinceReset?: boolean;
}

const sortColumn: Record<SortKey, string> = {count: 'INSTR', rate: 'ENTRIES/S', cycles: 'CPU%', name: 'GUEST'};

/**
 * An exit reason in `width` cells: whole when it fits, else without its category
 * (`privileged: lidt` → `lidt`: the exit-reason table beside it says the category), cut only if still too long.
 */
export function shortExit(reason: string, width: number): string {
	if (cells(reason) <= width) return reason;
	const colon = reason.indexOf(': ');
	return colon < 0 ? reason : reason.slice(colon + 2);
}

export function GuestsTable({guests, width, height, focused = false, sort, offset = 0, sinceReset = false}: GuestsTableProps) {
	const w = {state: 12, cpu: 7, instr: 9, rate: 10};
	const fixed = w.state + w.cpu + w.instr + w.rate + 1;
	// The name column as wide as the longest name (up to 45% of the room): the rest for the exit reason.
	const longest = Math.max(7, ...guests.map((g) => g.name.length + 1));
	const name = Math.max(6, Math.min(longest, Math.floor((width - fixed) * 0.45)));
	const top = Math.max(4, width - fixed - name);
	const mark = (h: string) => (sortColumn[sort] === h ? h + '↓' : h);
	// An imported KVM trace has no instruction counts: exits and their host time instead of CPU% and INSTR.
	const hostTime = guests.some((g) => g.exits !== undefined);
	// A number column keeps one blank on its left, so a sort mark never joins two headings.
	const num = (text: string, width: number) => ' ' + fit(text, width - 1, 'right');
	const header =
		fit(mark('GUEST'), name) +
		fit('STATE', w.state) +
		(hostTime ? num('EXITS', w.cpu) + num('VMM µs', w.instr) : num(mark('CPU%'), w.cpu) + num(mark('INSTR'), w.instr)) +
		num(mark('ENTRIES/S'), w.rate + 1) +
		' ' +
		fit('TOP EXIT', top - 1);
	const view = tableWindow(height === undefined ? guests.length : Math.max(0, height - 2), guests.length, offset);
	const shown = guests.slice(view.start, view.start + view.rows);
	return (
		<Panel title={`Guests (${guests.length})${sinceReset ? ' — INSTR since r' : ''}`} width={width} height={height} focused={focused}>
			<Text bold wrap="truncate">
				{header}
			</Text>
			<Box flexDirection="column">
				{shown.map((g) => (
					<Text key={g.index} wrap="truncate">
						{fit(g.name, name)}
						<Text color={g.state.startsWith('running') ? 'green' : 'yellow'}>{fit(g.state, w.state)}</Text>
						{g.exits ? num(compact(g.exits.count), w.cpu) : num(percent(g.cpuShare), w.cpu)}
						{g.exits ? num(compact(g.exits.ns / 1000), w.instr) : num(compact(g.instructions), w.instr)}
						{num(compact(g.entriesPerSecond), w.rate + 1)}
						{' ' + fit(shortExit(g.topExit, top - 1), top - 1)}
					</Text>
				))}
				{view.note ? (
					<Text color="gray" wrap="truncate">
						{windowNote(view, guests.length, 'guests', focused)}
					</Text>
				) : null}
			</Box>
		</Panel>
	);
}
