/** A Scheduler driven by hand: time moves only when a test says so. */
import type {Scheduler} from '../../../source/driver/pacing.js';

interface Timer {
	at: number;
	fn: () => void;
	id: number;
}

export class ManualScheduler implements Scheduler {
	time = 0;
	/** Milliseconds each `now()` call takes (so a loop that waits for a deadline ends). */
	tick = 0;
	private timers: Timer[] = [];
	private nextId = 0;

	now(): number {
		this.time += this.tick;
		return this.time;
	}

	after(ms: number, fn: () => void): () => void {
		const timer = {at: this.time + ms, fn, id: this.nextId++};
		this.timers.push(timer);
		return () => {
			this.timers = this.timers.filter((t) => t !== timer);
		};
	}

	soon(fn: () => void): () => void {
		return this.after(0, fn);
	}

	get pending(): number {
		return this.timers.length;
	}

	/** Move the clock forward, running every timer that falls due, in order. */
	advance(ms: number): void {
		const end = this.time + ms;
		for (;;) {
			const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
			if (!due) break;
			this.timers = this.timers.filter((t) => t !== due);
			this.time = Math.max(this.time, due.at);
			due.fn();
		}
		this.time = end;
	}

	/** Run what is due now (0 ms timers included). */
	flush(): void {
		this.advance(0);
	}
}
