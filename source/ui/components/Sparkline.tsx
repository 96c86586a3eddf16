/**
 * A sparkline of VMM entries (or exceptions) per second over the last
 * minute, newest on the right.
 */
import {Text} from 'ink';
import {Panel} from './Panel.js';
import {compact} from './text.js';

export interface SparklineProps {
	label: string;
	/** Oldest first; the last one is the second in progress. */
	values: number[];
	width: number;
}

const bars = ' ▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest. Pure, for tests. */
export function sparkline(values: number[], width: number): string {
	const shown = values.slice(-Math.max(1, width));
	const max = Math.max(0, ...shown);
	return shown
		.map((v) => (max === 0 || v <= 0 ? bars[0]! : bars[Math.max(1, Math.round((v / max) * (bars.length - 1)))]!))
		.join('')
		.padStart(Math.min(width, values.length));
}

export function Sparkline({label, values, width}: SparklineProps) {
	// The second in progress is partial: the last full second is the honest "now".
	const last = values.length > 1 ? values[values.length - 2]! : (values[0] ?? 0);
	const peak = Math.max(0, ...values);
	return (
		<Panel title={`${label}, last minute — now ${compact(last)}, peak ${compact(peak)}`} width={width}>
			<Text color="cyan" wrap="truncate">
				{sparkline(values, width)}
			</Text>
		</Panel>
	);
}
