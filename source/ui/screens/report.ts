/**
 * Full-screen reports the dashboard can switch to (`c` check, `p` process VM).
 *
 * A screen is a ScreenDefinition: an id, a title, and `load`, which produces a
 * ScreenReport — plain data (lines and tables) that ReportScreen draws. The
 * producers (source/check/, source/pvm/) know nothing of Ink: they return
 * data, and screens.ts adapts their reports.
 */
export interface ReportTable {
	title?: string;
	columns: string[];
	/** Cells; numbers are right-aligned. */
	rows: Array<Array<string | number>>;
	/** Column indexes to colour: a cell `yes`/`✓` green, `no`/`✗` red. */
	verdictColumns?: number[];
	/** Digits after the point of a column's numbers, by column index (a column of figures reads alike: `120.00`, not `120`). */
	decimals?: Record<number, number>;
}

export interface ScreenReport {
	title: string;
	/** Paragraph lines above the tables. */
	lines?: string[];
	tables?: ReportTable[];
	/** Lines below the tables (conclusions, notes). */
	notes?: string[];
}

export interface ScreenDefinition {
	/** `check`, `pvm`. */
	id: string;
	title: string;
	/** Runs once when the screen is first opened (may take a moment: it shows "computing…"). */
	load: () => ScreenReport | Promise<ScreenReport>;
	/**
	 * Instead of `load`, for long work: a generator doing it a piece at a time,
	 * yielding a progress line after each piece (the registry runs one piece per
	 * turn of the event loop, so keys keep working) and returning the report.
	 */
	steps?: () => Generator<string, ScreenReport, void>;
	/**
	 * What the report depends on (the run's scenario, say): when it changes
	 * (a restart), opening the screen computes the report again.
	 */
	key?: () => string;
}

/** A piecewise screen's whole work at once (its `load`): runs `steps` to its report. */
export function allSteps(steps: () => Generator<string, ScreenReport, void>): () => ScreenReport {
	return () => {
		const it = steps();
		for (;;) {
			const r = it.next();
			if (r.done) return r.value;
		}
	};
}

/** What a screen shows right now. */
export type ScreenState =
	| {status: 'loading'; title: string; progress?: string}
	| {status: 'ready'; report: ScreenReport}
	| {status: 'error'; title: string; message: string};
