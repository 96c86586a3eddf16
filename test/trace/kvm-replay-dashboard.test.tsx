/**
 * An imported KVM trace in the dashboard (issue 16 §5.12): it has host time
 * and no instruction counts, so the dashboard shows host time (µs) where it
 * shows instructions, leaves out what needs instructions (CPU%, INSTR,
 * efficiency), and `n` walks one kvm_exit → kvm_entry journey at a time.
 */
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import {TraceReader} from '../../source/trace/reader.js';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';
import {renderAt} from '../ui/helpers/render-at.js';

let reader: TraceReader;
beforeAll(async () => {
	reader = await TraceReader.open('samples/traces/kvm-sample.vmtrace.jsonl.gz');
});
afterAll(() => reader.close());

function mount() {
	const sched = new ManualScheduler();
	const player = new ReplayDriver(reader, {paused: true, clock: sched});
	const store = new DashboardStore(player, {scheduler: sched});
	const controller = new Controller(store, {quit: () => undefined});
	const r = renderAt(<Dashboard store={store} controller={controller} />, 140, 42);
	const tick = async (): Promise<void> => {
		await new Promise((resolve) => setImmediate(resolve));
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
	};
	const done = () => {
		r.instance.unmount();
		store.dispose();
		player.dispose();
	};
	return {player, store, r, tick, done};
}

describe('an imported KVM trace', () => {
	test('n stops after the kvm_entry that ends each exit: the cooperation panel shows the exit, KVM and the entry', async () => {
		const {player, store, r, tick, done} = mount();
		await tick();
		r.stdin.write('n');
		await tick();
		// Events 0 and 1: the first kvm_exit and its kvm_entry (vcpu 0).
		expect(player.events).toBe(2);
		let frame = r.lastFrame();
		expect(frame).not.toContain('No exception yet');
		expect(frame).toContain('kvm_exit EXTERNAL_INTERRUPT in guest 0');
		expect(frame).toMatch(/VM exit \(kvm_exit\)\s+EXTERNAL_INTERRUPT at rip 0x81c0b1a6/);
		expect(frame).toMatch(/VM entry \(kvm_entry\)\s+guest 0 resumes at rip 0x81c0b1a6/);
		expect(frame).toContain('total 2 µs outside the guest = host time 0 µs → 2 µs');
		r.stdin.write('n');
		await tick();
		expect(player.events).toBe(4);
		frame = r.lastFrame();
		expect(frame).toContain('kvm_exit EPT_VIOLATION in guest 0');
		expect(frame).toContain('total 3 µs outside the guest = host time 51 µs → 54 µs');
		expect(store.getSnapshot().cooperation?.complete).toBe(true);
		done();
	});

	test('host time instead of instructions; CPU%, INSTR and efficiency are not shown', async () => {
		const {player, r, tick, done} = mount();
		await tick();
		player.seek(20);
		await tick();
		const frame = r.lastFrame();
		const status = frame.split('\n').slice(0, 2).join(' ');
		expect(status).toMatch(/host time [\d,.]+ µs/);
		expect(status).not.toMatch(/\binstr\b/);
		// Rows numbered by host time, not all 0.
		const numbers = frame
			.split('\n')
			.map((l) => /^.\s*([\d.]+)µs/.exec(l)?.[1])
			.filter((n): n is string => n !== undefined);
		expect(new Set(numbers).size).toBeGreaterThan(3);
		expect(frame).not.toMatch(/efficiency\s+[\d.]+%/);
		expect(frame).not.toContain('CPU%');
		expect(frame).toMatch(/GUEST +STATE +EXITS +VMM µs/);
		// The exit table's mean is host time too (the trace's cycle is a ns).
		expect(frame).toMatch(/│ EPT_VIOLATION +│ +5 │ 45\.5% │ +[\d.]+ │ +3 │/);
		expect(frame).toContain('mean µs');
		expect(frame).toMatch(/outside guests\s+[\d,.]+ µs \([\d.]+% of [\d,.]+ µs host time\)/);
		done();
	});
});
