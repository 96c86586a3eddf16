/**
 * Each field of each event kind, damaged (removed, null, the wrong type), in
 * a trace whose checksum is made right again: every reader must stop at that
 * line and name the field — replay's summary and export --chrome on a trace
 * holding one event of every kind, replay --verify on a real recording (it
 * must be rerunnable). An optional field removed is still a good trace.
 */
import {writeFileSync} from 'node:fs';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi} from 'vitest';
import {baseFields, eventFields} from '../../source/bus/event-schema.js';
import type {EventKind, EventOf} from '../../source/bus/events.js';
import {defaultCosts} from '../../source/cpu/costs.js';
import {exportCommand} from '../../source/cli/export.js';
import {recordCommand} from '../../source/cli/record.js';
import {replayCommand} from '../../source/cli/replay.js';
import {TRACE_FORMAT, TRACE_VERSION, type CpuSample, type TraceHeader} from '../../source/trace/format.js';
import {TraceWriter} from '../../source/trace/writer.js';
import {withChecksum} from './damage.js';
import {lines, tempDir, traps} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let out = '';
beforeEach(() => {
	out = '';
	const capture = (chunk: unknown): boolean => {
		out += String(chunk);
		return true;
	};
	vi.spyOn(process.stdout, 'write').mockImplementation(capture);
	vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => vi.restoreAllMocks());

const at = {cycle: 10, instret: 5, guest: 0};
/** One good event of every kind (the type makes the table complete). */
const examples: {[K in EventKind]: EventOf<K>} = {
	instruction: {kind: 'instruction', pc: 4, phys: 4, supervisor: true, header: 0x1002, ...at},
	'exception.raised': {kind: 'exception.raised', vector: 0, pc: 8, badaddr: 0, supervisor: false, phys: 0x1008, type: 'fault', journey: 1, ...at},
	'exception.delivered': {kind: 'exception.delivered', vector: 0, epc: 8, handler: 0x40, fromSupervisor: false, ...at},
	iret: {kind: 'iret', pc: 0x44, to: 12, toSupervisor: false, toPhys: 0x100c, ...at},
	'interrupt.raised': {kind: 'interrupt.raised', irq: 0, vector: 32, ...at},
	'interrupt.taken': {kind: 'interrupt.taken', irq: 0, vector: 32, pc: 16, ...at},
	io: {kind: 'io', port: 0x10, direction: 'out', value: 65, ...at},
	halt: {kind: 'halt', state: 'waiting', pc: 20, ...at},
	stop: {kind: 'stop', reason: 'poweroff', code: 0, message: 'powered off', ...at},
	console: {kind: 'console', text: 'A', ...at},
	'os.handler': {kind: 'os.handler', vector: 0, handler: 0x40, symbol: 'on_de', ...at},
	'os.syscall': {kind: 'os.syscall', pid: 1, number: 1, name: 'write', args: [1, 2, 3], ...at},
	'os.switch': {kind: 'os.switch', from: 1, to: 2, ...at},
	'os.return': {kind: 'os.return', pid: 1, pc: 24, ...at},
	'os.kill': {kind: 'os.kill', pid: 1, vector: 0, epc: 8, ...at},
	'os.exit': {kind: 'os.exit', pid: 1, code: 0, ...at},
	'vmm.intercept': {kind: 'vmm.intercept', reason: 'cli', category: 'privileged', pc: 28, ...at},
	'vmm.emulate': {kind: 'vmm.emulate', mnemonic: 'cli', pc: 28, effect: 'IF=0', ...at},
	'vmm.reflect': {kind: 'vmm.reflect', vector: 0, handler: 0x40, symbol: 'on_de', ...at},
	'vmm.translate': {kind: 'vmm.translate', block: 0x100, length: 4, patches: 1, ...at},
	'vmm.hypercall': {kind: 'vmm.hypercall', number: 2, name: 'cli', ...at},
	'vmm.resume': {kind: 'vmm.resume', pc: 32, cost: 1000, ...at},
	'vmm.worldswitch': {kind: 'vmm.worldswitch', from: 0, to: 1, ...at},
	'vmm.interpret': {kind: 'vmm.interpret', pc: 0x1000, count: 12, cost: 372, ...at},
	'vmm.attach': {kind: 'vmm.attach', technique: 'trap', hosted: false, pc: 0x1000, cost: 100, ...at},
	'vmm.detach': {kind: 'vmm.detach', technique: 'trap', pc: 0x1000, cost: 40, entries: 12, ...at},
	'host.enter': {kind: 'host.enter', reason: 'io', ...at},
	'host.exit': {kind: 'host.exit', cost: 2000, ...at},
	'journey.end': {
		kind: 'journey.end',
		journey: 1,
		parent: null,
		vector: 0,
		type: 'fault',
		virtual: false,
		cause: null,
		start: {cycle: 4, instret: 2},
		cost: {cpu: 5, exception: 1},
		...at,
	},
};
const sample: CpuSample = {kind: 'cpu.sample', pc: 4, supervisor: true, flags: 0, regs: [0, 1, 2], ubase: 0, ...at};
const all = [...Object.values(examples), sample] as unknown as Array<Record<string, unknown>>;

function syntheticLines(): string[] {
	const file = tmp.path('every-kind.jsonl');
	const header: TraceHeader = {
		type: 'header',
		format: TRACE_FORMAT,
		version: TRACE_VERSION,
		vmtop: 'test',
		created: new Date(0).toISOString(),
		source: 'record',
		detail: 'full',
		sampleEvery: 0,
		scenario: {name: 'every kind', spec: null, files: {}, maxInstructions: null, startInstret: 0},
		isa: 'classic',
		vmm: {technique: 'trap', type: 2, guests: 2},
		costs: {...defaultCosts},
		symbols: {},
	};
	const writer = new TraceWriter(file, header);
	for (const e of all) writer.write(e as never);
	writer.close({end: 'stopped'});
	return lines(file);
}

/** The damages of one field: [name, what the field becomes (undefined: removed)]. */
function damages(value: unknown): Array<[string, unknown]> {
	const wrong = typeof value === 'string' ? 7 : typeof value === 'number' ? 'x' : typeof value === 'boolean' ? 1 : 'x';
	return [
		['removed', undefined],
		['null', null],
		[`${JSON.stringify(wrong)}`, wrong],
	];
}

function damaged(text: string[], line: number, field: string, value: unknown): string[] {
	const e = JSON.parse(text[line - 1]!) as Record<string, unknown>;
	if (value === undefined) delete e[field];
	else e[field] = value;
	const copy = [...text];
	copy[line - 1] = JSON.stringify(e);
	return withChecksum(copy);
}

const optional = (kind: string, field: string): boolean =>
	((eventFields as unknown as Record<string, Record<string, {type: string}>>)[kind]?.[field] ?? (baseFields as unknown as Record<string, {type: string}>)[field])?.type ===
	'optional';
/** A field that may be null (journey.end's `parent`, `cause`): null is no damage there. */
const nullable = (kind: string, field: string): boolean =>
	(eventFields as unknown as Record<string, Record<string, {type: string}>>)[kind]?.[field]?.type === 'nullable';

describe('one event of every kind: replay (summary) and export --chrome', () => {
	let text: string[];
	beforeAll(() => {
		text = syntheticLines();
	});

	test('the undamaged trace reads with no problem', async () => {
		const file = tmp.path('good.jsonl');
		writeFileSync(file, text.map((l) => l + '\n').join(''));
		expect(await replayCommand(['--summary', file])).toBe(0);
		expect(await exportCommand([file, '--chrome', `${file}.json`])).toBe(0);
		expect(out).not.toMatch(/malformed/);
	});

	const cases = all.flatMap((e, i) =>
		Object.keys(e)
			.filter((f) => f !== 'kind')
			.flatMap((field) =>
				damages(e[field])
					.filter(([how]) => !(how === 'null' && nullable(e['kind'] as string, field)))
					.map(([how, value]) => ({kind: e['kind'] as string, line: i + 2, field, how, value})),
			),
	);

	test.each(cases)('$kind.$field $how', async ({kind, line, field, how, value}) => {
		const file = tmp.path(`${kind}-${field}-${how.replace(/\W/g, '')}.jsonl`);
		writeFileSync(file, damaged(text, line, field, value).map((l) => l + '\n').join(''));
		if (how === 'removed' && optional(kind, field)) {
			// An optional field (absent in older traces) may be missing.
			expect(await replayCommand(['--summary', file])).toBe(0);
			return;
		}
		for (const run of [() => replayCommand(['--summary', file]), () => exportCommand([file, '--chrome', `${file}.json`])]) {
			out = '';
			expect(await run()).toBe(1);
			expect(out).toContain(`${file}:${line}: malformed event line: ${kind} event: field "${field}"`);
			expect(out).not.toMatch(/\n\s+at |TypeError/);
		}
	});
});

describe('a real recording: replay --verify names the line and field', () => {
	let text: string[];
	beforeAll(async () => {
		const program = tmp.path('traps.s');
		writeFileSync(program, traps);
		const file = tmp.path('recorded.jsonl');
		expect(await recordCommand([program, '-o', file, '--detail', 'full', '--sample-every', '50'])).toBe(0);
		text = lines(file);
	});

	test('every kind it holds, every field, every damage', async () => {
		const firsts = new Map<string, number>();
		text.slice(1, -1).forEach((l, i) => {
			const kind = (JSON.parse(l) as {kind: string}).kind;
			if (!firsts.has(kind)) firsts.set(kind, i + 2);
		});
		expect(firsts.size).toBeGreaterThanOrEqual(8);
		let checked = 0;
		for (const [kind, line] of firsts) {
			const e = JSON.parse(text[line - 1]!) as Record<string, unknown>;
			for (const field of Object.keys(e).filter((f) => f !== 'kind')) {
				for (const [how, value] of damages(e[field])) {
					if (how === 'removed' && optional(kind, field)) continue;
					if (how === 'null' && nullable(kind, field)) continue;
					const file = tmp.path(`verify-${kind}-${field}-${how.replace(/\W/g, '')}.jsonl`);
					writeFileSync(file, damaged(text, line, field, value).map((l) => l + '\n').join(''));
					out = '';
					expect(await replayCommand(['--verify', file]), `${kind}.${field} ${how}`).toBe(1);
					expect(out).toContain(`${file}:${line}: malformed event line: ${kind} event: field "${field}"`);
					expect(out).toContain('the trace is damaged: not verified');
					expect(out).not.toMatch(/agrees|\n\s+at |TypeError/);
					checked++;
				}
			}
		}
		expect(checked).toBeGreaterThan(60);
	});
});
