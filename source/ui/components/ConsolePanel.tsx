/**
 * The guests' console output: the tail of the selected guest's console.
 * With the focus here, typed keys go to that guest's console input.
 */
import {Box, Text} from 'ink';
import type {ConsoleView} from '../store/snapshot.js';
import {Panel} from './Panel.js';

export interface ConsolePanelProps {
	consoles: ConsoleView[];
	/** Index into `consoles`. */
	selected: number;
	width: number;
	/** Rows including the title. */
	height: number;
	focused?: boolean;
}

/** The last `rows` lines of `text`, each cut to `width` (pure, for tests). */
export function tailLines(text: string, rows: number, width: number): string[] {
	const lines: string[] = [];
	for (const raw of text.replace(/\r/g, '').split('\n')) {
		// Long lines wrap, like a terminal's.
		if (raw.length === 0) lines.push('');
		for (let i = 0; i < raw.length; i += Math.max(1, width)) lines.push(raw.slice(i, i + width));
	}
	if (lines.length > 0 && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
	return lines.slice(-Math.max(0, rows));
}

export function ConsolePanel({consoles, selected, width, height, focused = false}: ConsolePanelProps) {
	const current = consoles[Math.min(selected, consoles.length - 1)];
	const tabs = consoles.length > 1 ? ` [${consoles.map((c, i) => (i === selected ? `‹${c.name}›` : c.name)).join(' ')}]` : '';
	const title = `Console ${current?.name ?? ''}${tabs}${focused ? ' — typing goes to the guest' : ''}`;
	const lines = current?.text ? tailLines(current.text, height - 1, width) : [];
	return (
		<Panel title={title} width={width} height={height} focused={focused}>
			<Box flexDirection="column">
				{lines.length === 0 ? <Text color="gray">(no output yet)</Text> : null}
				{lines.map((line, i) => (
					<Text key={i} wrap="truncate">
						{line === '' ? ' ' : line}
					</Text>
				))}
			</Box>
		</Panel>
	);
}
