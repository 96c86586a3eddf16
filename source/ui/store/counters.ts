/**
 * The aggregated counters behind the tables and the sparkline: exit reasons
 * (kvm_stat), rates over the last wall-clock second, the per-second series.
 * Everything here is updated per event in O(1) or sampled per frame.
 */
import type {EventBus} from '../../bus/event-bus.js';
import {ExitStats} from '../../stats/exit-stats.js';
import {PerSecondSeries, RateWindow} from './rates.js';

export class Counters {
	readonly exits = new ExitStats();
	readonly series = new PerSecondSeries(60);
	readonly rates = new RateWindow(1000);
	/** Instructions the VMM emulated (for the efficiency line). */
	emulated = 0;
	/** Exceptions raised. */
	exceptions = 0;
	/** instret when the counters were last reset (for shares after `r`). */
	instretBase = 0;
	/** Each guest's instructions when `r` was pressed: the guests table counts from there. */
	guestBase: ReadonlyMap<number, number> = new Map();
	/** `r` was pressed in this run: whole-run counts elsewhere are shown since then. */
	sinceReset = false;

	attach(bus: EventBus): void {
		this.exits.attach(bus);
	}

	detach(): void {
		this.exits.detach();
	}

	/** Per frame: feed the rate window and the series. */
	sample(now: number, instret: number, guestInstructions: ReadonlyMap<number, number>): void {
		const totals = new Map<string, number>([['instret', instret]]);
		for (const g of this.exits.guests()) totals.set(`g:${g}`, this.exits.total(g));
		for (const row of this.exits.rows()) totals.set(`x:${row.reason}`, row.count);
		for (const [g, n] of guestInstructions) totals.set(`gi:${g}`, n);
		this.rates.sample(now, totals);
		this.series.sample(now);
	}

	/** `r`: count from now on (a restart passes no guests and starts from zero). */
	reset(instret: number, guestInstructions: ReadonlyMap<number, number> = new Map()): void {
		this.guestBase = guestInstructions;
		this.sinceReset = guestInstructions.size > 0 || instret > 0;
		this.exits.reset();
		this.series.reset();
		this.rates.reset();
		this.emulated = 0;
		this.exceptions = 0;
		this.instretBase = instret;
	}
}
