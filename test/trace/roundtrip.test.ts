import {afterAll, describe, expect, test} from 'vitest';
import {eventKinds} from '../../source/bus/events.js';
import type {TraceEvent} from '../../source/trace/format.js';
import {TraceReader} from '../../source/trace/reader.js';
import {encodeEvent} from '../../source/trace/format.js';
import {type RecordOptions, Recording, recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {fake, lines, spin, tempDir, traps} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Record `source` into `file`, and collect what the bus emitted for comparison. */
async function record(file: string, options: RecordOptions, source = traps): Promise<TraceEvent[]> {
	const sim = fake(source);
	const seen: TraceEvent[] = [];
	const {recording} = startRecording(sim, file, options);
	// A second subscriber sees what the recorder's sink sees.
	if (options.detail === 'full') sim.bus.onMany(eventKinds, (e) => seen.push(e));
	await recordLoop(sim, recording, {maxInstructions: options.maxInstructions});
	return seen;
}

async function readAll(file: string): Promise<{reader: TraceReader; events: TraceEvent[]}> {
	const reader = await TraceReader.open(file, {blockSize: 64});
	const events = [...new TraceCursor(reader).range(0, reader.length)];
	return {reader, events};
}

describe('record → read', () => {
	for (const name of ['t.jsonl', 't.jsonl.gz']) {
		test(`full detail round-trips every event (${name})`, async () => {
			const file = tmp.path(`full-${name}`);
			const seen = await record(file, {detail: 'full', sampleEvery: 100});
			const {reader, events} = await readAll(file);
			expect(reader.problems).toEqual([]);
			expect(reader.footer?.end).toBe('stopped');
			expect(reader.footer?.stop?.reason).toBe('poweroff');
			const withoutSamples = events.filter((e) => e.kind !== 'cpu.sample');
			expect(withoutSamples).toEqual(seen);
			expect(events.some((e) => e.kind === 'cpu.sample')).toBe(true);
			expect(reader.counts.instruction).toBeGreaterThan(100);
			expect(reader.footer?.events).toBe(events.length);
			reader.close();
		});
	}

	test('exceptions detail has no instructions, every other event, and samples', async () => {
		const file = tmp.path('exc.jsonl');
		await record(file, {detail: 'exceptions', sampleEvery: 50});
		const {reader, events} = await readAll(file);
		expect(reader.problems).toEqual([]);
		expect(events.some((e) => e.kind === 'instruction')).toBe(false);
		expect(events.filter((e) => e.kind === 'exception.raised').length).toBeGreaterThanOrEqual(4);
		expect(events.filter((e) => e.kind === 'console').length).toBeGreaterThan(10);
		const samples = events.filter((e) => e.kind === 'cpu.sample');
		expect(samples.length).toBeGreaterThan(1);
		for (const s of samples) expect(s.instret % 50).toBe(0);
		expect(events.at(-1)?.kind).toBe('stop');
		reader.close();
	});

	test('header says how to rerun, footer counts and checks', async () => {
		const file = tmp.path('hdr.jsonl');
		await record(file, {detail: "exceptions", maxInstructions: 5000}, spin);
		const [head, ...rest] = lines(file);
		const header = JSON.parse(head!);
		expect(header).toMatchObject({type: 'header', format: 'vmtop-trace', version: 2, detail: 'exceptions', isa: 'classic'});
		expect(header.scenario.spec.source).toBe(spin);
		expect(header.scenario.maxInstructions).toBe(5000);
		expect(header.costs.instruction).toBe(1);
		expect(header.symbols["test.s"].loop).toBeTypeOf('number');
		const footer = JSON.parse(rest.at(-1)!);
		expect(footer).toMatchObject({type: 'footer', end: 'instruction-limit', instret: 5000});
		expect(footer.checksum).toMatch(/^crc32:[0-9a-f]{8}$/);
	});
});

describe('record at detail full: the fast instruction path', () => {
	test('the writer taking fields (nobody else listening) writes what encoding each event object writes', async () => {
		const file = tmp.path('sink.jsonl');
		const fast = fake();
		const {recording} = startRecording(fast, file, {detail: 'full', sampleEvery: 100});
		await recordLoop(fast, recording);
		// The same run through a sink without `instruction`: the recorder subscribes for event objects.
		const slow = fake();
		const objects: string[] = [];
		const byObject = new Recording(slow, {write: (e) => objects.push(encodeEvent(e))}, {detail: 'full', sampleEvery: 100});
		await recordLoop(slow, byObject);
		const written = lines(file).slice(1, -1);
		expect(written).toEqual(objects);
		expect(written.filter((l) => l.startsWith('{"kind":"instruction"')).length).toBeGreaterThan(100);
		// Handlers run inside journeys: their instructions carry the journey's id.
		expect(written.some((l) => l.startsWith('{"kind":"instruction"') && l.includes('"journey":'))).toBe(true);
	});
});
