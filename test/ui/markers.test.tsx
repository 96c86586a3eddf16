/**
 * The CPU column's markers (issue 16 §2), drawn by LevelColumns from real
 * runs of the default scenario's first instructions: `U/vS` for the guest
 * kernel, `⚠` for a sensitive instruction that ran directly (trap on
 * pentium), `⇒ int 0x63 (patched)` under bt, and a trapping instruction
 * shown once, on its exception's row (trap on classic).
 */
import {describe, expect, test} from 'vitest';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {buildSimulation} from '../../source/scenario/build.js';
import type {VmmTechnique} from '../../source/sim/simulation.js';
import {LevelColumns} from '../../source/ui/components/LevelColumns.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';

/** The history after the first `n` instructions, drawn 200 columns wide. */
function history(vmm: VmmTechnique, isa: string, n: number): string[] & {cpu: string[]} {
	const sim = buildSimulation(sampleScenario('default', {vmm, isa}));
	const sched = new ManualScheduler();
	const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
	const store = new DashboardStore(driver, {scheduler: sched});
	for (let i = 0; i < n; i++) sim.run(1);
	store.flush();
	const s = store.getSnapshot();
	const r = renderAt(<LevelColumns history={s.history} width={200} height={14} detail />, 200);
	const out = r.lastFrame();
	r.instance.unmount();
	store.dispose();
	driver.dispose();
	// The cells whole as well: how wide the CPU column is, and whether it wraps, is the layout's business.
	return Object.assign(out.split('\n'), {cpu: s.history.rows.map((row) => row.cells.cpu)});
}

describe('markers in the CPU column', () => {
	test('trap on pentium: smsw ran directly, marked ⚠ with what the guest saw; the guest kernel is U/vS', () => {
		const lines = history('trap', 'pentium', 3);
		const smsw = lines.filter((l) => l.includes('smsw'));
		expect(smsw).toHaveLength(1);
		expect(smsw[0]).toMatch(/U\/vS boot\+0x8 {2}smsw r0 {2}⚠/);
		expect(lines.cpu.filter((c) => c.includes('smsw'))).toEqual(['U/vS boot+0x8  smsw r0  ⚠ sensitive, not privileged on pentium: ran directly — the guest saw the real mode (U)']);
		expect(lines.some((l) => l.includes('raised'))).toBe(false); // no exception: nothing trapped
	});

	test('trap on classic: smsw is privileged, it traps — one row, on the exception, marked (trapped)', () => {
		const lines = history('trap', 'classic', 3);
		const smsw = lines.filter((l) => l.includes('smsw r0'));
		expect(smsw).toHaveLength(1);
		expect(smsw[0]).toMatch(/U\/vS boot\+0x8 {2}smsw r0 \(trapped\)\s+#GP raised \(fault\)/);
		expect(smsw[0]).not.toContain('⚠');
	});

	test('bt on pentium: the translator patched smsw, the row says so once', () => {
		const lines = history('bt', 'pentium', 3);
		const smsw = lines.filter((l) => l.includes('smsw r0'));
		expect(smsw).toHaveLength(1);
		expect(smsw[0]).toMatch(/U\/vS boot\+0x8 {2}smsw r0 ⇒ int 0x63 \(patched\)\s+int 0x63 raised \(trap\)/);
		expect(smsw[0]).not.toContain('⚠');
	});

	test('natively the mode is the real one alone', () => {
		const lines = history('none', 'pentium', 3);
		expect(lines.some((l) => /\bS boot\+0x8 {2}smsw r0/.test(l))).toBe(true);
		expect(lines.join('\n')).not.toMatch(/U\/v|⚠/);
	});
});
