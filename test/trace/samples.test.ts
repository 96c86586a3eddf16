/** The traces shipped in samples/traces replay on a fresh clone. */
import {fileURLToPath} from 'node:url';
import {describe, expect, test} from 'vitest';
import {TraceReader} from '../../source/trace/reader.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {verifyTrace} from '../../source/trace/verify.js';

const sample = (name: string): string => fileURLToPath(new URL(`../../samples/traces/${name}`, import.meta.url));
const RERECORD = 'the sample is stale; re-record it: vmtop record samples/scenarios/default.json -o samples/traces/default.vmtrace.jsonl.gz (see docs/traces.md)';

describe('samples/traces', () => {
	test.each([
		['default.vmtrace.jsonl.gz', 'exception.raised'],
		['default-full.vmtrace.jsonl.gz', 'instruction'],
		['kvm-sample.vmtrace.jsonl.gz', 'vmm.intercept'],
	] as const)('%s opens and reads to the end', async (name, kind) => {
		const reader = await TraceReader.open(sample(name));
		const events = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)];
		reader.close();
		expect(reader.problems).toEqual([]);
		expect(events.length).toBe(reader.footer?.events);
		expect(events.some((e) => e.kind === kind)).toBe(true);
	});

	test('the default scenario sample agrees with a rerun', async () => {
		const result = await verifyTrace(sample('default.vmtrace.jsonl.gz'));
		expect(result.difference, RERECORD).toBeNull();
	});
});

/** The samples as they were before trace format version 2: they must keep opening, replaying and verifying. */
describe('version 1 traces (test/trace/fixtures/v1)', () => {
	const v1 = (name: string): string => fileURLToPath(new URL(`./fixtures/v1/${name}`, import.meta.url));

	test.each(['default.vmtrace.jsonl.gz', 'default-full.vmtrace.jsonl.gz', 'kvm-sample.vmtrace.jsonl.gz'])('%s opens and reads to the end, without journeys', async (name) => {
		const reader = await TraceReader.open(v1(name));
		const events = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)];
		reader.close();
		expect(reader.header.version).toBe(1);
		expect(reader.problems).toEqual([]);
		expect(events.length).toBe(reader.footer?.events);
		expect(events.some((e) => e.kind === 'journey.end' || (e.kind !== 'cpu.sample' && e.journey !== undefined))).toBe(false);
	});

	test('the version 1 default sample still agrees with a rerun (journeys left out, interrupts in its order)', async () => {
		const result = await verifyTrace(v1('default.vmtrace.jsonl.gz'));
		expect(result.difference).toBeNull();
		expect(result.compared).toBe(3163);
	});

	test('the version 2 sample has a journey for every exception, and its rerun compares them', async () => {
		const reader = await TraceReader.open(sample('default.vmtrace.jsonl.gz'));
		const events = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)];
		reader.close();
		expect(reader.header.version).toBe(2);
		const raised = events.filter((e) => e.kind === 'exception.raised');
		const ends = new Set(events.filter((e) => e.kind === 'journey.end').map((e) => e.journey));
		expect(raised.length).toBeGreaterThan(100);
		for (const e of raised) expect(ends.has(e.journey!)).toBe(true);
	});
});
