/**
 * The restart chooser (issue 16 §4): `x` opens technique / ISA profile / VMM
 * type / guests, each on the run's current value; ← → change a value, ↑ ↓
 * the setting, Enter restarts with what changed, esc cancels. A restart that
 * cannot build leaves the run as it was and says why. `v` and `i` still cycle.
 */
import {describe, expect, test} from 'vitest';
import {vmmTechniques} from '../../source/sim/simulation.js';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';

function setup() {
	const source = new FakeSource({vmm: 'trap', isa: 'classic', type: 1, guests: 1});
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => undefined, isaProfiles: ['classic', 'pentium']});
	const press = (...names: string[]) => {
		for (const n of names) controller.key(n, n.length === 1 ? n : '');
		sched.advance(40);
		return store.getSnapshot();
	};
	return {source, store, press, sched};
}

describe('x: the restart chooser', () => {
	test('opens on the run’s values; the techniques are the one list', () => {
		const {press} = setup();
		const snap = press('x');
		const rows = snap.chooser!.rows;
		expect(rows.map((r) => r.label)).toEqual(['technique', 'ISA profile', 'VMM type', 'guests']);
		expect(rows[0]!.options).toEqual(vmmTechniques);
		expect(rows.map((r) => r.options[r.selected])).toEqual(['trap', 'classic', 'I (bare metal)', '1']);
	});

	test('at 80 and 60 columns every technique is on screen, hvm included, and the note names each VMM technique', async () => {
		for (const columns of [80, 60]) {
			const {store, sched} = setup();
			const controller = new Controller(store, {quit: () => undefined});
			const r = renderAt(<Dashboard store={store} controller={controller} />, columns, 24);
			controller.key('x', 'x');
			sched.advance(40);
			await new Promise((resolve) => setImmediate(resolve));
			const f = r.lastFrame();
			r.instance.unmount();
			if (process.env.SHOW) console.log(f);
			const technique = f.split('\n').find((l) => l.includes('technique'))!;
			for (const t of vmmTechniques) expect(technique).toMatch(new RegExp(`[ \\[]${t}([ \\]]|$)`));
			expect(f.replace(/\s+/g, ' ')).toContain('need a VMM (technique trap, bt, pv or hvm)');
		}
	});

	test('← → and ↑ ↓ choose; enter restarts with what changed, and closes', () => {
		const {source, press} = setup();
		press('x', 'right', 'down', 'down', 'right', 'down', 'right', 'right');
		const snap = press('return');
		expect(source.calls).toEqual(['restart vmm=bt type=2 vms=3']);
		expect(snap.chooser).toBeUndefined();
		expect(snap.flash).toMatch(/^restarted: bt, type II/);
	});

	test('a restart that cannot build: the chooser stays open and says why; esc cancels without restarting', () => {
		const {source, press} = setup();
		source.restartError = 'several guests need a VMM';
		let snap = press('x', 'left', 'up', 'right', 'return');
		expect(source.calls).toEqual(['restart vmm=none vms=2']);
		expect(snap.chooser?.error).toBe('cannot restart: several guests need a VMM');
		expect(source.description.vmm).toBe('trap');
		snap = press('escape');
		expect(snap.chooser).toBeUndefined();
		// Enter with nothing changed does not restart.
		press('x', 'return');
		expect(source.calls).toHaveLength(1);
	});

	test('v and i still cycle the technique and the profile', () => {
		const {source, press} = setup();
		press('v', 'i');
		expect(source.calls).toEqual(['restart vmm=bt', 'restart isa=pentium']);
	});

	test('drawn with the chosen values bracketed and the current setting marked', async () => {
		const {store, sched} = setup();
		const controller = new Controller(store, {quit: () => undefined});
		const r = renderAt(<Dashboard store={store} controller={controller} />, 100, 30);
		r.stdin.write('x');
		await new Promise((resolve) => setImmediate(resolve));
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
		const frame = r.lastFrame();
		expect(frame).toContain('Restart with…');
		expect(frame).toMatch(/▶ technique\s+ none  \[trap\]  bt   pv/);
		expect(frame).toMatch(/ VMM type\s+\[I \(bare metal\)\]  II \(hosted\)/);
		// Its keys under it and in the footer (not the dashboard's `space pause …`), nothing cut at 80 columns either.
		expect(frame.replace(/\s+/g, ' ')).toContain('↑ ↓ choose a setting, ← → its value, enter restarts, esc cancels.');
		expect(frame.split('\n').at(-1)).toContain('↑ ↓ setting  ← → value  enter restart  esc cancel');
		expect(frame).not.toContain('space pause');
		r.instance.unmount();
		const narrow = renderAt(<Dashboard store={store} controller={controller} />, 80, 24);
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
		expect(narrow.lastFrame()).toMatch(/^─ ▶ Restart with… ─+$/m);
		for (const line of narrow.lastFrame().split('\n').filter((l) => !l.includes('Restart with…'))) expect(line).not.toMatch(/…(\s|$)/);
		narrow.instance.unmount();
	});
});
