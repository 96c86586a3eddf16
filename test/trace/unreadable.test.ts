/**
 * An unreadable trace. Tests run as root, where chmod 000 does not stop a
 * read, so the permission error is simulated: `openSync` fails with EACCES
 * for this one path, exactly as it does for a user without read permission.
 */
import {writeFileSync} from 'node:fs';
import {afterAll, expect, test, vi} from 'vitest';
import {TraceError} from '../../source/trace/errors.js';
import {TraceReader} from '../../source/trace/reader.js';
import {tempDir} from './helpers.js';

const tmp = tempDir();
const locked = tmp.path('locked.jsonl');

vi.mock('node:fs', async (importOriginal) => {
	const fs = await importOriginal<typeof import('node:fs')>();
	return {
		...fs,
		openSync: (...args: Parameters<typeof fs.openSync>) => {
			if (String(args[0]).endsWith('locked.jsonl')) {
				throw Object.assign(new Error(`EACCES: permission denied, open '${String(args[0])}'`), {code: 'EACCES'});
			}
			return fs.openSync(...args);
		},
	};
});

afterAll(() => tmp.cleanup());

test('an unreadable file: permission denied, named', async () => {
	writeFileSync(locked, '{"type":"header"}\n');
	const error = await TraceReader.open(locked).catch((e: unknown) => e);
	expect(error).toBeInstanceOf(TraceError);
	expect((error as Error).message).toBe(`${locked}: cannot read: permission denied (EACCES)`);
});
