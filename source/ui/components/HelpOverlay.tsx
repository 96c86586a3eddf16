/**
 * Every key, generated from the keymap (so it cannot drift from what the
 * keys do), grouped, with the filter syntax. `?` or esc closes it.
 */
import {Box, Text} from 'ink';
import {type Binding, keymap} from '../keymap.js';
import {Panel} from './Panel.js';
import {fit} from './text.js';

export interface HelpOverlayProps {
	width: number;
	height: number;
	/** Defaults to the dashboard's keymap. */
	bindings?: readonly Binding[];
}

export function HelpOverlay({width, height, bindings = keymap}: HelpOverlayProps) {
	const groups = [...new Set(bindings.map((b) => b.group))];
	const label = Math.max(...bindings.map((b) => b.label.length)) + 2;
	const twoColumns = width >= 100;
	const half = twoColumns ? Math.floor((width - 2) / 2) : width;
	const blocks = groups.map((group) => (
		<Box key={group} flexDirection="column" width={half} marginBottom={1}>
			<Text bold underline>
				{group}
			</Text>
			{bindings
				.filter((b) => b.group === group)
				.map((b) => (
					<Text key={b.command} wrap="truncate">
						<Text color="cyan">{fit(b.label, label)}</Text>
						{b.help}
					</Text>
				))}
		</Box>
	));
	const left = twoColumns ? blocks.filter((_, i) => i % 2 === 0) : blocks;
	const right = twoColumns ? blocks.filter((_, i) => i % 2 === 1) : [];
	return (
		<Panel title="Help — keys (? or esc closes)" width={width} height={height} focused>
			<Box flexDirection="row">
				<Box flexDirection="column">{left}</Box>
				{twoColumns ? <Box flexDirection="column">{right}</Box> : null}
			</Box>
			<Text wrap="truncate" color="gray">
				Filter words (all must match): level:cpu,exception,os,vmm,host kind:PREFIX guest:N, anything else is a regex.
			</Text>
			<Text wrap="truncate" color="gray">
				With the console focused (tab), typed keys go to the guest; esc leaves it.
			</Text>
		</Panel>
	);
}
