/**
 * The lecture's vertical cooperation for the selected exception: the five
 * steps, what ran at each level, and what it cost.
 */
import {Box, Text} from 'ink';
import type {CooperationView} from '../store/cooperation.js';
import {Panel} from './Panel.js';
import {clip} from './text.js';

export interface VerticalCooperationProps {
	cooperation: CooperationView | null;
	width: number;
	/** The selection follows the newest exception (else: the one at the cursor). */
	following: boolean;
}

export function VerticalCooperation({cooperation, width, following}: VerticalCooperationProps) {
	const title = cooperation
		? `Vertical cooperation — ${cooperation.vector}${cooperation.guest >= 0 ? ` in guest ${cooperation.guest}` : ''}${
				cooperation.journey === null ? '' : ` · journey ${cooperation.journey}${cooperation.continuation === null ? '' : ` → ${cooperation.continuation}`}`
			}${following ? ' (newest)' : ' (selected)'}`
		: 'Vertical cooperation';
	if (!cooperation) {
		return (
			<Panel title={title} width={width}>
				<Text color="gray" wrap="truncate">
					No exception yet. Press n to run to the next one.
				</Text>
			</Panel>
		);
	}
	const inner = width - 2;
	// The lecture's step names are kept whole: the longest is `return from exception`.
	const guest = cooperation.steps.some((s) => s.interpretation);
	const label = (inner >= 70 ? 22 : 14) + (guest ? 4 : 0);
	const cost = Math.min(22, Math.floor(inner * 0.22));
	const what = Math.max(4, inner - label - cost - 1);
	return (
		<Panel title={title} width={width}>
			<Box flexDirection="column">
				{cooperation.steps.map((step) => (
					<Box key={step.n} flexDirection="row" height={1}>
						<Box width={label + 2}>
							<Text color={step.done ? 'cyan' : 'gray'}>
								<Text bold>{`${step.n} `}</Text>
								{guest ? `${(step.interpretation ?? '').padEnd(3)} ` : ''}
								{clip(step.title, label - (guest ? 4 : 0))}
							</Text>
						</Box>
						<Box width={what + 1}>
							<Text color={step.done ? undefined : 'gray'}>{clip(step.what, what)}</Text>
						</Box>
						<Box width={cost} justifyContent="flex-end">
							<Text color={step.done ? 'yellow' : 'gray'}>{clip(step.cost, cost)}</Text>
						</Box>
					</Box>
				))}
				<Box height={1}>
					<Text color="yellow" wrap="truncate">
						{clip(cooperation.total, inner)}
					</Text>
				</Box>
			</Box>
		</Panel>
	);
}
