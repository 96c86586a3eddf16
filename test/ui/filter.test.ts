import {describe, expect, test} from 'vitest';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {matchesEvent, matchesText, parseFilter} from '../../source/ui/store/filter.js';
import * as act from '../../source/ui/store/store-actions.js';
import {syscallJourney, vmmJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

describe('parseFilter', () => {
	test('empty means no filter', () => {
		expect(parseFilter('  ')).toEqual({filter: null});
	});

	test('level, kind, guest and words', () => {
		const {filter} = parseFilter('level:os,vmm kind:vmm. guest:0 write /a b/');
		expect([...filter!.levels!]).toEqual(['os', 'vmm']);
		expect(filter!.kinds).toEqual(['vmm.']);
		expect([...filter!.guests!]).toEqual([0]);
		expect(filter!.patterns!.map((p) => p.source)).toEqual(['write', 'a b']);
	});

	test('errors are reported, not thrown', () => {
		expect(parseFilter('level:gpu').error).toMatch(/level 'gpu'/);
		expect(parseFilter('guest:x').error).toMatch(/guest/);
		expect(parseFilter('kind:').error).toMatch(/needs a value/);
		expect(parseFilter('(unclosed').error).toMatch(/regex/);
	});

	test('matching', () => {
		const {filter} = parseFilter('level:cpu guest:-1');
		expect(matchesEvent(filter!, 'instruction', -1)).toBe(true);
		expect(matchesEvent(filter!, 'exception.raised', -1)).toBe(true); // shows its instruction under CPU
		expect(matchesEvent(filter!, 'os.syscall', -1)).toBe(false);
		expect(matchesEvent(filter!, 'instruction', 0)).toBe(false);
		const words = parseFilter('WRITE pid').filter!;
		expect(matchesText(words, 'pid 1: write(1)')).toBe(true);
		expect(matchesText(words, 'write only')).toBe(false);
	});
});

describe('the filter in the store', () => {
	function setup() {
		const source = new FakeSource({vmm: 'trap'});
		const sched = new ManualScheduler();
		const store = new DashboardStore(source, {scheduler: sched});
		source.emit(...syscallJourney(100), ...vmmJourney(500));
		return {store, sched};
	}

	test('typed, applied on Enter, rows filtered', () => {
		const {store, sched} = setup();
		act.openFilter(store);
		act.editFilter(store, 'kind:vmm');
		sched.advance(40);
		expect(store.getSnapshot().filter).toMatchObject({editing: true, draft: 'kind:vmm', active: ''});
		act.applyFilter(store);
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.filter).toMatchObject({editing: false, active: 'kind:vmm'});
		expect(snap.history.rows.map((r) => r.kind)).toEqual(['vmm.intercept', 'vmm.emulate', 'vmm.resume']);
	});

	test('a regex on the row text', () => {
		const {store, sched} = setup();
		act.openFilter(store);
		act.editFilter(store, 'write|emulate');
		act.applyFilter(store);
		sched.advance(40);
		expect(store.getSnapshot().history.rows.map((r) => r.kind)).toEqual(['os.syscall', 'vmm.emulate']);
	});

	test('an invalid filter keeps the bar open with the error', () => {
		const {store, sched} = setup();
		act.openFilter(store);
		act.editFilter(store, 'level:nope');
		act.applyFilter(store);
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.filter.editing).toBe(true);
		expect(snap.filter.error).toMatch(/level 'nope'/);
		// Every row but the `int 0x80`'s own, which shows on its exception's row.
		expect(snap.history.rows.length).toBe(12);
	});
});
