/** The recorder's byte-level encoder writes exactly what JSON.stringify would. */
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {encodeEvent, encodeEventInto, encodeInstructionInto, parseEventLine} from '../../source/trace/format.js';
import {Counter, LineBuffer, packed} from '../../source/trace/line-buffer.js';

describe('LineBuffer.number', () => {
	test('any number, as JSON writes it', () => {
		fc.assert(
			fc.property(fc.oneof(fc.integer({min: -(2 ** 31), max: 2 ** 31}), fc.maxSafeInteger(), fc.double({noNaN: true, noDefaultInfinity: true}), fc.constantFrom(0, -0, 9, 10, 99, 100, 2 ** 31 - 1, -(2 ** 31), 2 ** 53 - 1)), (n) => {
				const out = new LineBuffer(4);
				out.reserve(32);
				out.number(n);
				expect(out.view().toString('latin1')).toBe(JSON.stringify(n));
			}),
		);
	});

	test('packed constants: every length from 4 bytes, anywhere in the buffer, as the bytes themselves', () => {
		fc.assert(
			fc.property(fc.string({minLength: 4, maxLength: 40, unit: fc.constantFrom(...'{}",:-0123456789abcdefghijklmnopqrstuvwxyz')}), fc.nat({max: 7}), (text, offset) => {
				const out = new LineBuffer(4);
				out.reserve(offset + text.length);
				for (let i = 0; i < offset; i++) out.byte(0x2e);
				out.packed(packed(text));
				expect(out.view().toString('latin1')).toBe('.'.repeat(offset) + text);
			}),
		);
		expect(() => packed('abc')).toThrow(RangeError);
	});

	test('counters: a number stepped from the one before, or any other, as JSON writes it', () => {
		const move = fc.oneof(fc.integer({min: 0, max: 12}), fc.constantFrom(999, 9_999_999 as number), fc.integer({min: -5, max: 2 ** 53}), fc.double({noNaN: true}));
		const first = fc.oneof(fc.nat({max: 10 ** 12}), fc.integer({min: -3, max: -1}));
		fc.assert(
			fc.property(first, fc.array(move, {maxLength: 40}), (start, moves) => {
				const counter = new Counter();
				const out = new LineBuffer(4);
				const expected: string[] = [];
				let n = start;
				for (const m of [0, ...moves]) {
					// Small integers step the counter; anything else jumps to that value.
					n = Number.isInteger(m) && m >= 0 && m <= 12 ? n + m : m;
					out.reserve(32);
					out.counter(n, counter);
					out.byte(0x2c);
					expected.push(JSON.stringify(n));
				}
				expect(out.view().toString('latin1')).toBe(expected.join(',') + ',');
			}),
		);
	});

	test('counters: a fractional step after a whole number is written as JSON writes it, not dropped', () => {
		const counter = new Counter();
		const out = new LineBuffer(4);
		for (const n of [0, 5e-324, 3, 3.5, 4]) {
			out.reserve(32);
			out.counter(n, counter);
			out.byte(0x2c);
		}
		expect(out.view().toString('latin1')).toBe('0,5e-324,3,3.5,4,');
	});

	test('grows as needed', () => {
		const out = new LineBuffer(8);
		for (let i = 0; i < 1000; i++) out.text(`line ${i} ✓\n`);
		expect(out.view().toString('utf8').split('\n')[999]).toBe('line 999 ✓');
	});
});

describe('encodeEventInto', () => {
	const instruction = fc.record({
		kind: fc.constant('instruction' as const),
		pc: fc.nat({max: 2 ** 32 - 1}),
		phys: fc.nat({max: 2 ** 30}),
		supervisor: fc.boolean(),
		header: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}),
		cycle: fc.maxSafeNat(),
		instret: fc.maxSafeNat(),
		guest: fc.integer({min: -1, max: 15}),
	});

	test('instruction lines equal encodeEvent and parse back to the event', () => {
		fc.assert(
			fc.property(fc.array(instruction, {minLength: 1, maxLength: 20}), (events) => {
				const out = new LineBuffer(16);
				for (const e of events) encodeEventInto(out, e);
				const text = out.view().toString('utf8');
				expect(text).toBe(events.map((e) => encodeEvent(e) + '\n').join(''));
				expect(text.trimEnd().split('\n').map(parseEventLine)).toEqual(events);
			}),
		);
	});

	test('the same address with other contents is not served from the prefix cache', () => {
		const out = new LineBuffer();
		const e = {kind: 'instruction' as const, pc: 8, phys: 8, supervisor: true, header: 1, cycle: 1, instret: 1, guest: -1};
		encodeEventInto(out, e);
		encodeEventInto(out, {...e, header: 2, supervisor: false});
		expect(out.view().toString().trimEnd().split('\n').map((l) => JSON.parse(l).header)).toEqual([1, 2]);
	});

	test('other events: JSON, non-ASCII text included', () => {
		const out = new LineBuffer(4);
		const e = {kind: 'console' as const, text: 'é→✓\n"', cycle: 1, instret: 1, guest: 0};
		encodeEventInto(out, e);
		expect(JSON.parse(out.view().toString('utf8'))).toEqual(e);
	});
});

describe('encodeInstructionInto', () => {
	test('from the fields, the same bytes as encodeEventInto of the event (journey 0: none)', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						pc: fc.nat({max: 2 ** 32 - 1}),
						phys: fc.constantFrom(0, 4, 8, 0x4000, 0x10004, 2 ** 30),
						supervisor: fc.boolean(),
						header: fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}),
						cycle: fc.maxSafeNat(),
						instret: fc.maxSafeNat(),
						guest: fc.integer({min: -1, max: 15}),
						journey: fc.nat({max: 1000}),
					}),
					{minLength: 1, maxLength: 30},
				),
				(events) => {
					const fields = new LineBuffer(16);
					const objects = new LineBuffer(16);
					for (const {journey, ...e} of events) {
						encodeInstructionInto(fields, e.pc, e.phys, e.supervisor, e.header, e.cycle, e.instret, e.guest, journey);
						encodeEventInto(objects, journey === 0 ? {kind: 'instruction', ...e} : {kind: 'instruction', ...e, journey});
					}
					expect(fields.view().toString('latin1')).toBe(objects.view().toString('latin1'));
				},
			),
		);
	});
});
