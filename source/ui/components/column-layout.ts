/**
 * How wide each level's column is: a pure function of the terminal width and
 * which levels this run has, so it is tested without rendering.
 */
import type {Level} from '../../bus/events.js';

export interface Column {
	level: Level;
	title: string;
	width: number;
}

const titles: Record<Level, string> = {
	cpu: 'CPU (fetch-execute)',
	exception: 'Exceptions',
	os: 'OS',
	vmm: 'VMM',
	host: 'Host OS',
};

const weights: Record<Level, number> = {cpu: 36, exception: 22, os: 26, vmm: 26, host: 16};

/** The gutter: instret (and the guest when there are several). */
export function gutterWidth(multiGuest: boolean): number {
	return 12 + (multiGuest ? 3 : 0);
}

export function columnLayout(width: number, options: {vmm: boolean; host: boolean; multiGuest: boolean}): Column[] {
	const levels: Level[] = ['cpu', 'exception', 'os'];
	if (options.vmm) levels.push('vmm');
	if (options.host) levels.push('host');
	const room = Math.max(levels.length * 6, width - gutterWidth(options.multiGuest));
	const total = levels.reduce((s, l) => s + weights[l], 0);
	const columns = levels.map((level) => ({level, title: titles[level], width: Math.floor((room * weights[level]) / total)}));
	// Give the rounding leftovers to the CPU column, which has the longest text.
	columns[0]!.width += room - columns.reduce((s, c) => s + c.width, 0);
	return columns;
}
