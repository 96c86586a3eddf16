/**
 * The Popek–Goldberg properties of the run (equivalence, resource control,
 * efficiency) and its effectiveness, as the VMM reports them.
 */
import {Box, Text} from 'ink';
import type {PropertyLine} from '../../driver/source.js';
import {Panel} from './Panel.js';
import {fit} from './text.js';

export interface PropertiesPanelProps {
	properties: PropertyLine[];
	width: number;
	height?: number;
}

function mark(ok: boolean | undefined): string {
	return ok === undefined ? '·' : ok ? '✓' : '✗';
}

export function PropertiesPanel({properties, width, height}: PropertiesPanelProps) {
	const label = Math.min(22, Math.max(8, ...properties.map((p) => p.label.length + 1)));
	return (
		<Panel title="Popek–Goldberg" width={width} height={height}>
			<Box flexDirection="column">
				{properties.map((p) => (
					<Text key={p.label} wrap="truncate">
						<Text color={p.ok === undefined ? 'gray' : p.ok ? 'green' : 'red'}>{mark(p.ok) + ' '}</Text>
						<Text bold>{fit(p.label, label)}</Text>
						<Text>{p.value}</Text>
					</Text>
				))}
			</Box>
		</Panel>
	);
}
