/**
 * Journey mode's view: the journey caught, walked across the levels. Each
 * step reached so far sits in its level's column (the text wraps, never cut);
 * the current one is highlighted, with its explanation in the lecture's words
 * under it. `--lecture`: wider gaps and high-contrast colours.
 */
import {Box, Text} from 'ink';
import type {Level} from '../../bus/events.js';
import type {JourneyWalkView} from '../store/snapshot.js';
import {Panel} from './Panel.js';
import {wrapText} from './text.js';

export interface JourneyWalkProps {
	walk: JourneyWalkView;
	width: number;
	height: number;
	lecture?: boolean;
}

export const levelTitles: Record<Level, string> = {cpu: 'CPU (fetch-execute)', exception: 'Exceptions', os: 'OS', vmm: 'VMM', host: 'Host OS'};
/** A column narrower than its title (80 columns) is headed by its short name, whole, not a cut title. */
const shortTitles: Record<Level, string> = {cpu: 'CPU', exception: 'Exc', os: 'OS', vmm: 'VMM', host: 'Host'};
const colors: Record<Level, string> = {cpu: 'white', exception: 'yellow', os: 'green', vmm: 'magenta', host: 'blue'};
const lectureColors: Record<Level, string> = {cpu: 'whiteBright', exception: 'yellowBright', os: 'greenBright', vmm: 'magentaBright', host: 'cyanBright'};

/** The step gutter: `▶ 3 VMM intercept`. */
const GUTTER = 22;

/** The level columns of this run and their widths (pure, for tests). */
export function walkColumns(walk: JourneyWalkView, width: number, gap = 1): Array<{level: Level; width: number}> {
	// The dashboard's order, so a column is where the history has it.
	const levels: Level[] = ['cpu', 'exception', 'os'];
	if (walk.showVmm) levels.push('vmm');
	if (walk.showHost) levels.push('host');
	const room = Math.max(levels.length * 8, width - GUTTER);
	// Sized by content: each level as wide as its longest cell (and title) when that fits, else in proportion.
	const want = (l: Level): number =>
		Math.max(levelTitles[l].length, ...walk.steps.filter((st) => st.level === l).map((st) => st.cell.length)) + 1 + gap;
	const widths = levels.map(want);
	// Too wide together: the widest gives way first, a column at a time (the short ones stay whole).
	let total = widths.reduce((a, b) => a + b, 0);
	while (total > room) {
		const widest = widths.indexOf(Math.max(...widths));
		if (widths[widest]! <= 10) break;
		widths[widest]!--;
		total--;
	}
	const columns = levels.map((level, i) => ({level, width: widths[i]!}));
	// What is left goes to the last column (nothing is drawn past it).
	columns[columns.length - 1]!.width += Math.max(0, room - columns.reduce((a, c) => a + c.width, 0));
	return columns;
}


export function walkTitle(walk: JourneyWalkView): string {
	if (walk.journey === null && walk.steps.length > 0) return `Journey mode — ${walk.title} — step ${walk.step + 1} of ${walk.steps.length}`;
	if (walk.journey === null) return walk.running ? 'Journey mode — running to the next journey…' : 'Journey mode — no journey yet (n runs to one)';
	const ids = walk.continuation === null ? `journey ${walk.journey}` : `journey ${walk.journey} → ${walk.continuation}`;
	const stops = walk.filter ? ` — stops at: ${walk.filter}` : '';
	return `Journey mode — ${ids}: ${walk.title} — step ${walk.step + 1} of ${walk.steps.length}${stops}`;
}

export function JourneyWalk({walk, width, height, lecture = false}: JourneyWalkProps) {
	const gap = lecture ? 3 : 1;
	const columns = walkColumns(walk, width, gap);
	const palette = lecture ? lectureColors : colors;
	const header = (
		<Box flexDirection="row" flexShrink={0}>
			<Box width={GUTTER}>
				<Text bold>level step</Text>
			</Box>
			{columns.map((c) => (
				<Box key={c.level} width={c.width} paddingRight={gap}>
					<Text bold underline color={palette[c.level]} wrap="truncate">
						{levelTitles[c.level].length <= c.width - gap ? levelTitles[c.level] : shortTitles[c.level]}
					</Text>
				</Box>
			))}
		</Box>
	);
	const next = walk.steps[walk.step + 1];
	// The current step and its explanation must show: on a short screen the oldest steps give way.
	// Wrapped here, as drawn: Ink's own wrapping began a continuation line with the space it broke at.
	const cellLines = (i: number): string[] => {
		const st = walk.steps[i]!;
		const col = columns.find((c) => c.level === st.level);
		return wrapText(st.cell, (col?.width ?? width) - gap);
	};
	const stepLines = (i: number): number => cellLines(i).length + (lecture && i > 0 ? 1 : 0);
	// The explanation hangs under its arrow: two cells of margin, `↳ `, then the text.
	const explainLines = (text: string): string[] => wrapText(text, width - 4).map((part, k) => `${k === 0 ? '↳' : ' '} ${part}`);
	const current = walk.steps[walk.step];
	let room = height - 1 - 1 - 1 - (current ? explainLines(current.explain).length : 0) - (walk.running ? 1 : 0);
	let first = current ? walk.step : 0;
	for (room -= current ? stepLines(walk.step) : 0; first > 0 && stepLines(first - 1) <= room - 1; first--) room -= stepLines(first - 1);
	const shown = walk.steps.slice(first, walk.step + 1);
	return (
		<Panel title={walkTitle(walk)} width={width} height={height} focused>
			{header}
			{walk.running && walk.steps.length > 0 ? <Text color="cyan">running to the next journey…</Text> : null}
			{first > 0 ? <Text color="gray">{`… ${first} earlier step${first === 1 ? '' : 's'} above (← goes back)`}</Text> : null}
			{shown.map((step, k) => {
				const i = first + k;
				const current = i === walk.step;
				return (
					<Box key={i} flexDirection="column" flexShrink={0} marginTop={lecture && i > 0 ? 1 : 0}>
						<Box flexDirection="row">
							<Box width={GUTTER} flexShrink={0}>
								<Text bold={current} inverse={current} color={current ? undefined : 'gray'} wrap="truncate">
									{`${current ? '▶' : ' '} ${i + 1} ${step.title}`}
								</Text>
							</Box>
							{columns.map((c) => (
								<Box key={c.level} width={c.width} paddingRight={gap} flexShrink={0}>
									{c.level === step.level ? (
										<Box flexDirection="column">
											{cellLines(i).map((part, n) => (
												<Text key={n} color={current ? palette[c.level] : 'gray'} bold={current} inverse={current && !lecture} wrap="truncate">
													{part}
												</Text>
											))}
										</Box>
									) : null}
								</Box>
							))}
						</Box>
						{current ? (
							<Box marginLeft={2} flexShrink={0} flexDirection="column">
								{explainLines(step.explain).map((part, n) => (
									<Text key={n} bold={lecture} color={lecture ? 'whiteBright' : 'cyan'} wrap="truncate">
										{part}
									</Text>
								))}
							</Box>
						) : null}
					</Box>
				);
			})}
			{walk.steps.length > 0 && !walk.running ? (
				<Text color="gray" wrap="wrap">
					{next ? `next: ${next.title} (→ or space)` : 'end of this journey: → or n runs to the next one, N goes back'}
				</Text>
			) : null}
		</Panel>
	);
}
