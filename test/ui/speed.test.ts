import {describe, expect, it} from 'vitest';
import {faster, formatSpeed, slower} from '../../source/driver/speed.js';

describe('replay speed: relative to the pace the replay started at', () => {
	const base = 300;
	it('climbs ¼×, ½×, 1×, 2× … and ends at unlimited', () => {
		let speed: number | 'max' = base / 4;
		const seen: string[] = [];
		for (let i = 0; i < 20 && speed !== 'max'; i++) {
			seen.push(formatSpeed(speed, base));
			speed = faster(speed, base);
		}
		expect(seen.slice(0, 4)).toEqual(['¼× (75/s)', '½× (150/s)', '1× (300/s)', '2× (600/s)']);
		expect(speed).toBe('max');
	});

	it('goes down to ¼× and no further; from max back to the top rung', () => {
		expect(slower(base, base)).toBe(150);
		expect(slower(75, base)).toBe(75);
		expect(slower('max', base)).toBe(16_384 * base);
	});

	it('without a base (live runs) keeps the instructions-per-second ladder', () => {
		expect(faster(300)).toBe(1000);
		expect(formatSpeed(300)).toBe('300/s');
	});
});
