/**
 * Names resolved when the event happens (issue 12 §3): an event that names code
 * carries the symbol and pid it was taken at, and its row shows them, so a row
 * drawn after a process switch still names the process it happened in.
 */
import {describe, expect, test} from 'vitest';
import type {EventOf, VmEvent} from '../../source/bus/events.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {CodeNames} from '../../source/sim/code-map.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {type Namer, formatRow} from '../../source/ui/store/format-row.js';
import {sampleScenario} from '../vmm/helpers.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';

/** The default scenario (four processes, preempted by the timer) run to its end, every event kept. */
function run() {
	const sim = buildSimulation(sampleScenario('default', {vmm: 'none'}));
	const events: VmEvent[] = [];
	for (const kind of ['exception.raised', 'interrupt.taken', 'iret'] as const) sim.bus.on(kind, (e) => events.push(e as VmEvent));
	while (!sim.stopped) sim.run(100_000);
	const map = sim.codeMap();
	const names = new CodeNames(map, sim.symbolTables());
	/** The process whose image holds real address `phys` (0: the kernel). */
	const owner = (phys: number) => map.find((a) => phys >= a.start && phys < a.start + a.size)?.pid;
	return {events, names, owner};
}

describe('events name the code they were taken at', () => {
	const {events, names, owner} = run();
	const user = events.filter((e): e is EventOf<'exception.raised'> => e.kind === 'exception.raised' && !e.supervisor && e.phys !== undefined);

	test('a user-mode exception carries the pid of the process whose code raised it, and that program’s name', () => {
		expect(new Set(user.map((e) => e.pid)).size).toBeGreaterThanOrEqual(3);
		for (const e of user) {
			expect(e.pid, `exception at ${e.pc} (${e.phys})`).toBe(owner(e.phys!));
			expect(e.symbol).toBe(names.process(-1, e.pid!, e.pc));
		}
	});

	test('an iret to a process names where it returns in that process; interrupts name the code interrupted', () => {
		const irets = events.filter((e): e is EventOf<'iret'> => e.kind === 'iret' && !e.toSupervisor);
		expect(irets.length).toBeGreaterThan(10);
		for (const e of irets) {
			expect(e.pid).toBe(owner(e.toPhys!));
			expect(e.symbol).toBe(names.process(-1, e.pid!, e.to));
		}
		const taken = events.filter((e): e is EventOf<'interrupt.taken'> => e.kind === 'interrupt.taken');
		expect(taken.length).toBeGreaterThan(0);
		for (const e of taken) expect(e.symbol).toMatch(/^[a-z_]/);
	});

	test('a row drawn after a switch keeps the name of the process it happened in', () => {
		// Two exceptions in different processes at one user pc whose names differ by program.
		const e = user.find((a) => user.some((b) => b.pid !== a.pid && names.process(-1, b.pid!, a.pc) !== a.symbol))!;
		const later = user.find((b) => b.pid !== e.pid && names.process(-1, b.pid!, e.pc) !== e.symbol)!;
		// The dashboard's namer as it is when the row is drawn: whoever runs then (`later`'s process).
		const runningNow: Namer = {
			symbolize: (_g, _s, pc) => names.process(-1, later.pid!, pc)!,
			symbolizeInstruction: (_g, _s, pc) => names.process(-1, later.pid!, pc)!,
			symbolizeProcess: (_g, pid, pc) => names.process(-1, pid, pc)!,
			disassemble: () => undefined,
		};
		const drawn = formatRow(e, e.phys!, runningNow).cpu;
		expect(drawn).toBe(`U ${e.symbol}`);
		expect(drawn).not.toBe(`U ${names.process(-1, later.pid!, e.pc)}`);
		// A version 1 event (no symbol) is named as before, when drawn.
		const {symbol: _s, pid: _p, ...v1} = e;
		expect(formatRow(v1, e.phys!, runningNow).cpu).toBe(`U ${names.process(-1, later.pid!, e.pc)}`);
	});

	test('under a VMM each guest names its own processes (trap-and-emulate, two guests)', () => {
		const sim = buildSimulation(sampleScenario('default', {vmm: 'trap', vms: 2}));
		const irets: Array<EventOf<'iret'>> = [];
		sim.bus.on('iret', (e) => irets.push(e));
		while (!sim.stopped) sim.run(100_000);
		const map = sim.codeMap();
		const vm = new CodeNames(map, sim.symbolTables());
		const user = irets.filter((e) => !e.toSupervisor && e.toPhys !== undefined);
		expect(new Set(user.map((e) => e.guest))).toEqual(new Set([0, 1]));
		for (const e of user) {
			const area = map.find((a) => e.toPhys! >= a.start && e.toPhys! < a.start + a.size)!;
			expect(area.guest).toBe(e.guest);
			expect(e.pid).toBe(area.pid);
			expect(e.symbol).toBe(vm.process(e.guest, e.pid!, e.to));
		}
	});

	test('the dashboard rows of a live run show the names the events carry', () => {
		const sim = buildSimulation(sampleScenario('default', {vmm: 'none'}));
		const sched = new ManualScheduler();
		const driver = new LiveDriver(sim, {paused: true, scheduler: sched});
		const store = new DashboardStore(driver, {scheduler: sched, historySize: 1 << 20});
		try {
			while (!sim.stopped) sim.run(100_000);
			let seen = 0;
			for (let seq = store.ring.first; seq < store.ring.end; seq++) {
				const e = store.ring.get(seq);
				if (e?.kind !== 'iret' || e.toSupervisor) continue;
				seen++;
				expect(store.ring.cellsOf(seq, (ev, phys) => formatRow(ev, phys, store.namer))!.exception).toBe(`iret → U ${e.symbol}`);
			}
			expect(seen).toBeGreaterThan(10);
		} finally {
			store.dispose();
			driver.dispose();
		}
	});
});
