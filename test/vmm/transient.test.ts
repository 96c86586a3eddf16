/** The transient VMM's attach and detach themselves (issue 18): idle kernels, console input, Type II, events. */
import fc from 'fast-check';
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import type {TransientStep} from '../../source/sim/simulation.js';
import {ECHO, ECHO_INPUT, type Outcome, runTransient} from './transient-helpers.js';

let echoNative: Outcome | undefined;

test('echo and hello (the kernel idles in hlt, console input pending): 60 random schedules under trap and bt equal the native run', () => {
	const options = {users: ECHO, input: ECHO_INPUT};
	const n = (echoNative ??= runTransient([], options));
	expect(n.output).toContain('Hello, echo!');
	const end = n.instret;
	fc.assert(
		fc.property(
			fc.constantFrom('trap' as const, 'bt' as const),
			fc.uniqueArray(fc.integer({min: 0, max: end}), {minLength: 1, maxLength: 4}),
			(technique, points) => {
				const steps = [...points].sort((a, b) => a - b).map((at, i): TransientStep => (i % 2 === 0 ? {at, attach: technique} : {at, detach: true}));
				const t = runTransient(steps, options);
				expect(t.output).toBe(n.output);
				expect(t.stop).toBe(n.stop);
				expect(t.cpu).toEqual(n.cpu);
				expect(Buffer.compare(Buffer.from(t.memory), Buffer.from(n.memory))).toBe(0);
			},
		),
		{numRuns: 60, seed: 180},
	);
}, 120_000);

test('an attach asked while the CPU waits in hlt lands when it wakes, not in mid-wait', () => {
	const bus = new EventBus();
	const halts: number[] = [];
	bus.on('halt', (e) => e.state === 'waiting' && e.guest === -1 && halts.push(e.instret));
	const n = runTransient([], {users: ECHO, input: ECHO_INPUT, bus});
	expect(halts.length).toBeGreaterThan(0);
	// The boundary right after a `hlt` retired: the native CPU is waiting there.
	const at = halts[0]! + 1;
	const tbus = new EventBus();
	const attaches: Array<VmEvent & {kind: 'vmm.attach'}> = [];
	tbus.on('vmm.attach', (e) => attaches.push(e));
	const t = runTransient([{at, attach: 'trap'}], {users: ECHO, input: ECHO_INPUT, bus: tbus});
	expect(attaches).toHaveLength(1);
	expect(attaches[0]!.instret).toBeGreaterThan(at);
	expect(t.output).toBe(n.output);
});

test('Type II: the host OS appears and disappears with the VMM — every host pass lies inside the interval', () => {
	const bus = new EventBus();
	const seen: Array<{kind: string; instret: number}> = [];
	for (const kind of ['vmm.attach', 'vmm.detach', 'host.enter', 'vmm.intercept'] as const) bus.on(kind, (e) => seen.push({kind, instret: e.instret}));
	const n = runTransient([]);
	const t = runTransient([{at: 5000, attach: 'bt', type: 2}, {at: 15000, detach: true}], {bus});
	expect(t.output).toBe(n.output);
	const attach = seen.findIndex((e) => e.kind === 'vmm.attach');
	const detach = seen.findIndex((e) => e.kind === 'vmm.detach');
	const host = seen.flatMap((e, i) => (e.kind === 'host.enter' ? [i] : []));
	expect(host.length).toBeGreaterThan(0);
	// One host pass per VMM entry, all between the attach and the detach.
	expect(host.length).toBe(seen.filter((e) => e.kind === 'vmm.intercept').length);
	expect(Math.min(...host)).toBeGreaterThan(attach);
	expect(Math.max(...host)).toBeLessThan(detach);
	expect(t.sim.attachments[0]).toMatchObject({type: 2, attachAt: 5000, detachAt: 15000});
});

test('detach restores the kernel: no trap hook, no translations, its own idt, the VMM’s memory cleared', () => {
	const t = runTransient([{at: 8000, attach: 'bt'}, {at: 9000, detach: true}]);
	const m = t.sim.machine;
	expect(t.sim.monitor).toBeNull();
	expect(m.trapHook).toBeNull();
	expect(m.decodeHook).toBeNull();
	expect(m.guest).toBe(-1);
	// The kernel's IDT is below its memory; the VMM's (at `memory`) is gone.
	expect(m.idt >>> 0).toBeLessThan(t.sim.guestMemory);
	expect(m.mem.subarray(t.sim.guestMemory).every((b) => b === 0)).toBe(true);
	const a = t.sim.attachments[0]!;
	expect(a.attachCost).toBe(100);
	expect(a.detachCost).toBe(40);
	expect(a.entries).toBeGreaterThan(0);
});

test('hvm attached: the kernel is interpreted while attached (vmm.interpret events, no privileged traps), then runs natively', () => {
	const bus = new EventBus();
	let interpreted = 0;
	let privileged = 0;
	bus.on('vmm.interpret', (e) => void (interpreted += e.count));
	bus.on('vmm.intercept', (e) => void (e.category === 'privileged' && privileged++));
	const t = runTransient([{at: 8000, attach: 'hvm'}, {at: 20_000, detach: true}], {bus});
	const trap = runTransient([{at: 8000, attach: 'trap'}, {at: 20_000, detach: true}]);
	expect(t.output).toBe(trap.output);
	expect(interpreted).toBeGreaterThan(0);
	expect(privileged).toBe(0);
	// Under trap the same interval is entered for every privileged kernel instruction; hvm interprets them without an entry.
	expect(t.sim.attachments[0]!.entries).toBeLessThan(trap.sim.attachments[0]!.entries);
	expect(t.sim.monitor).toBeNull();
});
