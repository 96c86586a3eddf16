/**
 * The lecture's vertical cooperation for the selected exception: the five
 * steps, what ran at each level, and what it cost. A step's text wider than
 * its column wraps onto continuation lines under it — nothing is cut with `…`
 * (issue 16 §3); the panel is as tall as its lines (`cooperationHeight`).
 */
import {Box, Text} from 'ink';
import type {CooperationStep, CooperationView} from '../store/cooperation.js';
import {Panel} from './Panel.js';
import {cells, wrapText} from './text.js';

export interface VerticalCooperationProps {
	cooperation: CooperationView | null;
	width: number;
	/** Lines the layout gives it, title included (content beyond is clipped: the layout asks `cooperationHeight` first). */
	height?: number;
	/** The selection follows the newest exception (else: the one at the cursor). */
	following: boolean;
}

/** One screen line of the panel: a step's first line (with its number and cost) or a continuation. */
export interface CooperationLine {
	step: CooperationStep | null;
	first: boolean;
	label: string;
	what: string;
	cost: string;
}

/** The panel's lines at `width`: steps wrapped in their columns, then the total line wrapped. Pure. */
export function cooperationLines(c: CooperationView, width: number): {lines: CooperationLine[]; label: number; what: number; cost: number} {
	const inner = Math.max(20, width - 1);
	const guest = c.steps.some((s) => s.interpretation);
	const prefix = 2 + (guest ? 4 : 0);
	const longest = Math.max(...c.steps.map((s) => cells(s.title)));
	// The lecture's step names whole when there is room (the longest is `fetch-execute (guest OS)`), else wrapped.
	const title = inner >= 70 ? longest : Math.min(longest, Math.max(9, Math.floor(inner * 0.2)));
	const cost = Math.max(1, ...c.steps.map((s) => cells(s.cost)));
	const what = Math.max(8, inner - prefix - title - 1 - 1 - cost);
	const lines: CooperationLine[] = [];
	for (const step of c.steps) {
		const head = `${step.n} ${guest ? (step.interpretation ?? '').padEnd(3) + ' ' : ''}`;
		const titles = wrapText(step.title, title);
		const whats = wrapText(step.what, what);
		for (let k = 0; k < Math.max(titles.length, whats.length); k++) {
			lines.push({
				step,
				first: k === 0,
				label: (k === 0 ? head : ' '.repeat(prefix)) + (titles[k] ?? ''),
				what: whats[k] ?? '',
				cost: k === 0 ? step.cost : '',
			});
		}
	}
	for (const t of wrapText(c.total, inner)) lines.push({step: null, first: false, label: '', what: t, cost: ''});
	return {lines, label: prefix + title, what, cost};
}

/** Lines the panel takes at `width`, its title included. */
export function cooperationHeight(c: CooperationView | null, width: number): number {
	return 1 + (c ? cooperationLines(c, width).lines.length : 1);
}

export function VerticalCooperation({cooperation, width, height, following}: VerticalCooperationProps) {
	const title = cooperation
		? `Vertical cooperation — ${cooperation.vector}${cooperation.guest >= 0 ? ` in guest ${cooperation.guest}` : ''}${
				cooperation.journey === null ? '' : ` · journey ${cooperation.journey}${cooperation.continuation === null ? '' : ` → ${cooperation.continuation}`}`
			}${following ? ' (newest)' : ' (selected)'}`
		: 'Vertical cooperation';
	if (!cooperation) {
		return (
			<Panel title={title} width={width} height={height}>
				<Text color="gray" wrap="truncate">
					No exception yet. Press n to run to the next one.
				</Text>
			</Panel>
		);
	}
	const {lines, label, what, cost} = cooperationLines(cooperation, width);
	return (
		<Panel title={title} width={width} height={height}>
			{lines.map((line, i) =>
				line.step === null ? (
					<Box key={i} height={1} flexShrink={0}>
						<Text color="yellow">{line.what}</Text>
					</Box>
				) : (
					<Box key={i} flexDirection="row" height={1} flexShrink={0}>
						<Box width={label + 1}>
							<Text color={line.step.done ? 'cyan' : 'gray'}>
								{line.first ? <Text bold>{line.label.slice(0, 2)}</Text> : line.label.slice(0, 2)}
								{line.label.slice(2)}
							</Text>
						</Box>
						<Box width={what + 1}>
							<Text color={line.step.done ? undefined : 'gray'}>{line.what}</Text>
						</Box>
						<Box width={cost} justifyContent="flex-end">
							<Text color={line.step.done ? 'yellow' : 'gray'}>{line.cost}</Text>
						</Box>
					</Box>
				),
			)}
		</Panel>
	);
}
