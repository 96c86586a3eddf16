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
