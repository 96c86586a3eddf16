/** A store fed with a synthetic run, for the component tests: its snapshot and the store. */
import type {VmEvent} from '../../../source/bus/events.js';
import type {RunDescription} from '../../../source/sim/simulation.js';
import {DashboardStore} from '../../../source/ui/store/dashboard-store.js';
import type {Snapshot} from '../../../source/ui/store/snapshot.js';
import {consoleText, syscallJourney, vmmJourney} from './events.js';
import {FakeSource} from './fake-source.js';
import {ManualScheduler} from './manual-scheduler.js';

export function fedStore(events: VmEvent[], description: Partial<RunDescription> = {}) {
	const source = new FakeSource(description);
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	source.emit(...events);
	sched.advance(40);
	return {source, sched, store, snapshot: (): Snapshot => (sched.advance(40), store.getSnapshot())};
}

/** A kernel run: a system call and some console output. */
export function nativeSnapshot(): Snapshot {
	return fedStore([...syscallJourney(100), consoleText('hello from pid 1\n', 104)]).snapshot();
}

/** A trap-and-emulate run with two guests. */
export function vmmSnapshot(): Snapshot {
	const {source, snapshot} = fedStore([], {vmm: 'trap', guests: 2});
	source.guestList = [
		{index: 0, name: 'vm0', state: 'running', instructions: 3000},
		{index: 1, name: 'vm1', state: 'halted', instructions: 1000},
	];
	source.emit(
		...vmmJourney(500, 0, 'cli', 2),
		...vmmJourney(900, 0, 'cli', 3),
		...vmmJourney(1300, 1, 'out', 4),
		consoleText('guest zero\n', 1400, 0),
		consoleText('guest one\n', 1400, 1),
	);
	return snapshot();
}
