/**
 * Nothing lost through an output path (issue 13 §1): every command that writes
 * a file refuses its own input (also through a symlink), refuses an existing
 * file without --force, and leaves nothing — and the old file as it was — when
 * it fails. One describe per command, and the shared helper's full-disk case.
 */
import {existsSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {afterAll, afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {exportCommand} from '../../source/cli/export.js';
import {importCommand} from '../../source/cli/import.js';
import {recordCommand} from '../../source/cli/record.js';
import {exportChrome} from '../../source/trace/chrome-export.js';
import {OutputFile, isTraceFrom} from '../../source/trace/output-file.js';
import {TraceReader} from '../../source/trace/reader.js';
import {startRecording} from '../../source/trace/recorder.js';
import {LiveRecorder} from '../../source/driver/live-recorder.js';
import {fake, lines, tempDir, traps} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

let out = '';
let err = '';
beforeEach(() => {
	out = '';
	err = '';
	vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
		out += String(chunk);
		return true;
	});
	vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
		err += String(chunk);
		return true;
	});
});
afterEach(() => vi.restoreAllMocks());

let serial = 0;
/** A fresh directory's path for `name` (each test its own names). */
const fresh = (name: string): string => tmp.path(`${++serial}-${name}`);
const write = (name: string, text: string | Buffer): string => {
	const file = fresh(name);
	writeFileSync(file, text);
	return file;
};
/** No `.partial` temporary file left anywhere in the test directory. */
const noPartials = (): void => expect(readdirSync(tmp.dir).filter((f) => f.includes('.partial'))).toEqual([]);

async function recorded(name: string): Promise<string> {
	const file = fresh(name);
	expect(await recordCommand([write('p.s', traps), '-o', file])).toBe(0);
	return file;
}

const ftrace = ['a-1 [000] 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1', 'a-1 [000] 1.000100: kvm_entry: vcpu 0, rip 0x2'].join('\n') + '\n';

describe('export', () => {
	test('--chrome the trace itself: refused, the trace unchanged', async () => {
		const trace = await recorded('same.jsonl');
		const before = readFileSync(trace);
		expect(await exportCommand([trace, '--chrome', trace])).toBe(1);
		expect(err).toMatch(/same\.jsonl: is the input; writing it would destroy the input/);
		expect(readFileSync(trace).equals(before)).toBe(true);
		noPartials();
	});

	test('a .gz trace through a symlink: refused, and not replaced by Chrome JSON', async () => {
		const trace = await recorded('t.jsonl.gz');
		const link = fresh('link.json');
		symlinkSync(trace, link);
		const before = readFileSync(trace);
		expect(await exportCommand([trace, '--chrome', link])).toBe(1);
		expect(err).toMatch(/link\.json: is the input \(.*link\.json and .*t\.jsonl\.gz are the same file\)/);
		expect(readFileSync(trace).equals(before)).toBe(true);
		expect((await TraceReader.open(trace)).footer).not.toBeNull();
	});

	test('an existing file: refused without --force, replaced with it', async () => {
		const trace = await recorded('t.jsonl');
		const existing = write('old.json', 'keep me');
		expect(await exportCommand([trace, '--chrome', existing])).toBe(1);
		expect(err).toMatch(/old\.json: already exists; --force replaces it/);
		expect(readFileSync(existing, 'utf8')).toBe('keep me');
		expect(await exportCommand([trace, '--chrome', existing, '--force'])).toBe(0);
		expect(JSON.parse(readFileSync(existing, 'utf8'))).toHaveProperty('traceEvents');
		noPartials();
	});

	test('a full disk: says so, leaves nothing (and no half-written JSON)', async () => {
		const trace = await recorded('t.jsonl');
		const target = fresh('full.json');
		const reader = await TraceReader.open(trace);
		let calls = 0;
		const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'});
		const output = OutputFile.create(target, {
			writeSync: (_fd, _data, _offset, length) => {
				if (++calls > 1) throw enospc;
				return Math.min(length, 10); // the first write is short, as on a disk filling up
			},
		});
		expect(() => exportChrome(reader, output)).toThrow(/full\.json: cannot write: no space left on the device \(ENOSPC\) — the disk is full; nothing was written/);
		reader.close();
		expect(existsSync(target)).toBe(false);
		noPartials();
	});
});

describe('import', () => {
	test('a failed import (no kvm_exit) leaves the existing trace as it was, even with --force', async () => {
		const victim = await recorded('victim.jsonl.gz');
		const before = readFileSync(victim);
		const empty = write('empty.txt', '');
		expect(await importCommand([empty, '-o', victim])).toBe(1);
		expect(err).toMatch(/victim\.jsonl\.gz: already exists; --force replaces it/);
		err = '';
		expect(await importCommand([empty, '-o', victim, '--force'])).toBe(1);
		expect(err).toMatch(/no kvm_exit lines found .*victim\.jsonl\.gz was not written/);
		expect(readFileSync(victim).equals(before)).toBe(true);
		noPartials();
	});

	test('a failed import to a new file creates nothing', async () => {
		const target = fresh('new.jsonl');
		expect(await importCommand([write('none.txt', '# tracer: nop\n'), '-o', target])).toBe(1);
		expect(existsSync(target)).toBe(false);
		noPartials();
	});

	test('-o the input itself, or a symlink to it: refused, the input unchanged', async () => {
		const input = write('k.txt', ftrace);
		expect(await importCommand([input, '-o', input])).toBe(1);
		expect(err).toMatch(/k\.txt: is the input/);
		const link = fresh('k-link.jsonl');
		symlinkSync(input, link);
		expect(await importCommand([input, '-o', link, '--force'])).toBe(1);
		expect(readFileSync(input, 'utf8')).toBe(ftrace);
	});

	test('a good import to an existing file needs --force', async () => {
		const input = write('k.txt', ftrace);
		const target = write('old.jsonl', 'old');
		expect(await importCommand([input, '-o', target])).toBe(1);
		expect(readFileSync(target, 'utf8')).toBe('old');
		expect(await importCommand([input, '-o', target, '--force'])).toBe(0);
		expect(isTraceFrom(target, 'import')).toBe(true);
	});
});

describe('record', () => {
	test('-o the program itself: refused, the source unchanged', async () => {
		const source = write('h.s', traps);
		expect(await recordCommand([source, '-o', source])).toBe(1);
		expect(err).toMatch(/h\.s: is the input/);
		expect(readFileSync(source, 'utf8')).toBe(traps);
		noPartials();
	});

	test('-o a symlink to the program, even with --force: refused', async () => {
		const source = write('h.s', traps);
		const link = fresh('h.jsonl');
		symlinkSync(source, link);
		expect(await recordCommand([source, '-o', link, '--force'])).toBe(1);
		expect(readFileSync(source, 'utf8')).toBe(traps);
	});

	test('an existing file that is not a recorded trace: refused without --force', async () => {
		const notes = write('notes.txt', 'my notes');
		expect(await recordCommand([write('p.s', traps), '-o', notes])).toBe(1);
		expect(err).toMatch(/notes\.txt: already exists; --force replaces it/);
		expect(readFileSync(notes, 'utf8')).toBe('my notes');
		expect(await recordCommand([write('p.s', traps), '-o', notes, '--force'])).toBe(0);
		expect(isTraceFrom(notes, 'record')).toBe(true);
	});

	test('an imported trace is not replaced without --force (it is not a recording)', async () => {
		const imported = fresh('kvm.jsonl.gz');
		expect(await importCommand([write('k.txt', ftrace), '-o', imported])).toBe(0);
		const before = readFileSync(imported);
		expect(await recordCommand([write('p.s', traps), '-o', imported])).toBe(1);
		expect(readFileSync(imported).equals(before)).toBe(true);
	});

	test('re-recording a trace that record wrote replaces it (documented in docs/traces.md)', async () => {
		const trace = await recorded('again.jsonl.gz');
		const first = lines(trace)[0]!;
		expect(await recordCommand([write('p.s', traps), '-o', trace, '--detail', 'full'])).toBe(0);
		expect(JSON.parse(lines(trace)[0]!)).toMatchObject({detail: 'full'});
		expect(JSON.parse(first)).toMatchObject({detail: 'exceptions'});
		noPartials();
	});

	test('a symlink to nothing is a name that exists: refused without --force, left as it was', async () => {
		const link = fresh('dangling.jsonl');
		symlinkSync(fresh('nowhere'), link);
		expect(await recordCommand([write('p.s', traps), '-o', link])).toBe(1);
		expect(err).toMatch(/dangling\.jsonl: already exists; --force replaces it/);
		expect(lstatSync(link).isSymbolicLink()).toBe(true);
		noPartials();
	});

	test('startRecording on a path refuses an existing file', () => {
		const existing = write('x.jsonl', 'x');
		expect(() => startRecording(fake(), existing, {detail: 'exceptions'})).toThrow(/already exists/);
		expect(readFileSync(existing, 'utf8')).toBe('x');
	});
});

describe("the dashboard's R", () => {
	test('a file that appears under its name while recording is not overwritten', () => {
		const target = fresh('live.vmtrace.jsonl');
		const recorder = new LiveRecorder(() => fake(), {traceFile: () => target});
		expect(recorder.start().file).toBe(target);
		writeFileSync(target, 'someone else');
		const saved = recorder.stop('recording-stopped');
		expect(saved?.error).toMatch(/live\.vmtrace\.jsonl: was created while writing/);
		expect(readFileSync(target, 'utf8')).toBe('someone else');
		noPartials();
	});
});
