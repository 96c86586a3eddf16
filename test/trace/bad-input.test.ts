/**
 * Every kind of bad trace gives a clear message naming the file (and line),
 * never a crash; what can be replayed still is.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, test} from 'vitest';
import {TraceError} from '../../source/trace/errors.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {fake, lines, tempDir, writeLines} from './helpers.js';

const tmp = tempDir();
let good: string[];
let goodGz: Buffer;

beforeAll(async () => {
	for (const name of ['good.jsonl', 'good.jsonl.gz']) {
		const sim = fake();
		const {recording} = startRecording(sim, tmp.path(name), {detail: 'exceptions', sampleEvery: 100});
		await recordLoop(sim, recording);
	}
	good = lines(tmp.path('good.jsonl'));
	goodGz = readFileSync(tmp.path('good.jsonl.gz'));
});
afterAll(() => tmp.cleanup());

async function fails(file: string): Promise<string> {
	const error = await TraceReader.open(file).then(
		() => null,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(TraceError);
	return (error as TraceError).message;
}

/** Open, read every event, and return what the reader said. */
async function replay(file: string): Promise<{count: number; problems: string[]; reader: TraceReader}> {
	const reader = await TraceReader.open(file, {blockSize: 8});
	const count = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)].length;
	reader.close();
	return {count, problems: reader.problems.map((p) => `${p.line ?? '-'}: ${p.message}`), reader};
}

describe('files that are not traces at all', () => {
	test('plain text', async () => {
		const file = tmp.path('notes.txt');
		writeFileSync(file, 'hello, world\n');
		expect(await fails(file)).toBe(`${file}: not a vmtop trace (it does not start with a JSON header line)`);
	});

	test('JSON Lines of something else', async () => {
		const file = tmp.path('other.jsonl');
		writeLines(file, ['{"name":"x"}', '{"name":"y"}']);
		expect(await fails(file)).toMatch(new RegExp(`^${file}:1: not a vmtop trace`));
	});

	test('a JSON object split over lines (not JSON Lines)', async () => {
		const file = tmp.path('pretty.json');
		writeFileSync(file, '{\n  "a": 1\n}\n');
		expect(await fails(file)).toBe(`${file}:1: not a vmtop trace (line 1 is not JSON)`);
	});

	test('unknown format version', async () => {
		const file = tmp.path('v99.jsonl');
		const header = {...JSON.parse(good[0]!), version: 99};
		writeLines(file, [JSON.stringify(header), ...good.slice(1)]);
		expect(await fails(file)).toBe(`${file}:1: unknown trace format version 99 (this vmtop reads versions 1 and 2)`);
	});

	test('empty file', async () => {
		const file = tmp.path('empty.jsonl');
		writeFileSync(file, '');
		expect(await fails(file)).toBe(`${file}: empty file, not a vmtop trace`);
	});

	test('only blank lines', async () => {
		const file = tmp.path('blank.jsonl');
		writeFileSync(file, '\n\n');
		expect(await fails(file)).toMatch(/not a vmtop trace/);
	});

	test('a directory', async () => {
		const dir = tmp.path('a-directory');
		mkdirSync(dir);
		expect(await fails(dir)).toBe(`${dir}: is a directory, not a trace file`);
	});

	test('a file that does not exist', async () => {
		const file = tmp.path('nope.jsonl');
		expect(await fails(file)).toBe(`${file}: cannot open: no such file or directory (ENOENT)`);
	});

	test('gzip magic, then garbage', async () => {
		const file = tmp.path('junk.jsonl.gz');
		writeFileSync(file, Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
		expect(await fails(file)).toBe(`${file}: not valid gzip data, not a vmtop trace`);
	});
});

describe('damaged traces replay what is good and say what is wrong', () => {
	test('a malformed line N: replays up to it', async () => {
		const file = tmp.path('malformed.jsonl');
		const damaged = [...good];
		damaged[9] = '{"kind":"io","port":16,'; // line 10, cut mid-object
		writeLines(file, damaged);
		const {count, problems} = await replay(file);
		expect(count).toBe(8); // events are lines 2..9
		expect(problems).toEqual(['10: malformed event line (not a JSON object); replaying the 8 events before it']);
	});

	test('a well-shaped line with a bad field is found when read', async () => {
		const file = tmp.path('badfield.jsonl');
		const damaged = [...good];
		damaged[20] = '{"kind":"io","port":16,"cycle":"soon","instret":1,"guest":-1}'; // line 21
		writeLines(file, damaged);
		const {count, problems} = await replay(file);
		expect(count).toBe(19);
		// The open pass saw a changed file (checksum); the read found the line.
		expect(problems).toEqual([
			expect.stringMatching(/checksum mismatch/),
			'21: malformed event line: io event: field "cycle": expected a cycle count (an integer ≥ 0), got "soon"; replaying the 19 events before it',
		]);
	});

	test('an unknown event kind', async () => {
		const file = tmp.path('kind.jsonl');
		const damaged = [...good];
		damaged[5] = '{"kind":"teleport","cycle":1,"instret":1,"guest":-1}';
		writeLines(file, damaged);
		const {count, problems} = await replay(file);
		expect(count).toBe(4);
		expect(problems[0]).toMatch(/^6: malformed event line: unknown event kind 'teleport'/);
	});

	test('missing footer (killed recording): replays everything, warns', async () => {
		const file = tmp.path('nofooter.jsonl');
		writeLines(file, good.slice(0, -1));
		const {count, problems} = await replay(file);
		expect(count).toBe(good.length - 2);
		expect(problems).toEqual([
			`-: no footer: the recording did not finish (killed, or the file was cut); replaying the ${good.length - 2} events present`,
		]);
	});

	test('a file cut in the middle of a line', async () => {
		const file = tmp.path('cut.jsonl');
		const text = readFileSync(tmp.path('good.jsonl'), 'utf8');
		const cut = text.lastIndexOf('\n', text.length / 2) + 10;
		writeFileSync(file, text.slice(0, cut));
		const {count, problems} = await replay(file);
		const complete = text.slice(0, cut).split('\n').length - 2; // header + the cut line
		expect(count).toBe(complete);
		expect(problems).toEqual([`${complete + 2}: incomplete last line (the file was cut off); replaying the ${complete} events before it`]);
	});

	test('truncated gzip: replays what is there, warns', async () => {
		const file = tmp.path('truncated.jsonl.gz');
		writeFileSync(file, goodGz.subarray(0, Math.floor(goodGz.length * 0.6)));
		const {count, problems, reader} = await replay(file);
		expect(count).toBeGreaterThan(0);
		expect(count).toBeLessThan(good.length - 2);
		expect(reader.footer).toBeNull();
		expect(problems.join('\n')).toMatch(/truncated gzip data: replaying the \d+ events before the cut/);
	});

	test('checksum mismatch: an edited event', async () => {
		const file = tmp.path('edited.jsonl');
		const edited = [...good];
		const i = edited.findIndex((l) => l.includes('"kind":"console"'));
		edited[i] = edited[i]!.replace(/"text":"(.)"/, '"text":"X"');
		expect(edited[i]).not.toBe(good[i]);
		writeLines(file, edited);
		const {count, problems} = await replay(file);
		expect(count).toBe(good.length - 2);
		expect(problems).toHaveLength(1);
		expect(problems[0]).toMatch(
			new RegExp(`^${good.length}: checksum mismatch: the footer says crc32:[0-9a-f]{8}, the event lines hash to crc32:[0-9a-f]{8}`),
		);
	});

	test('a deleted event: footer count and checksum disagree', async () => {
		const file = tmp.path('deleted.jsonl');
		writeLines(file, [...good.slice(0, 5), ...good.slice(6)]);
		const {problems} = await replay(file);
		expect(problems.join('\n')).toMatch(/footer counts \d+ events, the file holds \d+/);
		expect(problems.join('\n')).toMatch(/checksum mismatch/);
	});

	test('text after the footer is ignored with a warning', async () => {
		const file = tmp.path('after.jsonl');
		writeLines(file, [...good, 'trailing words']);
		const {count, problems} = await replay(file);
		expect(count).toBe(good.length - 2);
		expect(problems).toEqual([`${good.length + 1}: text after the footer, ignored`]);
	});

	test('CRLF line ends (a file that went through Windows) still replay', async () => {
		const file = tmp.path('crlf.jsonl');
		writeFileSync(file, good.map((l) => l + '\r\n').join(''));
		const {count, problems} = await replay(file);
		expect(count).toBe(good.length - 2);
		expect(problems.join('\n')).toMatch(/checksum mismatch/); // the bytes changed; the events did not
	});
});
