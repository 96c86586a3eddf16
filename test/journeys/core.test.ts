/** Journeys as the core emits them (cpu/journey.ts): ids, nesting, order, cost by level. */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {type EventOf, type VmEvent, eventKinds} from '../../source/bus/events.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {assembleFile} from '../../source/isa/assembler/index.js';
import {buildBareSimulation} from '../../source/scenario/build.js';
import {sampleScenario} from '../vmm/helpers.js';
import {vmtop} from '../cli/helpers.js';
import {journeyProblems, journeyRun} from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vmtop-journey-core-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

function bare(source: string): {events: VmEvent[]; ends: Array<EventOf<'journey.end'>>} {
	const file = path.join(dir, 'p.s');
	writeFileSync(file, source);
	const r = assembleFile(file);
	if (!r.ok) throw new Error('does not assemble');
	const bus = new EventBus();
	const events: VmEvent[] = [];
	bus.onMany(
		eventKinds.filter((k) => k !== 'instruction'),
		(e) => events.push(e),
	);
	const sim = buildBareSimulation(r.program, {bus});
	runHeadless(sim, {maxInstructions: 100_000});
	return {events, ends: events.filter((e): e is EventOf<'journey.end'> => e.kind === 'journey.end')};
}

/** brk, whose handler divides by zero: a fault nested in a trap's journey. */
const nested = `
_start: mov sp, 0x8000
        mov r1, vectors
        lidt r1
        brk
        out 0xF0, 0
on_bp:  mfcr r5, epc
        mov r2, 0
de:     div r3, r3, r2
        mtcr epc, r5
        iret
on_de:  mov r1, de
        add r1, r1, 4
        mtcr epc, r1
        iret
vectors: .word on_de, 0, 0, on_bp
`;

describe('journeys from the core', () => {
	test('a fault inside a handler is a journey of its own, nested in the trap’s, counted as its `nested` part', () => {
		const {events, ends} = bare(nested);
		expect(ends.map((e) => [e.journey, e.parent, e.vector, e.type])).toEqual([
			[2, 1, 0, 'fault'],
			[1, null, 3, 'trap'],
		]);
		const [inner, outer] = ends;
		expect(inner!.cost).toEqual({exception: 50, cpu: 3, return: 50});
		// brk retires in its journey, then mfcr, mov, the inner handler's `iret` (it retires after its journey ended), mtcr.
		expect(outer!.cost).toEqual({exception: 50, cpu: 5, nested: inner!.cycle - inner!.start.cycle, return: 50});
		// The parts in the order first charged, as a trace writes them (`replay --verify` compares the text).
		expect(Object.keys(inner!.cost)).toEqual(['exception', 'cpu', 'return']);
		expect(Object.keys(outer!.cost)).toEqual(['exception', 'cpu', 'nested', 'return']);
		// The opening event says what it is, and who its parent is.
		const raised = events.filter((e) => e.kind === 'exception.raised');
		expect(raised.map((e) => [e.journey, e.type, e.parent])).toEqual([
			[1, 'trap', undefined],
			[2, 'fault', 1],
		]);
		// Every event between carries the innermost journey; the ends follow the iret that closed them.
		const kinds = events.map((e) => `${e.kind}:${e.journey ?? '-'}`);
		expect(kinds.slice(kinds.indexOf('exception.raised:2'))).toEqual([
			'exception.raised:2',
			'exception.delivered:2',
			'iret:2',
			'journey.end:2',
			'iret:1',
			'journey.end:1',
			'io:-',
			'stop:-',
		]);
	});

	test('an interrupt is raised before it is taken, and says so', () => {
		const {events} = bare(`
_start: mov sp, 0x8000
        mov r1, vectors
        lidt r1
        out 0x20, 5
        sti
spin:   jmp spin
tick:   out 0xF0, 0
vectors: .word 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, tick
`);
		const order = events.filter((e) => e.kind === 'exception.raised' || e.kind === 'interrupt.taken' || e.kind === 'interrupt.raised');
		expect(order.map((e) => e.kind)).toEqual(['interrupt.raised', 'exception.raised', 'interrupt.taken']);
		expect(order[1]).toMatchObject({type: 'interrupt', irq: 0, vector: 32, journey: 1});
		expect(order[2]).toMatchObject({journey: 1});
		// The handler powers off: the stop ends the journey (before its `out` retires).
		expect(events.at(-1)).toMatchObject({kind: 'journey.end', journey: 1, cost: {exception: 50}});
	});

	test('nobody listening: no bookkeeping, no journey ids', () => {
		const bus = new EventBus();
		const file = path.join(dir, 'n.s');
		writeFileSync(file, nested);
		const r = assembleFile(file);
		if (!r.ok) throw new Error('does not assemble');
		const sim = buildBareSimulation(r.program, {bus});
		runHeadless(sim, {maxInstructions: 1000});
		expect(sim.machine.journeys.current).toBe(0);
		// Listening later starts from there, with ids from 1.
		const seen: number[] = [];
		bus.on('journey.end', (e) => seen.push(e.journey));
		expect(seen).toEqual([]);
	});

	test.each(['trap', 'bt', 'pv', 'hvm'] as const)('%s, 2 guests: guest exceptions continue as virtual journeys, and the OS events are in them', (vmm) => {
		// A short time slice: world switches happen while guest handlers run.
		const run = journeyRun(sampleScenario('default', {vmm, vms: 2, type: 2}), 400_000, 37);
		expect(journeyProblems(run)).toBeNull();
		const virtual = run.ends.filter((e) => e.virtual);
		expect(virtual.length).toBeGreaterThan(10);
		expect(new Set(virtual.map((e) => e.guest))).toEqual(new Set([0, 1]));
		const byId = new Map(run.ends.map((e) => [e.journey, e]));
		for (const v of virtual) expect(byId.get(v.cause!)?.next).toBe(v.journey);
		// The OS level reads a system call off its delivery into the guest, which the VMM makes in
		// interpretation i: the call belongs to that journey, which continues in the same guest's OS.
		const calls = run.events.filter((x) => x.kind === 'os.syscall');
		expect(calls.length).toBeGreaterThan(10);
		for (const e of calls) {
			const j = byId.get(e.journey!)!;
			expect(j.virtual).toBe(false);
			expect(byId.get(j.next!)?.guest).toBe(e.guest);
		}
		// Some guest exceptions wait while the other guest runs: that time is theirs, as `preempted`.
		expect(virtual.some((v) => (v.cost.preempted ?? 0) > 0)).toBe(true);
	});
});

describe('vmtop run --json --journeys', () => {
	test('adds one object per journey, whose cost parts add up to its cycles', () => {
		const r = vmtop(['run', '--headless', '--json', '--journeys', '--vmm', 'pv', '--type', '2', '--max-instructions', '100000']);
		const out = JSON.parse(r.stdout) as {journeys: Array<Record<string, unknown>>; cycles: number};
		expect(out.journeys.length).toBeGreaterThan(20);
		for (const j of out.journeys) {
			expect(Object.keys(j).slice(0, 7)).toEqual(['id', 'parent', 'vector', 'kind', 'start', 'end', 'cost']);
			expect(['fault', 'trap', 'interrupt']).toContain(j['kind']);
			const start = j['start'] as {cycle: number; instret: number};
			const end = j['end'] as {cycle: number; instret: number};
			const sum = Object.values(j['cost'] as Record<string, number>).reduce((a, b) => a + b, 0);
			expect(sum).toBe(end.cycle - start.cycle);
		}
		expect(out.journeys.map((j) => j['id'])).toEqual(out.journeys.map((_, i) => i + 1));
	});

	test('without --json it says what it needs', () => {
		const r = vmtop(['run', '--headless', '--journeys']);
		expect(r.code).not.toBe(0);
		expect(r.stderr).toContain('--journeys adds the journeys to the JSON summary: it goes with --json');
	});
});
