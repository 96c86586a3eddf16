/**
 * Flat out the store journals events and files only what the history can
 * keep: every count, every row kept and every journey of those rows must be
 * what delivering them one by one gives.
 */
import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {consoleText, syscallJourney, timerBurst, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** Journeys, a VMM's entries, timer exceptions outside any journey and console output, in one run's order. */
function workload(journeys: number): VmEvent[] {
	const out: VmEvent[] = [];
	for (let j = 1; j <= journeys; j++) {
		const at = j * 10_000;
		// No `instruction` rows: the store at max does not listen to them.
		if (j % 3 === 0) out.push(...vmmJourney(at, 0, j % 2 === 0 ? 'cli' : 'out', j));
		else out.push(...syscallJourney(at, j).filter((e) => e.kind !== 'instruction'));
		if (j % 5 === 0) out.push(...timerBurst(2, at + 5000));
		if (j % 7 === 0) out.push(consoleText(`line ${j}\n`, at + 6000));
	}
	return out;
}

function store(speed: 'max' | number) {
	const source = new FakeSource({vmm: 'trap'});
	source.speed = speed;
	const sched = new ManualScheduler();
	const s = new DashboardStore(source, {scheduler: sched, historySize: 50});
	source.changed();
	return {source, sched, store: s};
}

/** What the screen can be built from: counts, the rows kept, the journeys of those rows. */
function seen(s: DashboardStore) {
	const ring = s.ring;
	const rows: unknown[] = [];
	for (let seq = ring.first; seq < ring.end; seq++) {
		const e = ring.get(seq)!;
		const j = e.journey === undefined ? undefined : s.journeys.get(e.journey);
		rows.push({
			seq,
			e,
			phys: ring.physOf(seq),
			journey: j && {rows: j.rows.filter((r) => ring.has(r)), raised: ring.has(j.raisedSeq) ? j.raisedSeq : -1, end: j.end},
		});
	}
	const snap = s.getSnapshot();
	return {
		first: ring.first,
		end: ring.end,
		rows,
		received: s.received,
		lastException: s.lastException,
		exceptions: s.counters.exceptions,
		emulated: s.counters.emulated,
		exits: s.counters.exits.rows(),
		pending: s.counters.series.pending,
		consoles: snap.consoles,
		event: snap.status.event,
		history: snap.history.rows,
	};
}

describe('the store flat out (journal)', () => {
	test('after a burst far longer than the history, everything seen equals delivering the events one by one', () => {
		const events = workload(400);
		const slow = store(20_000); // fast, but not flat out: files each event at once
		const fast = store('max');
		slow.source.emit(...events);
		fast.source.emit(...events);
		slow.sched.advance(40);
		fast.sched.advance(40);
		const a = seen(slow.store);
		const b = seen(fast.store);
		expect(b.end).toBeGreaterThan(200); // the journal dropped most rows unfiled
		expect(b.end - b.first).toBe(50);
		expect(b).toEqual(a);
		expect(b.rows.filter((r) => (r as {journey?: unknown}).journey !== undefined).length).toBeGreaterThan(40);
	});

	test('a key read in the middle files the journal; the events after it are filed the same way', () => {
		const events = workload(300);
		const slow = store(20_000);
		const fast = store('max');
		const half = Math.floor(events.length / 2);
		slow.source.emit(...events.slice(0, half));
		fast.source.emit(...events.slice(0, half));
		expect(seen(fast.store)).toEqual(seen(slow.store));
		slow.source.emit(...events.slice(half));
		fast.source.emit(...events.slice(half));
		slow.sched.advance(40);
		fast.sched.advance(40);
		expect(seen(fast.store)).toEqual(seen(slow.store));
	});

	test('a short burst keeps every row, numbered as one by one; pausing files it', () => {
		const events = workload(3);
		const slow = store(20_000);
		const fast = store('max');
		slow.source.emit(...events);
		fast.source.emit(...events);
		fast.source.pause();
		expect(fast.store.ring.end).toBe(events.filter((e) => e.kind !== 'journey.end' && e.kind !== 'console').length);
		expect(seen(fast.store)).toEqual(seen(slow.store));
	});

	test('the last exception, long out of the history, keeps its row number', () => {
		const switches: VmEvent[] = Array.from({length: 300}, (_, i) => ({kind: 'os.switch', from: 1 + (i % 2), to: 2 - (i % 2), cycle: 2000 + i, instret: 2000 + i, guest: -1}));
		const events = [...timerBurst(1, 500), ...switches];
		const slow = store(20_000);
		const fast = store('max');
		slow.source.emit(...events);
		fast.source.emit(...events);
		expect(fast.store.lastException).toBe(0);
		expect(seen(fast.store)).toEqual(seen(slow.store));
	});
});
