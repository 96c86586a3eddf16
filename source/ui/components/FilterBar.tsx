/**
 * The bottom line: the filter being typed (with its error, if any), or the
 * filter in force and the most used keys.
 */
import {Text} from 'ink';
import type {FilterView} from '../store/snapshot.js';
import {cells} from './text.js';

export interface FilterBarProps {
	filter: FilterView;
	width: number;
	/** The `g` prompt of a replay, while open. */
	goto?: {draft: string; caret?: number; error?: string};
	/** The keys for what is on the screen (context-sensitive); the live run's when not said. */
	keys?: string;
}

/** The draft with the caret shown as an inverse cell where typing goes. */
function Draft({text, caret = text.length}: {text: string; caret?: number}) {
	const point = text.codePointAt(caret);
	const under = point === undefined ? ' ' : String.fromCodePoint(point);
	return (
		<>
			<Text>{text.slice(0, caret)}</Text>
			<Text inverse>{under}</Text>
			<Text>{text.slice(caret + (point === undefined ? 0 : under.length))}</Text>
		</>
	);
}

const hints = 'space pause  s step  n next exception  +/- speed  f filter  o sort  tab focus  ? help  q quit';

/**
 * The keys that fit in `width` cells, never cut mid-key: when all do not, the
 * first ones (the list is in order of use) and `? more` (help lists them all),
 * with `q quit` kept last. Pure.
 */
export function fitKeys(keys: string, width: number): string {
	if (cells(keys) <= width) return keys;
	const items = keys.split(/ {2,}/);
	const tail = ['? more', ...items.filter((k) => k === 'q quit')];
	const rest = items.filter((k) => k !== 'q quit' && !k.startsWith('? '));
	const shown: string[] = [];
	for (const item of rest) {
		if (cells([...shown, item, ...tail].join('  ')) > width) break;
		shown.push(item);
	}
	return [...shown, ...tail].join('  ');
}

export function FilterBar({filter, width, goto, keys = hints}: FilterBarProps) {
	if (goto) {
		return (
			<Text wrap="truncate">
				<Text bold color="cyan">
					go to›{' '}
				</Text>
				<Draft text={goto.draft} caret={goto.caret} />
				{goto.error ? <Text color="red">{`  ${goto.error}`}</Text> : <Text color="gray">{'  instruction count as the rows show it, #1234 for an event, c1234 for a cycle; enter goes, esc cancels'}</Text>}
			</Text>
		);
	}
	if (filter.editing) {
		const search = filter.kind === 'search';
		return (
			<Text wrap="truncate">
				<Text bold color="cyan">
					{search ? 'search› ' : 'filter› '}
				</Text>
				<Draft text={filter.draft} caret={filter.caret} />
				{filter.error ? (
					<Text color="red">{`  ${filter.error}`}</Text>
				) : (
					<Text color="gray">{search ? '  enter highlights the matching rows, then n / N; esc cancels' : '  enter applies, esc cancels, ^U clears'}</Text>
				)}
			</Text>
		);
	}
	const active = filter.active ? `filter: ${filter.active}  │  ` : '';
	const search = filter.search ? `search: ${filter.search} (n / N)  │  ` : '';
	return (
		<Text wrap="truncate" color="gray">
			{active ? <Text color="cyan">{active}</Text> : null}
			{search ? <Text color="cyan">{search}</Text> : null}
			{fitKeys(keys, width - cells(active) - cells(search))}
		</Text>
	);
}
