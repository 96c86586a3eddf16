/** Shown instead of a garbled dashboard when the terminal is too small. */
import {Text} from 'ink';

export interface TooSmallProps {
	columns: number;
	rows: number;
	minColumns: number;
	minRows: number;
}

export function TooSmall({columns, rows, minColumns, minRows}: TooSmallProps) {
	return (
		<Text wrap="wrap">
			{`Terminal too small: ${columns}×${rows}. vmtop needs at least ${minColumns}×${minRows}. Enlarge the window (q quits).`}
		</Text>
	);
}
