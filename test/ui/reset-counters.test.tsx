/**
 * `r` resets every counter the dashboard shows for the run so far: the exit
 * table, the Popek–Goldberg panel's VMM entries and the guests' INSTR
 * (issue 16 §5.6).
 */
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {GuestsTable} from '../../source/ui/components/GuestsTable.js';
import {statusParts} from '../../source/ui/components/StatusLine.js';
import {resetCounters} from '../../source/ui/store/store-actions.js';
import {vmmJourney} from './helpers/events.js';
import {fedStore} from './helpers/snapshot.js';

describe('r resets the counters', () => {
	test('the VMM entries line and the guests INSTR count from the reset', () => {
		const {source, store, snapshot} = fedStore([], {vmm: 'trap', guests: 2});
		source.guestList = [
			{index: 0, name: 'vm0', state: 'running', instructions: 3000},
			{index: 1, name: 'vm1', state: 'running', instructions: 1000},
		];
		// As the VMM reports them: whole-run numbers.
		source.props = [
			{label: 'efficiency', value: '99.90% of guest instructions ran directly'},
			{label: 'VMM entries', value: '3'},
		];
		source.emit(...vmmJourney(500, 0), ...vmmJourney(900, 0), ...vmmJourney(1300, 1, 'out'));
		let snap = snapshot();
		expect(snap.exitTotal).toBe(3);
		expect(snap.properties.find((l) => l.label === 'VMM entries')?.value).toBe('3');
		expect(snap.guests.map((g) => g.instructions)).toEqual([3000, 1000]);

		resetCounters(store);
		source.guestList = [
			{index: 0, name: 'vm0', state: 'running', instructions: 3400},
			{index: 1, name: 'vm1', state: 'running', instructions: 1100},
		];
		source.props = [source.props[0]!, {label: 'VMM entries', value: '4'}];
		source.emit(...vmmJourney(1700, 0));
		snap = snapshot();
		expect(snap.exitTotal).toBe(1);
		expect(snap.properties.find((l) => l.label === 'VMM entries')?.value).toMatch(/^1 since r\b/);
		// The whole-run lines stay as the VMM says.
		expect(snap.properties[0]!.value).toBe('99.90% of guest instructions ran directly');
		expect(snap.guests.map((g) => [g.name, g.instructions])).toEqual([
			['vm0', 400],
			['vm1', 100],
		]);
		expect(snap.sinceReset).toBe(true);
		const title = render(<GuestsTable guests={snap.guests} width={90} sort="count" sinceReset={snap.sinceReset} />).lastFrame() ?? '';
		expect(title.split('\n')[0]).toContain('Guests (2) — INSTR since r');
	});

	test('a restart is no reset: the new run counts from zero, unmarked', () => {
		const {source, store, snapshot} = fedStore([], {vmm: 'trap'});
		source.props = [{label: 'VMM entries', value: '2'}];
		resetCounters(store);
		source.restart({vmm: 'bt'});
		source.emit(...vmmJourney(500, 0));
		expect(snapshot().properties).toEqual([{label: 'VMM entries', value: '2'}]);
	});
});

describe('the status line and the Guests table agree', () => {
	test('under a VMM the status line counts the guests instructions as the Guests table does', () => {
		const {source, snapshot} = fedStore([], {vmm: 'trap', guests: 2});
		source.emit(...vmmJourney(2452, 0));
		// The real CPU retired 2,453; the guests also count what the VMM emulated.
		source.guestList = [
			{index: 0, name: 'vm0', state: 'running', instructions: 2000},
			{index: 1, name: 'vm1', state: 'running', instructions: 543},
		];
		const snap = snapshot();
		const parts = statusParts(snap.status);
		const guestSum = snap.guests.reduce((s, g) => s + g.instructions, 0);
		expect(parts.counters).toContain(`instr ${snap.status.instret.toLocaleString('en-US')} │`);
		expect(parts.counters).toContain(`guest instr ${guestSum.toLocaleString('en-US')}`);
		expect(guestSum).toBe(2543);
	});

	test('without a VMM there is one count, the CPU’s', () => {
		const {source, snapshot} = fedStore([]);
		source.emit(...vmmJourney(100, -1));
		expect(statusParts(snapshot().status).counters).not.toContain('guest instr');
	});
});
