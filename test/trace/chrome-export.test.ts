/** Chrome trace-event export: valid JSON, slices nested per track, reasons in args. */
import {readFileSync} from 'node:fs';
import {afterAll, describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {ChromeExporter, exportChrome} from '../../source/trace/chrome-export.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {sampleScenario} from '../vmm/helpers.js';
import {fake, tempDir} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface ChromeEvent {
	ph: string;
	name: string;
	pid: number;
	tid: number;
	ts: number;
	dur?: number;
	s?: string;
	args: Record<string, unknown>;
}

/** Every pair of slices on one track is either disjoint or one inside the other (compared in whole ns). */
function expectNested(events: ChromeEvent[]): void {
	const ns = (us: number): number => Math.round(us * 1000);
	const tracks = new Map<string, ChromeEvent[]>();
	for (const e of events.filter((x) => x.ph === 'X')) {
		const key = `${e.pid}/${e.tid}`;
		tracks.set(key, [...(tracks.get(key) ?? []), e]);
	}
	for (const slices of tracks.values()) {
		slices.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
		const open: number[] = []; // end times of enclosing slices
		for (const s of slices) {
			const start = ns(s.ts);
			const end = ns(s.ts + s.dur!);
			while (open.length > 0 && open.at(-1)! <= start) open.pop();
			if (open.length > 0) expect(end, `${s.name} at ${s.ts} overlaps its parent`).toBeLessThanOrEqual(open.at(-1)!);
			open.push(end);
		}
	}
}

function exportEvents(events: VmEvent[]): ChromeEvent[] {
	let text = '';
	const exporter = new ChromeExporter({write: (t) => (text += t)});
	for (const e of events) exporter.add(e);
	exporter.finish();
	return (JSON.parse(text) as {traceEvents: ChromeEvent[]}).traceEvents;
}

const at = (cycle: number, guest = 0) => ({cycle, instret: cycle, guest});

const v1 = (name: string): string => new URL(`./fixtures/v1/${name}`, import.meta.url).pathname;

async function exportFile(file: string, out: string): Promise<ChromeEvent[]> {
	const reader = await TraceReader.open(file);
	exportChrome(reader, tmp.path(out));
	reader.close();
	return (JSON.parse(readFileSync(tmp.path(out), 'utf8')) as {traceEvents: ChromeEvent[]}).traceEvents;
}

const JOURNEYS = 7;
const inside = (child: ChromeEvent, parent: ChromeEvent): boolean =>
	Math.round(child.ts * 1000) >= Math.round(parent.ts * 1000) && Math.round((child.ts + child.dur!) * 1000) <= Math.round((parent.ts + parent.dur!) * 1000);

describe('chrome export', () => {
	test('a recorded run: valid JSON, one slice per journey with its levels nested inside, flows from raise to return', async () => {
		const sim = fake();
		const {recording} = startRecording(sim, tmp.path('t.jsonl'), {detail: 'full'});
		await recordLoop(sim, recording);
		const reader = await TraceReader.open(tmp.path('t.jsonl'));
		const ends = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)].filter((e) => e.kind === 'journey.end');
		const summary = exportChrome(reader, tmp.path('t.json'));
		reader.close();
		const doc = JSON.parse(readFileSync(tmp.path('t.json'), 'utf8')) as {traceEvents: ChromeEvent[]; displayTimeUnit: string};
		expect(doc.displayTimeUnit).toBe('ns');
		const events = doc.traceEvents;
		expect(summary.slices).toBe(events.filter((e) => e.ph === 'X').length);
		expectNested(events);
		const slices = events.filter((e) => e.ph === 'X' && e.tid === JOURNEYS);
		const journeys = slices.filter((e) => e.args['cost'] !== undefined);
		expect(journeys.map((e) => e.name).slice(0, 3)).toEqual(['#DE fault', '#BP trap', 'timer interrupt']);
		expect(new Set(journeys.map((e) => e.name).slice(2))).toEqual(new Set(['timer interrupt']));
		expect(journeys.length).toBe(ends.length);
		for (const j of journeys) {
			// The journey's parts add up to its slice, and each level's slice lies inside it, in order.
			const cost = j.args['cost'] as Record<string, number>;
			expect(Object.values(cost).reduce((a, b) => a + b, 0) / 1000).toBeCloseTo(j.dur!, 9);
			const levels = slices.filter((e) => e.args['journey'] === j.args['journey'] && e !== j);
			expect(levels.map((e) => e.name)).toEqual(['exception delivery', 'handler', 'return (iret)']);
			for (const l of levels) expect(inside(l, j)).toBe(true);
			expect(levels[0]!.dur).toBeCloseTo(cost['exception']! / 1000, 9);
			expect(levels[2]!.dur).toBeCloseTo(cost['return']! / 1000, 9);
		}
		const flows = events.filter((e) => e.ph === 's' || e.ph === 'f');
		expect(flows.filter((e) => e.ph === 's').length).toBe(journeys.length);
		expect(flows.filter((e) => e.ph === 'f').length).toBe(journeys.length);
		expect(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args['name'])).toEqual([
			'cpu',
			'exception',
			'os',
			'processes',
			'vmm',
			'host',
			'journeys',
			'virtualized',
		]);
		expect(events.find((e) => e.name.startsWith('stop'))).toMatchObject({ph: 'i', s: 'g', args: {reason: 'poweroff'}});
	});

	test('the default scenario: system calls last as long as their journeys, processes take turns', async () => {
		const events = await exportFile(new URL('../../samples/traces/default.vmtrace.jsonl.gz', import.meta.url).pathname, 'default.json');
		expectNested(events);
		const syscalls = events.filter((e) => e.ph === 'X' && e.tid === 3);
		expect(syscalls.map((e) => e.name)).toEqual(expect.arrayContaining(['syscall write', 'syscall yield', 'syscall exit']));
		const journeys = events.filter((e) => e.ph === 'X' && e.tid === JOURNEYS && e.name === 'int 0x80 trap');
		expect(syscalls.length).toBeGreaterThan(20);
		// A call lasts from its delivery to the end of its journey (the handler's return).
		for (const call of syscalls) {
			const j = journeys.find((x) => x.args['journey'] === call.args['journey'])!;
			expect(inside(call, j)).toBe(true);
			expect(Math.round((call.ts + call.dur!) * 1000)).toBe(Math.round((j.ts + j.dur!) * 1000));
		}
		expect(events.filter((e) => e.ph === 'X' && e.tid === 4).map((e) => e.name)).toEqual(expect.arrayContaining(['pid 1', 'pid 2', 'pid 3', 'pid 4']));
	});

	test('under a VMM: a guest exception is i. the real exception into the VMM, then ii. the virtual one in the guest OS, one flow through both', async () => {
		const sim = buildSimulation(sampleScenario('default', {vmm: 'trap', type: 2}));
		const {recording} = startRecording(sim, tmp.path('vmm.jsonl'), {detail: 'exceptions'});
		await recordLoop(sim, recording, {maxInstructions: 60_000});
		const events = await exportFile(tmp.path('vmm.jsonl'), 'vmm.json');
		expectNested(events);
		const slices = events.filter((e) => e.ph === 'X' && e.tid === JOURNEYS);
		const real = slices.find((e) => e.name === 'int 0x80 trap' && e.args['next'] !== undefined)!;
		expect(real.args['interpretation']).toBe('i. real exception → VMM');
		const levels = slices.filter((e) => e.args['journey'] === real.args['journey'] && e !== real).map((e) => e.name);
		expect(levels).toEqual(['VMM: exception: int 0x80', 'host OS']);
		const virtual = slices.find((e) => e.args['journey'] === real.args['next'] && e.args['cost'] !== undefined)!;
		expect(virtual.name).toBe('int 0x80 → guest OS');
		expect(virtual.args['interpretation']).toBe('ii. virtual exception → guest OS');
		expect(Math.round(virtual.ts * 1000)).toBe(Math.round((real.ts + real.dur!) * 1000));
		// One arrow: it starts at the raise, steps into the guest OS, ends at the guest's return.
		const flow = events.filter((e) => 'id' in e && (e as {id?: unknown}).id === real.args['journey']).map((e) => e.ph);
		expect(flow).toEqual(['s', 't', 'f']);
		// The trapped iret that ends it is a journey nested inside it.
		const nested = slices.filter((e) => e.args['parent'] === virtual.args['journey']);
		expect(nested.length).toBeGreaterThan(0);
		for (const n of nested) expect(inside(n, virtual)).toBe(true);
	});

	test('a version 1 trace still exports: no journeys, its system calls as instants', async () => {
		const events = await exportFile(v1('default.vmtrace.jsonl.gz'), 'v1.json');
		expectNested(events);
		expect(events.filter((e) => e.tid === JOURNEYS && e.ph === 'X')).toEqual([]);
		expect(events.filter((e) => e.ph === 'i' && e.tid === 3).map((e) => e.name)).toEqual(expect.arrayContaining(['syscall write', 'syscall exit']));
		expect(events.filter((e) => e.ph === 'X' && e.tid === 4).length).toBeGreaterThan(3);
	});

	test('exceptions name their code: by the name the event carries (v2), by the header for a version 1 trace', async () => {
		const divide = (events: ChromeEvent[]) => events.find((e) => e.tid === 2 && e.ph === 'i' && e.args['vector'] === 0 && e.args['supervisor'] === false);
		// Version 1: no symbol in the event; named by the header's code map (fault.s's divide_by_zero).
		const old = divide(await exportFile(v1('default.vmtrace.jsonl.gz'), 'v1-names.json'));
		expect(old?.args['symbol']).toBe('divide_by_zero');
		expect(old?.args['pid']).toBeUndefined();
		// Version 2: the event's own name and process, as they were when it was raised.
		const now = divide(await exportFile(new URL('../../samples/traces/default.vmtrace.jsonl.gz', import.meta.url).pathname, 'v2-names.json'));
		expect(now?.args).toMatchObject({symbol: 'divide_by_zero', pid: 4});
		// Without a header's names the exporter shows what the event carries, never a name it made up.
		const bare = exportEvents([{kind: 'exception.raised', vector: 0, pc: 0x54, badaddr: 0, supervisor: false, symbol: 'then', pid: 7, ...at(10, -1)}]);
		expect(bare.find((e) => e.tid === 2 && e.ph === 'i')?.args).toMatchObject({symbol: 'then', pid: 7});
	});

	test('VMM exits per guest, with the reason in args; host trips nest inside; time in µs', () => {
		const events = exportEvents([
			{kind: 'vmm.intercept', reason: 'privileged', category: 'privileged', pc: 0x40, ...at(1000)},
			{kind: 'host.enter', reason: 'hosted VMM', ...at(1100)},
			{kind: 'host.exit', cost: 2000, ...at(3100)},
			{kind: 'vmm.emulate', mnemonic: 'cli', pc: 0x40, effect: 'IF=0', ...at(3200)},
			{kind: 'vmm.resume', pc: 0x44, cost: 2300, ...at(3300)},
			{kind: 'vmm.intercept', reason: 'HLT', category: 'privileged', pc: 0x80, ...at(2000, 1)},
			{kind: 'vmm.resume', pc: 0x84, cost: 500, ...at(2500, 1)},
			{kind: 'vmm.intercept', reason: 'never resumed', category: 'privileged', pc: 0, ...at(5000)},
		]);
		expectNested(events);
		const exits = events.filter((e) => e.ph === 'X' && e.tid === 5);
		expect(exits.map((e) => [e.pid, e.name, e.args['reason'], e.ts, e.dur])).toEqual([
			[2, 'exit privileged', 'privileged', 1, 2.3],
			[3, 'exit HLT', 'HLT', 2, 0.5],
			[2, 'exit never resumed', 'never resumed', 5, 0],
		]);
		expect(exits[0]!.args).toMatchObject({category: 'privileged', cost: 2300});
		expect(events.find((e) => e.tid === 6 && e.ph === 'X')).toMatchObject({name: 'host: hosted VMM', ts: 1.1, dur: 2});
		expect(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args['name'])).toEqual(['guest 0', 'guest 1']);
	});
});
