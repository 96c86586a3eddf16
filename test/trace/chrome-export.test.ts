/** Chrome trace-event export: valid JSON, slices nested per track, reasons in args. */
import {readFileSync} from 'node:fs';
import {afterAll, describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {ChromeExporter, exportChrome} from '../../source/trace/chrome-export.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
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

describe('chrome export', () => {
	test('a recorded run: valid JSON, nested handler slices, exceptions as instants', async () => {
		const sim = fake();
		const {recording} = startRecording(sim, tmp.path('t.jsonl'), {detail: 'full'});
		await recordLoop(sim, recording);
		const reader = await TraceReader.open(tmp.path('t.jsonl'));
		const summary = exportChrome(reader, tmp.path('t.json'));
		reader.close();
		const doc = JSON.parse(readFileSync(tmp.path('t.json'), 'utf8')) as {traceEvents: ChromeEvent[]; displayTimeUnit: string};
		expect(doc.displayTimeUnit).toBe('ns');
		const events = doc.traceEvents;
		expect(summary.slices).toBe(events.filter((e) => e.ph === 'X').length);
		expectNested(events);
		const handlers = events.filter((e) => e.ph === 'X' && e.tid === 2);
		expect(handlers.map((e) => e.name)).toEqual(expect.arrayContaining(['#DE handler', '#BP handler', 'timer handler']));
		const instants = events.filter((e) => e.ph === 'i' && e.tid === 2);
		expect(instants.map((e) => e.name)).toEqual(expect.arrayContaining(['#DE', '#BP', 'timer']));
		expect(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args['name'])).toEqual([
			'cpu',
			'exception',
			'os',
			'processes',
			'vmm',
			'host',
		]);
		expect(events.find((e) => e.name.startsWith('stop'))).toMatchObject({ph: 'i', s: 'g', args: {reason: 'poweroff'}});
	});

	test('the default scenario: system calls last as long as their handlers, processes take turns', async () => {
		const reader = await TraceReader.open(new URL('../../samples/traces/default.vmtrace.jsonl.gz', import.meta.url).pathname);
		exportChrome(reader, tmp.path('default.json'));
		reader.close();
		const events = (JSON.parse(readFileSync(tmp.path('default.json'), 'utf8')) as {traceEvents: ChromeEvent[]}).traceEvents;
		expectNested(events);
		const syscalls = events.filter((e) => e.ph === 'X' && e.tid === 3);
		expect(syscalls.map((e) => e.name)).toEqual(expect.arrayContaining(['syscall write', 'syscall yield', 'syscall exit']));
		const handlers = events.filter((e) => e.ph === 'X' && e.tid === 2 && e.name === 'int 0x80 handler');
		for (const call of syscalls) expect(handlers.some((h) => h.ts === call.ts && h.dur === call.dur)).toBe(true);
		expect(events.filter((e) => e.ph === 'X' && e.tid === 4).map((e) => e.name)).toEqual(expect.arrayContaining(['pid 1', 'pid 2', 'pid 3', 'pid 4']));
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
			{kind: 'os.syscall', pid: 1, number: 1, name: 'write', args: [1, 2, 3], ...at(4000)},
			{kind: 'exception.delivered', vector: 128, epc: 0, handler: 0x100, fromSupervisor: false, ...at(4000)},
			{kind: 'exception.delivered', vector: 13, epc: 0, handler: 0x200, fromSupervisor: true, ...at(4100)},
			{kind: 'iret', pc: 0x210, to: 0x104, toSupervisor: true, ...at(4200)},
			{kind: 'iret', pc: 0x110, to: 0x4, toSupervisor: false, ...at(4500)},
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
		const handlers = events.filter((e) => e.ph === 'X' && e.tid === 2).map((e) => [e.name, e.ts, e.dur]);
		expect(handlers).toEqual([
			['#GP handler', 4.1, 0.1],
			['int 0x80 handler', 4, 0.5],
		]);
		expect(events.find((e) => e.tid === 3 && e.ph === 'X')).toMatchObject({name: 'syscall write', ts: 4, dur: 0.5});
		expect(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args['name'])).toEqual(['guest 0', 'guest 1']);
	});
});
