/**
 * The damaged-trace family (issue 13 §2, issue 11 §4), one table: every row
 * damages a good recording one way and runs it through each command that
 * reads traces — replay (not a terminal: the summary), replay --summary,
 * replay --verify and export --chrome. Each must exit non-zero with a message
 * naming the file (and the line and field, where the damage has them), never
 * throw (a stack trace) and never exit 0. Rows whose damage keeps the line
 * count get their checksum recomputed, so the schema, not the checksum, has to
 * find them.
 */
import {writeFileSync} from 'node:fs';
import {gzipSync} from 'node:zlib';
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi} from 'vitest';
import {exportCommand} from '../../source/cli/export.js';
import {recordCommand} from '../../source/cli/record.js';
import {replayCommand} from '../../source/cli/replay.js';
import {lines, tempDir, traps} from './helpers.js';
import {withChecksum} from './damage.js';

const tmp = tempDir();
let good: string[];

let out = '';
beforeEach(() => {
	out = '';
	vi.stubEnv('CI', '1'); // replay FILE prints the summary, as when stdout is not a terminal
	const capture = (chunk: unknown): boolean => {
		out += String(chunk);
		return true;
	};
	vi.spyOn(process.stdout, 'write').mockImplementation(capture);
	vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterEach(() => {
	vi.restoreAllMocks();
	vi.unstubAllEnvs();
});

beforeAll(async () => {
	const program = tmp.path('traps.s');
	writeFileSync(program, traps);
	const file = tmp.path('good.jsonl');
	const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
	expect(await recordCommand([program, '-o', file, '--detail', 'full', '--sample-every', '50'])).toBe(0);
	spy.mockRestore();
	good = lines(file);
});
afterAll(() => tmp.cleanup());

/** Line number (1-based) of the first event of `kind`. */
const lineOf = (kind: string): number => good.findIndex((l) => l.startsWith(`{"kind":"${kind}"`)) + 1;
const header = (): Record<string, unknown> => JSON.parse(good[0]!) as Record<string, unknown>;
const withHeader = (change: (h: Record<string, any>) => void): string[] => {
	const h = header();
	change(h);
	return [JSON.stringify(h), ...good.slice(1)];
};
/** Replace event line `n` (1-based) by `f(parsed)`; keep the checksum right. */
const editEvent = (kind: string, f: (e: Record<string, unknown>) => unknown): {text: string[]; line: number} => {
	const line = lineOf(kind);
	const text = [...good];
	text[line - 1] = JSON.stringify(f(JSON.parse(good[line - 1]!) as Record<string, unknown>));
	return {text: withChecksum(text), line};
};
const join = (text: string[]): string => text.map((l) => l + '\n').join('');

interface Row {
	name: string;
	/** The damaged file's bytes. */
	bytes: () => Buffer | string;
	/** What every command's output must contain (besides the file name). */
	expect: RegExp;
	gz?: boolean;
}

const event = (name: string, kind: string, f: (e: Record<string, unknown>) => unknown, field: string): Row => ({
	name,
	bytes: () => join(editEvent(kind, f).text),
	get expect() {
		return new RegExp(`:${lineOf(kind)}: malformed event line: .*field "${field}"`);
	},
});

const rows: Row[] = [
	{name: 'cut mid-line', bytes: () => join(good).slice(0, Math.floor(join(good).length / 2)), expect: /:\d+: incomplete last line \(the file was cut off\)/},
	{name: 'cut before the footer', bytes: () => join(good.slice(0, -1)), expect: /no footer: the recording did not finish/},
	{name: 'cut gzip stream', gz: true, bytes: () => {
			const gz = gzipSync(join(good));
			return gz.subarray(0, Math.floor(gz.length * 0.9));
		},
		expect: /truncated gzip data|incomplete last line/,
	},
	{name: 'cut gzip stream inside the header', gz: true, bytes: () => gzipSync(join(good)).subarray(0, 300), expect: /:1: not a vmtop trace \(line 1 is not JSON\)/},
	{name: 'a digit flipped mid-file', bytes: () => join(good).replace(/("cycle":\d*)(\d)(,"instret":\d+,"guest":-1\}\n\{"kind":"instruction")/, (_, a: string, d: string, b: string) => `${a}${(Number(d) + 1) % 10}${b}`), expect: /checksum mismatch|field "cycle" decreases/},
	{name: 'a brace flipped mid-file', bytes: () => join(good.map((l, i) => (i === 10 ? '[' + l.slice(1) : l))), expect: /:11: malformed event line \(not a JSON object\)/},
	{name: 'a blank line', bytes: () => join([...good.slice(0, 8), '', ...good.slice(8)]), expect: /:9: empty line where an event was expected/},
	{name: 'two headers', bytes: () => join([good[0]!, ...good]), expect: /:2: malformed footer line: field "type": expected "footer", got "header"/},
	{name: 'a header mid-file', bytes: () => join([...good.slice(0, 12), good[0]!, ...good.slice(12)]), expect: /:13: malformed footer line/},
	{
		name: 'a gzip bomb (70 MiB with no line break after the header)',
		gz: true,
		bytes: () => gzipSync(Buffer.concat([Buffer.from(good[0] + '\n'), Buffer.alloc(70 << 20, 0x61)])),
		expect: /:2: line longer than 64 MiB/,
	},
	event('cycle null', 'iret', (e) => ({...e, cycle: null}), 'cycle'),
	event('cycle a string', 'iret', (e) => ({...e, cycle: '12'}), 'cycle'),
	event('guest a string', 'io', (e) => ({...e, guest: '-1'}), 'guest'),
	event('iret without its pc', 'iret', ({pc: _pc, ...e}) => e, 'pc'),
	event('exception.raised without its vector', 'exception.raised', ({vector: _v, ...e}) => e, 'vector'),
	event('a vector out of range', 'exception.delivered', (e) => ({...e, vector: 300}), 'vector'),
	event('a console text that is a number', 'console', (e) => ({...e, text: 7}), 'text'),
	event('a cpu.sample with registers as text', 'cpu.sample', (e) => ({...e, regs: 'r0'}), 'regs'),
	{name: 'an event that is an array', bytes: () => join(withChecksum(good.map((l, i) => (i === 6 ? '[1,2]' : l)))), expect: /:7: malformed event line \(not a JSON object\)/},
	{name: 'an event that is null', bytes: () => join(withChecksum(good.map((l, i) => (i === 6 ? 'null' : l)))), expect: /:7: malformed event line/},
	{name: 'an unknown kind', bytes: () => join(editEvent('io', (e) => ({...e, kind: 'teleport'})).text), expect: /malformed event line: unknown event kind 'teleport'/},
	{name: 'a numeric kind', bytes: () => join(editEvent('io', (e) => ({...e, kind: 5})).text), expect: /malformed event line: field "kind": expected an event kind/},
	{
		name: 'a decreasing cycle',
		bytes: () => join(editEvent('interrupt.taken', (e) => ({...e, cycle: 0})).text),
		expect: /malformed event line: field "cycle" decreases \(0 after \d+\)/,
	},
	{name: 'a footer with a bad checksum field', bytes: () => join([...good.slice(0, -1), good.at(-1)!.replace(/"checksum":"[^"]*"/, '"checksum":42')]), expect: /malformed footer line: field "checksum"/},
	{name: 'text after the footer', bytes: () => join([...good, '{"kind":"io"}']), expect: /text after the footer/},
	{name: 'header: 100,000,000 guests', bytes: () => join(withHeader((h) => (h.vmm.guests = 100_000_000))), expect: /:1: header: field "vmm.guests": expected a number of guests from 1 to 4096, got 100000000/},
	{name: 'header: 17 guests in a recording', bytes: () => join(withHeader((h) => (h.vmm.guests = 17))), expect: /:1: header: field "vmm.guests": expected a number of guests from 1 to 16 in a recording/},
	{name: 'header: an unknown technique', bytes: () => join(withHeader((h) => (h.vmm.technique = 'kvm'))), expect: /:1: header: field "vmm.technique": expected "none", "trap", "bt", "pv" or "hvm", got "kvm"/},
	{name: 'header: a cost of 1e308', bytes: () => join(withHeader((h) => (h.costs.iret = 1e308))), expect: /:1: header: field "costs.iret": expected a whole number of cycles/},
	{name: 'header: the spec asks for 1 TiB', bytes: () => join(withHeader((h) => (h.scenario.spec.memory = 2 ** 40))), expect: /:1: header: field "scenario.spec.memory": expected a number of bytes/},
	{name: 'header: no symbol tables', bytes: () => join(withHeader((h) => delete h.symbols)), expect: /:1: header: field "symbols" is missing/},
	{name: 'header: version 3', bytes: () => join(withHeader((h) => (h.version = 3))), expect: /:1: unknown trace format version 3/},
	{name: 'header: a JSON array', bytes: () => join(['[1]', ...good.slice(1)]), expect: /not a vmtop trace/},
];

const commands: Array<[string, (file: string) => Promise<number>]> = [
	['replay', (f) => replayCommand([f])],
	['replay --summary', (f) => replayCommand(['--summary', f])],
	['replay --verify', (f) => replayCommand(['--verify', f])],
	['export --chrome', (f) => exportCommand([f, '--chrome', `${f}.chrome.json`])],
];

describe('the good trace passes every reader (the table below could not pass by accident)', () => {
	test.each(commands)('%s', async (_name, run) => {
		const file = tmp.path('good-copy.jsonl');
		writeFileSync(file, join(good));
		expect(await run(file)).toBe(0);
		expect(out).not.toMatch(/malformed|damaged|mismatch/);
	});
});

describe.each(rows)('$name', (row) => {
	test.each(commands)('%s: exit 1, names the file and the damage, no stack trace', async (_name, run) => {
		const file = tmp.path(`${row.name.replace(/\W+/g, '-')}.jsonl${row.gz ? '.gz' : ''}`);
		writeFileSync(file, row.bytes());
		const code = await run(file);
		expect(code).toBe(1);
		expect(out).toContain(file);
		expect(out).toMatch(row.expect);
		expect(out).not.toMatch(/\n\s+at |TypeError|RangeError|agrees/);
	});
});
