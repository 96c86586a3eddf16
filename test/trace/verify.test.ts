import {writeFileSync} from 'node:fs';
import {afterAll, describe, expect, test} from 'vitest';
import {assembleFile} from '../../source/isa/assembler/index.js';
import {buildBareSimulation} from '../../source/scenario/build.js';
import type {Simulation} from '../../source/sim/simulation.js';
import type {Detail} from '../../source/trace/format.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {verifyTrace} from '../../source/trace/verify.js';
import {lines, tempDir, traps, writeLines} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function bare(source: string, name: string): Simulation {
	const file = tmp.path(name);
	writeFileSync(file, source);
	const r = assembleFile(file);
	if (!r.ok) throw new Error('does not assemble');
	return buildBareSimulation(r.program);
}

async function record(trace: string, detail: Detail, maxInstructions?: number): Promise<void> {
	const sim = bare(traps, 'traps.s');
	const {recording} = startRecording(sim, trace, {detail, sampleEvery: 100, maxInstructions});
	await recordLoop(sim, recording, {maxInstructions});
}

describe('replay --verify', () => {
	for (const detail of ['exceptions', 'full'] as const) {
		test(`a fresh recording agrees (${detail})`, async () => {
			const file = tmp.path(`fresh-${detail}.jsonl`);
			await record(file, detail);
			const result = await verifyTrace(file);
			expect(result.difference).toBeNull();
			expect(result.compared).toBe(lines(file).length - 2);
			expect(result.notes).toEqual([]);
		});
	}

	test('a tampered trace: the first difference, with both values', async () => {
		const file = tmp.path('tampered.jsonl');
		await record(file, 'exceptions');
		const text = lines(file);
		const i = text.findIndex((l) => l.includes('"kind":"exception.raised"'));
		const event = JSON.parse(text[i]!);
		text[i] = JSON.stringify({...event, vector: 13});
		writeLines(file, text);
		const result = await verifyTrace(file);
		expect(result.difference).toMatchObject({event: i, line: i + 1, field: 'vector'});
		expect(result.difference?.recorded).toMatchObject({kind: 'exception.raised', vector: 13});
		expect(result.difference?.rerun).toMatchObject({kind: 'exception.raised', vector: event.vector});
		expect(result.damage?.message).toMatch(/checksum mismatch/);
	});

	test.each([
		['a journey’s cost', '"kind":"journey.end"', (e: Record<string, unknown>) => ({...e, cost: {...(e['cost'] as object), cpu: 1}}), 'cost'],
		['the journey an event belongs to', '"kind":"exception.delivered"', (e: Record<string, unknown>) => ({...e, journey: 99}), 'journey'],
	] as const)('journeys are compared too: %s', async (_what, line, change, field) => {
		const file = tmp.path(`journey-${field}.jsonl`);
		await record(file, 'exceptions');
		const text = lines(file);
		const i = text.findIndex((l) => l.includes(line));
		text[i] = JSON.stringify(change(JSON.parse(text[i]!)));
		writeLines(file, text);
		const result = await verifyTrace(file);
		expect(result.difference).toMatchObject({event: i, field});
	});

	test('a deleted event is found where the streams part', async () => {
		const file = tmp.path('deleted.jsonl');
		await record(file, 'exceptions');
		const text = lines(file);
		writeLines(file, [...text.slice(0, 6), ...text.slice(7)]);
		const result = await verifyTrace(file);
		expect(result.difference?.event).toBe(6);
		expect(result.damage?.message).toMatch(/footer counts \d+ events, the file holds/);
	});

	test('sources that changed on disk: rebuilt from the copies in the header', async () => {
		const file = tmp.path('moved.jsonl');
		await record(file, 'exceptions');
		writeFileSync(tmp.path('traps.s'), '; gone\n');
		const result = await verifyTrace(file);
		expect(result.difference).toBeNull();
		expect(result.notes.join('\n')).toMatch(/copies in the trace header/);
	});

	test('a recording with an instruction limit reruns with the same limit', async () => {
		const file = tmp.path('limit.jsonl');
		await record(file, 'full', 100);
		const result = await verifyTrace(file);
		expect(result.difference).toBeNull();
		expect(lines(file).at(-1)).toMatch(/"end":"instruction-limit"/);
	});
});
