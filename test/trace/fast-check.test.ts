/** The per-line fast path gives valibot's answer, for good events and for every damage of every field. */
import * as v from 'valibot';
import {describe, expect, test} from 'vitest';
import {eventKinds} from '../../source/bus/events.js';
import {fastCheck} from '../../source/schema/fast-check.js';
import {traceEventSchema} from '../../source/trace/event-check.js';

const values: unknown[] = [undefined, null, 0, -1, -2, 1.5, 255, 256, 2 ** 32, Number.NaN, 1e308, '', 'x', 'in', 'waiting', 'poweroff', 'privileged', 'fault', true, false, [], [1, 2, 3], [1, 'a', 3], {}, {cycle: 1, instret: 1}, 'cpu.sample'];

describe.each([...eventKinds, 'cpu.sample'])('%s', (kind) => {
	const schema = traceEventSchema(kind)!;
	const fast = fastCheck(schema);
	test('every field set to every value: the same answer as v.is', () => {
		const entries = Object.keys((schema as unknown as {entries: Record<string, unknown>}).entries);
		// A good event: each field's first value valibot accepts.
		const event: Record<string, unknown> = {kind};
		for (const field of entries) {
			if (field === 'kind') continue;
			const ok = values.find((x) => v.is(schema, {...event, [field]: x}) || v.safeParse(schema, {...event, [field]: x}).issues?.every((i) => i.path?.[0]?.key !== field));
			event[field] = field === 'args' || field === 'regs' ? [1, 2, 3] : ok;
		}
		expect(v.is(schema, event)).toBe(true);
		expect(fast(event)).toBe(true);
		let compared = 0;
		for (const field of entries) {
			for (const x of values) {
				const damaged = {...event, [field]: x};
				expect(fast(damaged), `${field} = ${String(x)}`).toBe(v.is(schema, damaged));
				compared++;
			}
		}
		expect(compared).toBe(entries.length * values.length);
	});
});
