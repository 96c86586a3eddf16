/**
 * The Popek–Goldberg properties of the run (equivalence, resource control,
 * efficiency) and its effectiveness, as the VMM reports them. A long value
 * (`not equivalent: guest 0: console differs at byte …`) wraps under itself
 * while there is room; short of room the longest goes back to one line first
 * (`fitProperties`), and with fewer lines than properties the least essential
 * lines give way, never the three properties (`keptProperties`).
 */
import {Box, Text} from 'ink';
import type {PropertyLine} from '../../driver/source.js';
import {Panel} from './Panel.js';
import {clip, fit, wrapText} from './text.js';

export interface PropertiesPanelProps {
	properties: PropertyLine[];
	width: number;
	height?: number;
}

function mark(ok: boolean | undefined): string {
	return ok === undefined ? '·' : ok ? '✓' : '✗';
}

function labelWidth(properties: PropertyLine[]): number {
	return Math.min(22, Math.max(8, ...properties.map((p) => p.label.length + 1)));
}

/** Each property's value as the lines it takes in a panel `width` wide. */
export function propertyRows(properties: PropertyLine[], width: number): string[][] {
	const room = Math.max(8, width - 2 - labelWidth(properties));
	return properties.map((p) => wrapText(p.value, room));
}

/** Lines the properties take (without the title). */
export function propertyLineCount(properties: PropertyLine[], width: number): number {
	return propertyRows(properties, width).reduce((s, r) => s + r.length, 0);
}

/**
 * The lines to draw in `budget` lines: every value whole while they fit;
 * short of room, the longest value goes back to one line (cut with `…`),
 * then the next longest — every property keeps its line.
 */
export function fitProperties(values: string[][], budget: number, room: number): string[][] {
	const out = values.map((v) => [...v]);
	let total = out.reduce((s, v) => s + v.length, 0);
	while (total > budget) {
		const longest = out.reduce((best, v, i) => (v.length > out[best]!.length ? i : best), 0);
		const v = out[longest]!;
		if (v.length <= 1) break;
		total -= v.length - 1;
		out[longest] = [clip(v.join(' '), room)];
	}
	return out;
}

/** Popek & Goldberg's three, then the lecture's effectiveness: what the panel keeps longest. */
const KEPT_LONGEST: Record<string, number> = {equivalence: 3, 'resource control': 3, efficiency: 3, effectiveness: 2, 'VMM entries': 0};

/**
 * The properties that get a line when there are more than `budget` lines (pure): first goes
 * `VMM entries` (the exit-reason table's title says it too), then the technique's own lines
 * (translation, interpretation, host OS) from the last, then effectiveness — the three
 * properties stay. Ink would otherwise clip the panel's first line: equivalence vanished at 120×35.
 */
export function keptProperties(properties: PropertyLine[], budget: number): PropertyLine[] {
	const kept = [...properties];
	while (kept.length > Math.max(1, budget)) {
		let drop = kept.length - 1;
		for (let i = kept.length - 1; i >= 0; i--) if ((KEPT_LONGEST[kept[i]!.label] ?? 1) < (KEPT_LONGEST[kept[drop]!.label] ?? 1)) drop = i;
		kept.splice(drop, 1);
	}
	return kept;
}

export function PropertiesPanel({properties: all, width, height}: PropertiesPanelProps) {
	const properties = height === undefined ? all : keptProperties(all, height - 1);
	const label = labelWidth(properties);
	const room = Math.max(8, width - 2 - label);
	const wrapped = propertyRows(properties, width);
	const values = height === undefined ? wrapped : fitProperties(wrapped, height - 1, room);
	return (
		<Panel title="Popek–Goldberg" width={width} height={height}>
			<Box flexDirection="column">
				{properties.map((p, i) =>
					values[i]!.map((line, k) => (
						<Text key={`${p.label}:${k}`} wrap="truncate">
							<Text color={p.ok === undefined ? 'gray' : p.ok ? 'green' : 'red'}>{k === 0 ? mark(p.ok) + ' ' : '  '}</Text>
							<Text bold>{fit(k === 0 ? p.label : '', label)}</Text>
							<Text>{line}</Text>
						</Text>
					)),
				)}
			</Box>
		</Panel>
	);
}
