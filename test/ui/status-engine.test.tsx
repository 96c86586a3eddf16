/**
 * The status line names the engine that executes a live run (`--engine`,
 * issue 15), next to the rate it explains; a replay executes nothing and names none.
 */
import {expect, test} from 'vitest';
import {buildSimulation} from '../../source/scenario/build.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {statusParts} from '../../source/ui/components/StatusLine.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {nativeSnapshot} from './helpers/snapshot.js';

for (const engine of ['interp', 'jit'] as const) {
	test(`a live run on --engine ${engine} says so after its rate`, () => {
		const sim = buildSimulation(sampleScenario('default'), {engine});
		const sched = new ManualScheduler();
		const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
		const store = new DashboardStore(driver, {scheduler: sched});
		try {
			sched.advance(40);
			const status = store.getSnapshot().status;
			expect(status.engine).toBe(engine);
			expect(statusParts(status).counters).toMatch(new RegExp(` │ [\\d.,]+ (MIPS|instr/s) │ ${engine}$`));
		} finally {
			store.dispose();
			driver.dispose();
		}
	});
}

test('a source without an engine (a replay) shows none', () => {
	const status = nativeSnapshot().status;
	expect(status.engine).toBeUndefined();
	expect(statusParts(status).counters).not.toMatch(/│ (jit|interp)$/);
});
