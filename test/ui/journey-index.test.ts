import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {JourneyIndex} from '../../source/ui/store/journeys.js';
import {syscallJourney} from './helpers/events.js';

const raised = (journey: number): VmEvent => syscallJourney(100 * journey, journey)[1]!;
const ended = (journey: number, parent: number | null): VmEvent => ({...(syscallJourney(100 * journey, journey).at(-1) as VmEvent & {kind: 'journey.end'}), parent});

describe('JourneyIndex', () => {
	test('keeps the newest `capacity` journeys: the oldest made goes first, however often the index turns', () => {
		const index = new JourneyIndex(3);
		for (let id = 1; id <= 1000; id++) index.note(raised(id), id);
		expect(index.size).toBe(3);
		expect([997, 998, 999, 1000].map((id) => index.get(id)?.raisedSeq)).toEqual([undefined, 998, 999, 1000]);
	});

	test('a parent first named by its child’s end is made then, and goes in that order', () => {
		const index = new JourneyIndex(3);
		index.note(raised(1), 10);
		index.note(ended(2, 5), -1); // makes 2, then its parent 5
		index.note(raised(3), 30); // full: 1 goes
		expect(index.get(1)).toBeUndefined();
		expect(index.get(5)!.children).toEqual([2]);
		index.note(raised(4), 40); // then 2
		expect(index.get(2)).toBeUndefined();
		expect(index.get(5)).toBeDefined();
		expect(index.get(4)!.raisedSeq).toBe(40);
	});

	test('a journey of more rows than it keeps: the first ones and the newest, so how it ended stays (an iret was lost under hvm)', () => {
		const index = new JourneyIndex();
		const start = raised(7);
		index.note(start, 0);
		const row = (seq: number): VmEvent => ({...start, kind: 'vmm.interpret', pc: 0, count: 1, cost: 1, cycle: seq, instret: seq, journey: 7} as unknown as VmEvent);
		for (let seq = 1; seq <= 500; seq++) index.note(row(seq), seq);
		index.note({...start, kind: 'iret', pc: 0, to: 0xc, toSupervisor: false, journey: 7} as unknown as VmEvent, 501);
		const rows = index.get(7)!.rows;
		expect(rows).toHaveLength(200);
		expect(rows.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
		expect(rows.at(-1)).toBe(501);
		expect(rows.slice(-8)).toEqual([494, 495, 496, 497, 498, 499, 500, 501]);
		// In order throughout.
		expect([...rows].sort((a, b) => a - b)).toEqual(rows);
	});

	test('after clear it starts over with its whole capacity', () => {
		const index = new JourneyIndex(2);
		for (let id = 1; id <= 5; id++) index.note(raised(id), id);
		index.clear();
		expect(index.size).toBe(0);
		index.note(raised(7), 7);
		index.note(raised(8), 8);
		expect([index.get(7)?.raisedSeq, index.get(8)?.raisedSeq]).toEqual([7, 8]);
		index.note(raised(9), 9);
		expect(index.get(7)).toBeUndefined();
	});
});
