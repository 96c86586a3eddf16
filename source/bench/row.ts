/** One line of `npm run bench` output. */
export interface BenchRow {
	name: string;
	value: number;
	unit: string;
}
