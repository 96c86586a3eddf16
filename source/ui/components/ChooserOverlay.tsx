/**
 * The restart chooser (`x`): one line per setting with its choices, the
 * chosen one bracketed (visible without colour), the current row marked ▶.
 */
import {Box, Text} from 'ink';
import type {ChooserView} from '../store/snapshot.js';
import {Panel} from './Panel.js';
import {wrappedLines} from './ScrolledLines.js';
import {wrapText} from './text.js';
import {vmmTechniques} from '../../sim/simulation.js';

/** `trap, bt, pv or hvm`: from the one list, so a new technique is named here too. */
const withVmm = vmmTechniques.filter((t) => t !== 'none');
const techniques = `${withVmm.slice(0, -1).join(', ')} or ${withVmm.at(-1)}`;

/** The chooser's keys, as the footer shows them while it is open (the title held them, cut at 80 columns). */
export const CHOOSER_KEYS = '↑ ↓ choose a setting, ← → its value, enter restarts, esc cancels';

export interface ChooserOverlayProps {
	chooser: ChooserView;
	width: number;
	height: number;
}

export function ChooserOverlay({chooser, width, height}: ChooserOverlayProps) {
	const label = Math.max(...chooser.rows.map((r) => r.label.length)) + 2;
	return (
		<Panel title="Restart with…" width={width} height={height} focused>
			<Box flexDirection="column">
				{chooser.rows.map((r, i) => {
					const line = r.options.map((o, k) => (k === r.selected ? `[${o}]` : ` ${o} `)).join(' ');
					return wrapText(line, Math.max(10, width - label - 3)).map((part, k) => (
						<Text key={`${r.label}:${k}`} bold={i === chooser.row} color={i === chooser.row ? 'cyan' : undefined}>
							{k === 0 ? `${i === chooser.row ? '▶' : ' '} ${r.label.padEnd(label)}` : ' '.repeat(label + 2)}
							{part}
						</Text>
					));
				})}
				<Text> </Text>
				{wrappedLines([`${CHOOSER_KEYS}. Several guests, or Type II, need a VMM (technique ${techniques}). The run restarts from reset; a recording is closed first.`], width, 'note')}
				{chooser.error ? <Text color="red">{chooser.error}</Text> : null}
			</Box>
		</Panel>
	);
}
