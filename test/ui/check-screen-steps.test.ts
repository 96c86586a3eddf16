/** Issue 16 bug 15: the `c` screen's check runs a piece per turn of the event loop, with its progress shown; keys act meanwhile. */
import {expect, test} from 'vitest';
import {checkProfile} from '../../source/check/check.js';
import {builtinProfiles} from '../../source/isa/profiles.js';
import {Controller} from '../../source/ui/controller.js';
import {checkScreen, checkScreenReport} from '../../source/ui/screens/check-screen.js';
import type {ScreenReport} from '../../source/ui/screens/report.js';
import {ScreenRegistry} from '../../source/ui/screens/registry.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** `soon` callbacks held until the test runs them one at a time: one turn of the event loop each. */
class TurnScheduler extends ManualScheduler {
	turns: Array<() => void> = [];
	override soon(fn: () => void): () => void {
		this.turns.push(fn);
		return () => (this.turns = this.turns.filter((f) => f !== fn));
	}
	turn(): void {
		this.turns.shift()?.();
	}
}

test('a stepped screen shows its progress between pieces, and keys are answered before it is done', () => {
	const sched = new TurnScheduler();
	const source = new FakeSource();
	const store = new DashboardStore(source, {scheduler: sched});
	const pieces: number[] = [];
	function* steps(): Generator<string, ScreenReport, void> {
		for (let i = 1; i <= 3; i++) {
			pieces.push(i);
			yield `${i} of 3`;
		}
		return {title: 'Done'};
	}
	const screens = new ScreenRegistry([{id: 'check', title: 'Check', load: () => ({title: 'unused'}), steps}], sched);
	const controller = new Controller(store, {quit: () => undefined, screens});
	controller.key('c', 'c');
	sched.advance(100);
	expect(pieces).toEqual([1]); // one piece, then the loop is free
	expect(store.ui.screenStates.check).toEqual({status: 'loading', title: 'Check', progress: '1 of 3'});
	controller.key('space', ' ');
	expect(source.calls).toContain('pause');
	sched.turn();
	expect(store.ui.screenStates.check).toMatchObject({progress: '2 of 3'});
	sched.turn();
	sched.turn();
	expect(pieces).toEqual([1, 2, 3]);
	expect(store.ui.screenStates.check).toEqual({status: 'ready', report: {title: 'Done'}});
	expect(sched.turns).toEqual([]);
});

test('the check screen probes one instruction per piece and ends with the same report as checkProfile', () => {
	const profile = builtinProfiles.pentium!;
	const steps = checkScreen(() => profile).steps!();
	const progress: string[] = [];
	let r = steps.next();
	while (!r.done) {
		progress.push(r.value);
		r = steps.next();
	}
	expect(progress.length).toBeGreaterThan(10);
	expect(progress[0]).toMatch(/^probing the CPU: 1 of (\d+) instructions \(\w+\)$/);
	expect(progress.at(-1)).toMatch(new RegExp(`^probing the CPU: ${progress.length} of ${progress.length} instructions`));
	expect(r.value).toEqual(checkScreenReport(checkProfile(profile)));
});
