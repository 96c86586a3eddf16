/**
 * The flat-out journal keeps at least its capacity of the newest events, in
 * order, and counts what it drops as rows (journey ends are not rows).
 */
import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {Journal} from '../../source/ui/store/journal.js';

const sw = (i: number): VmEvent => ({kind: 'os.switch', from: 1, to: 2, cycle: i, instret: i, guest: -1});
const raised = (i: number): VmEvent => ({kind: 'exception.raised', vector: 32, pc: i, badaddr: 0, supervisor: false, cycle: i, instret: i, guest: -1});
const end = (i: number): VmEvent => ({kind: 'journey.end', journey: i, vector: 32, type: 'interrupt', outcome: 'returned', cost: {}, cycle: i, instret: i, guest: -1}) as unknown as VmEvent;

/** As the store keeps an event: its kind read once. */
const keep = (j: Journal, e: VmEvent, phys: number): void => j.push(e, e.kind, phys);

function drained(j: Journal): Array<[VmEvent, number]> {
	const out: Array<[VmEvent, number]> = [];
	j.drain((e, phys) => out.push([e, phys]));
	return out;
}

describe('the flat-out journal', () => {
	test('a few events are all kept, in order, with their physical addresses', () => {
		const j = new Journal(3000);
		const events = Array.from({length: 300}, (_, i) => sw(i));
		events.forEach((e, i) => keep(j, e, i % 2 ? Number.NaN : i * 4));
		expect(j.count).toBe(300);
		const out = drained(j);
		expect(out.map(([e]) => e)).toEqual(events);
		expect(out[2]![1]).toBe(8);
		expect(out[3]![1]).toBeNaN();
		expect(j.count).toBe(0);
		expect(j.droppedRows).toBe(0);
	});

	test('a long burst keeps at least the capacity of the newest; the rest are counted as dropped rows', () => {
		for (const capacity of [75, 256, 3000]) {
			const j = new Journal(capacity);
			const n = 20_000 + capacity;
			for (let i = 0; i < n; i++) keep(j, sw(i), i);
			const out = drained(j);
			expect(out.length).toBeGreaterThanOrEqual(capacity);
			expect(out.length + j.droppedRows).toBe(n);
			// The newest, contiguous, oldest first.
			expect(out.map(([e]) => e.instret)).toEqual(Array.from({length: out.length}, (_, k) => n - out.length + k));
		}
	});

	test('journey ends are dropped but not counted as rows; the last dropped exception keeps its place among the rows', () => {
		const j = new Journal(100);
		let rows = 0;
		let lastRaisedRow = -1;
		for (let i = 0; i < 2000; i++) {
			if (i % 10 === 0) {
				lastRaisedRow = rows;
				keep(j, raised(i), 4 * i);
				rows++;
			} else if (i % 10 === 9) keep(j, end(i), Number.NaN);
			else {
				keep(j, sw(i), Number.NaN);
				rows++;
			}
		}
		const kept = drained(j);
		const keptRows = kept.filter(([e]) => e.kind !== 'journey.end').length;
		expect(j.droppedRows + keptRows).toBe(rows);
		// The last exception dropped is the last raised before the first kept event.
		const firstKept = kept[0]![0].instret;
		const lastDroppedRaisedAt = Math.floor((firstKept - 1) / 10) * 10;
		expect(j.droppedRaised).toBe(lastDroppedRaisedAt / 10 * 9);
		expect(lastRaisedRow).toBeGreaterThan(j.droppedRaised);
	});

	test('clear forgets the events and the dropped counts', () => {
		const j = new Journal(10);
		for (let i = 0; i < 1000; i++) keep(j, raised(i), i);
		expect(j.droppedRows).toBeGreaterThan(0);
		j.clear();
		expect(j.count).toBe(0);
		expect(j.droppedRows).toBe(0);
		expect(j.droppedRaised).toBe(-1);
		expect(drained(j)).toEqual([]);
	});
});
