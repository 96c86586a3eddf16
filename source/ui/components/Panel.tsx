/**
 * A panel: a title rule and its content, `width` columns wide. The focused
 * panel's title is bold, coloured and marked with ▶ (visible without colour).
 */
import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {titleRule} from './text.js';

export interface PanelProps {
	title: string;
	width: number;
	/** Rows including the title line; content is clipped to fit. */
	height?: number;
	focused?: boolean;
	children?: ReactNode;
}

export function Panel({title, width, height, focused = false, children}: PanelProps) {
	return (
		<Box flexDirection="column" width={width} height={height} overflowY="hidden">
			{/* Never squeezed out by content taller than the panel: that content is clipped instead. */}
			<Box flexShrink={0}>
				<Text bold={focused} color={focused ? 'cyan' : 'gray'} wrap="truncate">
					{titleRule(focused ? `▶ ${title}` : title, width)}
				</Text>
			</Box>
			{children}
		</Box>
	);
}
