/**
 * The `C` screen (issue 16 §4): `vmtop stats --compare` inside the dashboard —
 * the run's scenario under each technique, side by side, with a stacked bar of
 * where the cycles went (guest direct / VMM / host OS), computed a batch per
 * turn of the event loop with its progress shown.
 */
import {createElement} from 'react';
import {expect, test} from 'vitest';
import {loadScenario} from '../../source/scenario/scenario.js';
import {vmmTechniques} from '../../source/sim/simulation.js';
import type {ExitRow} from '../../source/stats/exit-stats.js';
import {compareTechniques, cycleShares, statsRun, topExit, withVmm} from '../../source/stats/stats-run.js';
import {Controller} from '../../source/ui/controller.js';
import {BAR, compareScreen} from '../../source/ui/screens/compare-screen.js';
import {ScreenRegistry} from '../../source/ui/screens/registry.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {FakeSource} from './helpers/fake-source.js';
import {renderAt} from './helpers/render-at.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** `soon` callbacks held until the test runs them: one turn of the event loop each. */
class TurnScheduler extends ManualScheduler {
	turns: Array<() => void> = [];
	override soon(fn: () => void): () => void {
		this.turns.push(fn);
		return () => (this.turns = this.turns.filter((f) => f !== fn));
	}
}

const scenario = {...loadScenario('samples/scenarios/default.json'), type: 2 as const, vms: 2, maxInstructions: 20_000};

test('the techniques come from one list, and each run’s cycles split into guest direct + VMM + host OS exactly', () => {
	expect(compareTechniques).toBe(vmmTechniques);
	for (const technique of ['none', 'trap'] as const) {
		const run = statsRun(withVmm(scenario, technique));
		const c = cycleShares(run);
		expect(c.direct + c.vmm + c.host).toBe(run.cycles);
		expect(c.direct).toBeGreaterThan(0);
		if (technique === 'none') expect([c.vmm, c.host]).toEqual([0, 0]);
		else {
			// Type II: every VMM entry passes through the host OS.
			expect(c.host).toBe(run.hostOs!.passes * run.hostOs!.meanCycles);
			expect(c.host).toBeGreaterThan(0);
			expect(c.vmm).toBeGreaterThan(0);
		}
	}
});

test('C opens the comparison: progress between batches, keys answered, then every technique side by side with its bar', () => {
	const sched = new TurnScheduler();
	const source = new FakeSource({vmm: 'trap', type: 2, guests: 2});
	const store = new DashboardStore(source, {scheduler: sched});
	const screens = new ScreenRegistry([compareScreen(() => scenario)], sched);
	const controller = new Controller(store, {quit: () => undefined, screens});
	controller.key('C', 'C');
	sched.advance(100);
	expect(store.ui.screen).toBe('compare');
	expect(store.ui.screenStates.compare).toMatchObject({status: 'loading', progress: expect.stringMatching(new RegExp(`^none \\(1 of ${compareTechniques.length}\\)`))});
	controller.key('space', ' ');
	expect(source.calls).toContain('pause');
	let turns = 0;
	while (sched.turns.length > 0 && turns++ < 1000) sched.turns.shift()!();
	const state = store.ui.screenStates.compare;
	expect(state?.status).toBe('ready');
	if (state?.status !== 'ready') return;
	const [cycles, barTable, properties] = state.report.tables!;
	expect(cycles!.rows.map((r) => r[0])).toEqual([...compareTechniques]);
	expect(properties!.rows.map((r) => r[0])).toEqual([...compareTechniques]);
	const bars = barTable!.rows.map((r) => String(r[1]));
	// none: all guest direct; trap under Type II: VMM and host OS parts too, and a longer bar (more cycles).
	expect(bars[0]).toMatch(new RegExp(`^${BAR.direct}+$`));
	expect(bars[1]).toContain(BAR.vmm);
	expect(bars[1]).toContain(BAR.host);
	expect(bars[1]!.length).toBeGreaterThan(bars[0]!.length);
	expect(cycles!.rows[0]![4]).toBe('—');
	// The top exit reason is a real exit's, as `vmtop stats --compare` says (never hvm's interpreted instructions at 0 %).
	for (const row of properties!.rows) expect(String(row[6])).not.toMatch(/^interpret/);
});

test('the top exit reason skips a hybrid VMM’s interpreted instructions: they are not exits', () => {
	const row = (reason: string, category: ExitRow['category'], share: number): ExitRow => ({reason, category, guest: -1, count: 1, share, perSecond: 0, meanCycles: 0, totalCycles: 0});
	expect(topExit({exits: [row('interpret: kernel instruction', 'interpret', 0), row('timer', 'timer', 0.881)]})?.reason).toBe('timer');
	expect(topExit({exits: [row('interpret: kernel instruction', 'interpret', 0)]})).toBeUndefined();
});

test('a bare program has no comparison: the screen says why', () => {
	const sched = new ManualScheduler();
	const store = new DashboardStore(new FakeSource(), {scheduler: sched});
	const screens = new ScreenRegistry([compareScreen(() => undefined)], sched);
	new Controller(store, {quit: () => undefined, screens}).key('C', 'C');
	sched.advance(100);
	expect(store.ui.screenStates.compare).toMatchObject({status: 'error', message: expect.stringContaining('a bare program has no kernel')});
});

test('after a restart (another scenario), C computes the comparison again; the old computation stops', () => {
	const sched = new TurnScheduler();
	const store = new DashboardStore(new FakeSource({vmm: 'trap'}), {scheduler: sched});
	let current = {...scenario, type: 1 as const, vms: 1, maxInstructions: 5_000};
	const screens = new ScreenRegistry([compareScreen(() => current)], sched);
	const controller = new Controller(store, {quit: () => undefined, screens});
	controller.key('C', 'C');
	sched.advance(100);
	controller.key('escape', '');
	// The run restarted on another profile while the first comparison was under way.
	current = {...current, isa: 'pentium'};
	controller.key('C', 'C');
	sched.advance(100);
	let turns = 0;
	while (sched.turns.length > 0 && turns++ < 1000) sched.turns.shift()!();
	const state = store.ui.screenStates.compare;
	expect(state?.status).toBe('ready');
	if (state?.status === 'ready') expect(state.report.title).toMatch(/on pentium/);
});

test('at 80×24 every technique’s row shows (none squeezed out of a table), and ↑ ↓ End scroll to the rest', async () => {
	const sched = new TurnScheduler();
	const source = new FakeSource({vmm: 'trap'});
	source.mode = 'paused';
	const store = new DashboardStore(source, {scheduler: sched});
	const screens = new ScreenRegistry([compareScreen(() => ({...scenario, type: 1 as const, vms: 1, maxInstructions: 5_000}))], sched);
	const controller = new Controller(store, {quit: () => undefined, screens});
	controller.key('C', 'C');
	sched.advance(100);
	let turns = 0;
	while (sched.turns.length > 0 && turns++ < 1000) sched.turns.shift()!();
	const r = renderAt(createElement(Dashboard, {store, controller}), 80, 24);
	const frame = async () => {
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
		return r.lastFrame();
	};
	// A table's rows by their first word (a header or a cell too wide for its column wraps onto lines of its row).
	const rowsOf = (f: string, after: RegExp) => {
		const lines = f.split('\n');
		const from = lines.findIndex((l) => after.test(l));
		expect(from, String(after)).toBeGreaterThan(0);
		return lines
			.slice(from + 1)
			.map((l) => l.split(/\s+/)[0])
			.filter((w) => (compareTechniques as readonly string[]).includes(w!))
			.slice(0, compareTechniques.length);
	};
	let f = await frame();
	if (process.env.SHOW) console.log(f);
	expect(f.split('\n')).toHaveLength(23);
	// The title is too long for the rule at 80 columns: its first part there, the whole of it under it.
	expect(f).toMatch(/^─ ▶ Compare \(esc: back\) ─+$/m);
	expect(f).toContain('Compare — default on classic: none, trap, bt, pv, hvm side by side');
	// The first table whole, its numbers with thousands separators as everywhere else.
	expect(rowsOf(f, /^technique +cycles +guest direct/)).toEqual([...compareTechniques]);
	expect(f).toMatch(/^none +\d{1,3}(,\d{3})+ /m);
	expect(f).toMatch(/lines 1–\d+ of \d+ · ↓ \d+ more · ↑ ↓ PgUp PgDn Home End scroll/);
	expect(f).not.toContain('Properties');
	controller.key('pagedown', '');
	f = await frame();
	expect(f).toMatch(/lines 11–/);
	// On down to where the properties table shows whole: a long header or cell wraps in its column, nothing is cut.
	const header = /^technique +equivalence +resource/m;
	for (let i = 0; i < 40 && !(header.test(f) && /^hvm /m.test(f.slice(f.search(header)))); i++) {
		controller.key('down', '');
		f = await frame();
	}
	expect(rowsOf(f, header)).toEqual([...compareTechniques]);
	expect(f).toMatch(/^ +control +entries/m);
	expect(f).not.toMatch(/…(\s|$)/m);
	controller.key('end', '');
	f = await frame();
	const [, last, total] = /lines \d+–(\d+) of (\d+)/.exec(f)!;
	expect(last).toBe(total);
	expect(f).not.toMatch(/↓ \d+ more/);
	controller.key('home', '');
	controller.key('down', '');
	f = await frame();
	expect(f).toMatch(/lines 2–/);
	r.instance.unmount();
});
