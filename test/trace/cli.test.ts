/**
 * The trace commands: record, replay (summary and --verify), export, import —
 * in process for the messages and exit codes, and the built binary
 * (dist/cli.js, as `npm test` builds it) for SIGTERM and SIGINT while recording.
 */
import {type ChildProcess, spawn} from 'node:child_process';
import {existsSync, readFileSync, statSync, watch, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {UsageError} from '../../source/cli/args.js';
import {exportCommand} from '../../source/cli/export.js';
import {importCommand} from '../../source/cli/import.js';
import {recordCommand} from '../../source/cli/record.js';
import {replayCommand} from '../../source/cli/replay.js';
import {TraceReader} from '../../source/trace/reader.js';
import {captureOutput} from '../helpers/capture.js';
import {lines, spin, tempDir, traps, writeLines} from './helpers.js';

const tmp = tempDir();
const root = fileURLToPath(new URL('../../', import.meta.url));
afterAll(() => tmp.cleanup());

let out = '';
let err = '';
beforeEach(() => {
	out = '';
	err = '';
	captureOutput({stdout: (text) => (out += text), stderr: (text) => (err += text)});
});
afterEach(() => vi.restoreAllMocks());

const program = (name: string, source: string): string => {
	const file = tmp.path(name);
	writeFileSync(file, source);
	return file;
};

describe('vmtop record', () => {
	test('records a program, says where, and the trace verifies', async () => {
		const file = tmp.path('traps.jsonl.gz');
		expect(await recordCommand([program('traps.s', traps), '-o', file, '--detail', 'full'])).toBe(0);
		expect(err).toMatch(/instructions .* events .* instr\/s/);
		expect(err).toMatch(new RegExp(`recorded [\\d,]+ events to ${file} \\(powered off with code 0\\)`));
		expect(await replayCommand(['--verify', file])).toBe(0);
		expect(out).toMatch(/the rerun agrees with the trace: [\d,]+ events compared, no difference/);
	});

	test('the default scenario, with an instruction limit', async () => {
		const file = tmp.path('default.jsonl');
		expect(await recordCommand(['-o', file, '--max-instructions', '20000'])).toBe(0);
		const footer = JSON.parse(lines(file).at(-1)!);
		expect(footer).toMatchObject({end: 'instruction-limit', instret: 20000});
		expect(JSON.parse(lines(file)[0]!).scenario.name).toBe('default');
	});

	test('usage errors', async () => {
		await expect(recordCommand([program('a.s', traps)])).rejects.toThrow(UsageError);
		await expect(recordCommand(['-o', tmp.path('x.jsonl'), '--detail', 'some'])).rejects.toThrow(/--detail expects one of exceptions, full/);
		await expect(recordCommand(['-o', tmp.path('x.jsonl'), '--bogus'])).rejects.toThrow(/Unknown flag --bogus/);
	});

	test('a file that cannot be created: exit 1, named', async () => {
		expect(await recordCommand([program('b.s', traps), '-o', tmp.path('no/such/dir/t.jsonl')])).toBe(1);
		expect(err).toMatch(/no\/such\/dir\/t\.jsonl: cannot create: no such file or directory/);
	});

	test('a disk that fills up: a clear message, exit 1', async () => {
		expect(await recordCommand([program('full.s', traps), '-o', '/dev/full'])).toBe(1);
		expect(err).toBe('vmtop: /dev/full: cannot write: no space left on the device (ENOSPC)\n');
	});

	test('a program that does not assemble: its errors, exit 1', async () => {
		expect(await recordCommand([program('bad.s', 'frobnicate r1\n'), '-o', tmp.path('bad.jsonl')])).toBe(1);
		expect(err).toMatch(/bad\.s:1:1: /);
		expect(existsSync(tmp.path('bad.jsonl'))).toBe(false);
	});
});

describe('vmtop replay (not a terminal: a summary)', () => {
	test('summarizes a good trace, exit 0', async () => {
		const file = tmp.path('sum.jsonl');
		await recordCommand([program('sum.s', traps), '-o', file]);
		out = '';
		expect(await replayCommand([file])).toBe(0);
		expect(out).toMatch(/vmtop trace v2, recorded by vmtop/);
		expect(out).toMatch(/events: .*exception\.raised/);
		expect(out).toMatch(/end: stopped — powered off with code 0; checksum crc32:/);
	});

	test('the VMM exits table lines up, long reason names included', async () => {
		const file = tmp.path('kvm-summary.jsonl');
		expect(await importCommand([`${root}samples/traces/kvm-sample.txt`, '-o', file])).toBe(0);
		out = '';
		expect(await replayCommand([file])).toBe(0);
		const table = out.slice(out.indexOf('VMM exits')).trimEnd().split('\n');
		expect(table.some((l) => l.startsWith('EXTERNAL_INTERRUPT '))).toBe(true);
		// An imported trace's clock is host time: no `instruction 0`, no cycles.
		expect(out).toMatch(/600 events, over [\d,.]+ µs of host time\n/);
		expect(out).not.toContain('to instruction 0');
		expect(table[0]).toMatch(/mean host time$/);
		expect(table[1]).toMatch(/ µs$/);
		// Right-aligned columns: every line's count, share and mean cycles end where the heading's do.
		const ends = (line: string) => [...line.matchAll(/\S+(?= {2}|$)/g)].map((m) => m.index + m[0].length).slice(-3);
		const heading = ends(table[0]!);
		for (const line of table.slice(1)) expect(ends(line), line).toEqual(heading);
	});

	test('bad input: the message names the file (and line), exit 1', async () => {
		const notTrace = tmp.path('notes.txt');
		writeFileSync(notTrace, 'hello\n');
		expect(await replayCommand([notTrace])).toBe(1);
		expect(err).toBe(`vmtop: ${notTrace}: not a vmtop trace (it does not start with a JSON header line)\n`);

		const file = tmp.path('cut.jsonl');
		await recordCommand([program('cut.s', traps), '-o', file]);
		const text = lines(file);
		text[5] = '{"kind":"io"';
		writeLines(file, text);
		err = '';
		expect(await replayCommand([file])).toBe(1);
		expect(err).toBe(`vmtop: ${file}:6: malformed event line (not a JSON object); replaying the 4 events before it\n`);
	});

	test('--verify reports the first difference of a tampered trace', async () => {
		const file = tmp.path('tamper.jsonl');
		await recordCommand([program('tamper.s', traps), '-o', file]);
		const text = lines(file);
		const i = text.findIndex((l) => l.includes('"kind":"iret"'));
		text[i] = text[i]!.replace(/"cycle":(\d+)/, (_, c: string) => `"cycle":${Number(c) + 1}`);
		writeLines(file, text);
		out = '';
		expect(await replayCommand(['--verify', file])).toBe(1);
		expect(out).toMatch(new RegExp(`${file}:${i + 1}: the rerun differs from the trace at event ${i} \\(${i - 1} events before it agree\\)`));
		expect(out).toMatch(/field: {2}cycle/);
		expect(out).toMatch(/trace: {2}\{"kind":"iret"/);
		expect(out).toMatch(/rerun: {2}\{"kind":"iret"/);
	});

	test('--verify on an import: it cannot be rerun, exit 1', async () => {
		const file = tmp.path('kvm.jsonl');
		expect(await importCommand([`${root}samples/traces/kvm-sample.txt`, '-o', file])).toBe(0);
		expect(await replayCommand(['--verify', file])).toBe(1);
		expect(err).toMatch(/this trace was imported \(kvm-ftrace\); there is no run to rebuild/);
	});
});

describe('vmtop export --chrome', () => {
	test('writes JSON and says how many slices', async () => {
		const file = tmp.path('e.jsonl');
		await recordCommand([program('e.s', traps), '-o', file]);
		out = '';
		expect(await exportCommand([file, '--chrome', tmp.path('e.json')])).toBe(0);
		expect(out).toMatch(/exported \d+ events .* \(\d+ slices, \d+ instants\)/);
		expect(() => JSON.parse(readFileSync(tmp.path('e.json'), 'utf8'))).not.toThrow();
	});

	test('needs --chrome; a missing trace is exit 1', async () => {
		await expect(exportCommand([tmp.path('e.jsonl')])).rejects.toThrow(/--chrome OUT\.json/);
		expect(await exportCommand([tmp.path('missing.jsonl'), '--chrome', tmp.path('m.json')])).toBe(1);
		expect(err).toMatch(/missing\.jsonl: cannot open: no such file or directory/);
	});
});

describe('vmtop import', () => {
	test('reports unparseable lines with numbers and goes on', async () => {
		const input = tmp.path('mixed.txt');
		writeFileSync(input, ['a-1 [000] 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1', 'garbage here', 'a-1 [000] 1.000100: kvm_entry: vcpu 0, rip 0x2'].join('\n'));
		expect(await importCommand([input, '-o', tmp.path('mixed.jsonl')])).toBe(0);
		expect(err).toBe(`${input}:2: cannot parse, skipped: garbage here\n`);
		expect(out).toMatch(/imported 1 exits and 1 entries of 1 vcpu from .* \(3 lines, 0 other events skipped, 1 unparseable\)/);
	});

	test('no KVM lines at all: exit 1 with a hint', async () => {
		const input = tmp.path('none.txt');
		writeFileSync(input, '# tracer: nop\n');
		expect(await importCommand([input, '-o', tmp.path('none.jsonl')])).toBe(1);
		expect(err).toMatch(/no kvm_exit lines found in 1 lines — is this a KVM trace/);
	});
});

/**
 * Resolves once `file` holds more than `bytes` — woken by the directory's change events, never by a
 * timer; rejects if `child` exits first.
 */
function grown(file: string, bytes: number, child: ChildProcess): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = (error?: Error): void => {
			watcher.close();
			child.off('exit', early);
			if (error) reject(error);
			else resolve();
		};
		const check = (): void => {
			if (existsSync(file) && statSync(file).size > bytes) done();
		};
		const early = (code: number | null): void => done(new Error(`vmtop record exited (${code}) before ${file} reached ${bytes} bytes`));
		const watcher = watch(dirname(file), check);
		child.on('exit', early);
		check();
	});
}

describe('signals while recording (the built binary)', () => {
	for (const [signal, name] of [
		['SIGTERM', 't.jsonl'],
		['SIGINT', 't.jsonl.gz'],
		['SIGHUP', 't.jsonl'],
		['SIGQUIT', 't.jsonl.gz'],
	] as const) {
		test(`${signal} flushes and closes the file with its footer; it replays`, async () => {
			const file = tmp.path(`${signal}-${name}`);
			const spinFile = program('spin.s', spin);
			const child = spawn(process.execPath, [`${root}dist/cli.js`, 'record', spinFile, '-o', file, '--detail', 'full'], {cwd: root});
			let stderr = '';
			child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
			const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
			// Until it ends the recording goes to FILE.PID.partial beside FILE (output-file.ts).
			const partial = `${file}.${child.pid}.partial`;
			await grown(partial, 200_000, child);
			expect(existsSync(file)).toBe(false);
			child.kill(signal);
			expect(await exited).toBe({SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143}[signal]);
			expect(existsSync(partial)).toBe(false);
			expect(stderr).toMatch(new RegExp(`stopped by ${signal}`));
			const reader = await TraceReader.open(file);
			expect(reader.problems).toEqual([]);
			expect(reader.footer).toMatchObject({end: signal});
			expect(reader.length).toBeGreaterThan(1000);
			expect(reader.footer?.events).toBe(reader.length);
			reader.close();
		});
	}
});
