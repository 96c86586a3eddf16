/** Issue 16 bug 14: the process-VM screen times each technique for a fixed time, says what it measures and why the rows are in their order. */
import {expect, test} from 'vitest';
import {pvmScreen} from '../../source/ui/screens/pvm-screen.js';

test('each technique runs for the fixed time, one per piece; the screen says what is measured and explains the ordering', () => {
	let t = 0;
	const clock = (): number => (t += 1); // 1 ms per reading: 10 ms is ten runs
	const steps = pvmScreen(undefined, {seconds: 0.01, clock}).steps!();
	const progress: string[] = [];
	let r = steps.next();
	while (!r.done) {
		progress.push(r.value);
		r = steps.next();
	}
	expect(progress).toEqual(['STC', 'TTC', 'PTC', 'ITC', 'DTC', 'translated'].map((l, i) => `timing ${l} for 10 ms (${i + 1} of 6)`));
	const report = r.value;
	expect(report.lines).toContain(
		'Measured: wall time of running the whole program again and again for 10 ms per technique (after one untimed warm-up run), divided by runs × dispatches per run.',
	);
	const table = report.tables![0]!;
	const runs = table.columns.indexOf('runs');
	const dispatches = table.columns.indexOf('dispatches');
	const ns = table.columns.indexOf('ns/dispatch');
	for (const row of table.rows) {
		expect(row[runs]).toBe(10); // fixed time, not a fixed number of dispatches
		// The figure adds up: 10 ms over 10 runs of the program.
		expect(row[ns]).toBeCloseTo(1e7 / (10 * (row[dispatches] as number)), 1);
	}
	expect(report.notes!.join(' ')).toMatch(/lecture's order .* not sorted by speed/);
	expect(report.notes!.join(' ')).toMatch(/measured order need not follow the x86 column/);
});
