/** The turn scheduling the live driver and the replay driver share (source/driver/paced-driver.ts). */
import {describe, expect, test} from 'vitest';
import {PacedDriver, type TurnPace} from '../../source/driver/paced-driver.js';
import {showsInstructions} from '../../source/driver/pacing.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';

/** A driver whose pace the test sets; it records when its turns start and their deadlines. */
class Probe extends PacedDriver {
	pace: TurnPace | null = 'frame';
	/** Turns left before the probe pauses itself (so flat out ends). */
	budget = Number.POSITIVE_INFINITY;
	readonly turns: Array<{now: number; deadline: number}> = [];
	constructor(sched: ManualScheduler) {
		super(sched, {sliceMs: 10, frameMs: 16});
		this.schedule();
	}
	set(pace: TurnPace | null): void {
		this.pace = pace;
		this.changed();
	}
	protected override nextPace(): TurnPace | null {
		return this.pace;
	}
	protected override turn(now: number, deadline: number): void {
		this.turns.push({now, deadline});
		if (--this.budget <= 0) this.pace = null;
		this.changed();
	}
}

describe('PacedDriver', () => {
	test('a frame apart at a finite speed, at once flat out, 50 ms apart while polling, none when paused', () => {
		const sched = new ManualScheduler();
		const d = new Probe(sched);
		sched.advance(15);
		expect(d.turns).toEqual([]);
		sched.advance(1);
		expect(d.turns).toEqual([{now: 16, deadline: 26}]);
		d.budget = 3;
		d.set('flat-out');
		sched.flush(); // no time passes: three turns back to back, then the probe pauses
		expect(d.turns).toEqual([{now: 16, deadline: 26}, ...Array(3).fill({now: 16, deadline: 26})]);
		d.budget = Number.POSITIVE_INFINITY;
		d.set('poll');
		const before = d.turns.length;
		sched.advance(49);
		expect(d.turns.length).toBe(before);
		sched.advance(1);
		expect(d.turns.length).toBe(before + 1);
		d.set(null);
		expect(sched.pending).toBe(0);
		sched.advance(1000);
		expect(d.turns.length).toBe(before + 1);
	});

	test('one pending turn however often it changes; dispose cancels it and forgets the listeners', () => {
		const sched = new ManualScheduler();
		const d = new Probe(sched);
		let told = 0;
		d.onChange(() => told++);
		d.set('frame');
		d.set('frame');
		expect(sched.pending).toBe(1);
		expect(told).toBe(2);
		d.dispose();
		expect(sched.pending).toBe(0);
		d.set('frame');
		expect(told).toBe(2);
		expect(sched.pending).toBe(0);
	});

	test('both drivers show instructions up to 10,000 per second', () => {
		expect(showsInstructions(10_000)).toBe(true);
		expect(showsInstructions(10_001)).toBe(false);
		expect(showsInstructions('max')).toBe(false);
	});
});
