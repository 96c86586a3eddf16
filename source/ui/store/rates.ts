/**
 * Rates over wall-clock time, sampled at frame rate (never per event).
 *
 * `PerSecondSeries`: counts per wall-clock second for the sparkline (the last
 * minute). Events only bump `pending`; a frame moves it into its second.
 *
 * `RateWindow`: per-second rates of a set of running totals (instructions,
 * exits per reason, per guest), from two samples about a second apart.
 */
export class PerSecondSeries {
	private readonly buckets: number[];
	/** The wall-clock second (ms / 1000, floored) of the newest bucket. */
	private second = -1;
	pending = 0;

	constructor(readonly length = 60) {
		this.buckets = new Array<number>(length).fill(0);
	}

	/** Move pending counts into the second `nowMs` falls in. */
	sample(nowMs: number): void {
		const second = Math.floor(nowMs / 1000);
		if (this.second < 0) this.second = second;
		const passed = Math.min(second - this.second, this.length);
		for (let i = 0; i < passed; i++) {
			this.buckets.shift();
			this.buckets.push(0);
		}
		this.second = Math.max(this.second, second);
		this.buckets[this.length - 1]! += this.pending;
		this.pending = 0;
	}

	/** Oldest first; the last value is the second in progress. */
	values(): number[] {
		return [...this.buckets];
	}

	reset(): void {
		this.buckets.fill(0);
		this.pending = 0;
	}
}

interface Sample {
	t: number;
	totals: ReadonlyMap<string, number>;
}

export class RateWindow {
	private samples: Sample[] = [];

	constructor(private readonly windowMs = 1000) {}

	/** Record the totals at `t` (ms). */
	sample(t: number, totals: ReadonlyMap<string, number>): void {
		this.samples.push({t, totals});
		// Keep one sample at least a window old, and everything newer.
		while (this.samples.length > 2 && t - this.samples[1]!.t >= this.windowMs) this.samples.shift();
	}

	/** Per second, between the oldest kept sample and the newest. */
	rate(key: string): number {
		const first = this.samples[0];
		const last = this.samples[this.samples.length - 1];
		if (!first || !last || last.t <= first.t) return 0;
		const delta = (last.totals.get(key) ?? 0) - (first.totals.get(key) ?? 0);
		return Math.max(0, (delta * 1000) / (last.t - first.t));
	}

	reset(): void {
		this.samples = [];
	}
}
