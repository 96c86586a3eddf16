/**
 * Issue 13 §3 and issue 13 §4 for the trace readers: a full TMPDIR while opening a `.gz`
 * trace says so (not "malformed event line"), and `import` checks its input's
 * values — vcpu ids, timestamps, line length — reporting lines by number and
 * never echoing binary bytes raw to the terminal.
 */
import {writeFileSync, writeSync} from 'node:fs';
import {afterAll, afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {importCommand} from '../../source/cli/import.js';
import {recordCommand} from '../../source/cli/record.js';
import {TraceError} from '../../source/trace/errors.js';
import {importKvm, printable} from '../../source/trace/kvm-import.js';
import {TraceReader, inflateHooks} from '../../source/trace/reader.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {tempDir, traps} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let err = '';
beforeEach(() => {
	err = '';
	vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
	vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
		err += String(chunk);
		return true;
	});
});
afterEach(() => {
	vi.restoreAllMocks();
	inflateHooks.writeSync = writeSync;
});

let n = 0;
const input = (text: string | Buffer): string => {
	const p = tmp.path(`in-${++n}.txt`);
	writeFileSync(p, text);
	return p;
};
const exit = (vcpu: string, time: string): string => `a-1 [000] ${time}: kvm_exit: vcpu ${vcpu} reason HLT rip 0x1`;

describe('opening a .gz trace with a full TMPDIR', () => {
	test('a short write then ENOSPC: the disk is full, TMPDIR named — not a malformed line', async () => {
		const trace = tmp.path('t.jsonl.gz');
		writeFileSync(tmp.path('p.s'), traps);
		expect(await recordCommand([tmp.path('p.s'), '-o', trace, '--detail', 'full'])).toBe(0);
		let calls = 0;
		inflateHooks.writeSync = (fd, data, offset, length) => {
			if (++calls === 1) return writeSync(fd, data, offset, Math.min(length, 100)); // a partial write first
			throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
		};
		const error = await TraceReader.open(trace).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TraceError);
		expect((error as Error).message).toMatch(/t\.jsonl\.gz: cannot decompress it into the temporary directory .*: no space left on the device \(ENOSPC\) — that disk is full; free space there or set TMPDIR/);
		expect((error as Error).message).not.toMatch(/malformed/);
	});

	test('a TMPDIR that does not exist is named too', async () => {
		const trace = tmp.path('u.jsonl.gz');
		writeFileSync(tmp.path('q.s'), traps);
		expect(await recordCommand([tmp.path('q.s'), '-o', trace])).toBe(0);
		const saved = process.env['TMPDIR'];
		process.env['TMPDIR'] = tmp.path('no-such-dir');
		try {
			await expect(TraceReader.open(trace)).rejects.toThrow(/cannot decompress it into the temporary directory .*no-such-dir: no such file or directory/);
		} finally {
			if (saved === undefined) delete process.env['TMPDIR'];
			else process.env['TMPDIR'] = saved;
		}
	});
});

describe('import checks the values of its lines', () => {
	test('vcpu -1 and a vcpu no KVM has are refused by line number', async () => {
		const file = input([exit('0', '1.000000'), exit('-1', '1.000001'), exit('99999', '1.000002')].join('\n'));
		const result = await importKvm(file, tmp.path(`o-${n}.jsonl`));
		expect(result.exits).toBe(1);
		expect(result.unparsed.map((u) => [u.line, u.why])).toEqual([
			[2, 'vcpu -1 is not a vcpu number (0 … 4095)'],
			[3, 'vcpu 99999 is not a vcpu number (0 … 4095)'],
		]);
		expect(result.vcpus).toEqual([0]);
	});

	test('a timestamp of 1e20 s is refused by line number; the others keep exact durations', async () => {
		const file = input(
			[exit('0', '1.000000'), 'a-1 [000] 1.000250: kvm_entry: vcpu 0', exit('0', '100000000000000000000.000000'), exit('0', '2.000000'), 'a-1 [000] 2.000100: kvm_entry: vcpu 0'].join('\n'),
		);
		const output = tmp.path(`o-${n}.jsonl`);
		const result = await importKvm(file, output);
		expect(result.unparsed).toEqual([expect.objectContaining({line: 3, why: 'timestamp 100000000000000000000 s is not a host\'s uptime (at most 4294967296 s)'})]);
		const reader = await TraceReader.open(output);
		const costs = [...new TraceCursor(reader).range(0, reader.length)].filter((e) => e.kind === 'vmm.resume').map((e) => (e as {cost: number}).cost);
		reader.close();
		expect(costs).toEqual([250_000, 100_000]);
	});

	test('durations stay exact on a host up for years (seconds · 1e9 past 2^53)', async () => {
		const file = input([exit('0', '31536000.000000001'), 'a-1 [000] 31536000.000000004: kvm_entry: vcpu 0'].join('\n'));
		const output = tmp.path(`o-${n}.jsonl`);
		await importKvm(file, output);
		const reader = await TraceReader.open(output);
		const resume = [...new TraceCursor(reader).range(0, reader.length)].find((e) => e.kind === 'vmm.resume') as {cost: number};
		reader.close();
		expect(resume.cost).toBe(3);
	});

	test('a line longer than the limit is a message naming the line, not a RangeError', async () => {
		const file = input(`${exit('0', '1.000000')}\n${'x'.repeat(5000)}\n`);
		const error = await importKvm(file, tmp.path(`o-${n}.jsonl`), {maxLineBytes: 1024}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TraceError);
		expect((error as Error).message).toBe(`${file}:2: a line longer than 1,024 bytes — not ftrace text (trace-cmd report or /sys/kernel/tracing/trace)?`);
	});

	test('binary input is escaped on stderr, never written raw', async () => {
		const binary = Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x07, 0xff, 0xfe, 0x00, 0x41]);
		const file = input(Buffer.concat([Buffer.from(exit('0', '1.000000') + '\n'), binary, Buffer.from('\n')]));
		expect(await importCommand([file, '-o', tmp.path(`o-${n}.jsonl`)])).toBe(0);
		expect(err).toContain(`${file}:2: cannot parse, skipped: \\x1b[2J\\x07\\x??\\x??\\x00A`);
		// eslint-disable-next-line no-control-regex
		expect(err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
		expect(printable('a\u2028b')).toBe('a\\x2028b');
	});
});
