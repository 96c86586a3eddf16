/**
 * The dashboard's code cache (source/cli.ts): written by a run that drew the dashboard, keyed by the SHA-1
 * of the bundle and Node's version; a cache made for anything else is not used but replaced, and the
 * dashboard draws the same either way. No timing assertions: whether V8 took the cache is not visible,
 * what it was keyed by is.
 */
import {createHash} from 'node:crypto';
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {PtySession} from '../../source/bench/ui.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const script = fileURLToPath(new URL('../../dist/dashboard-bundle/main.script.js', import.meta.url));
const cache = script.replace(/\.js$/, '.cache');
let session: PtySession | undefined;

afterEach(() => {
	session?.kill();
	session = undefined;
});

const key = (): Buffer => createHash('sha1').update(readFileSync(script)).update(`\0${process.version} ${process.arch}`).digest();

/** The dashboard up to its first frame, then q; what the status line said. */
async function drawAndQuit(): Promise<string> {
	const s = (session = new PtySession(['node', cli], {cols: 120, rows: 35}));
	const r = await s.wait('vmtop default │', 20);
	if (!r.ok) throw new Error(`no first frame:\n${r.screen ?? ''}`);
	const status = (await s.screen()).split('\n')[0]!.replace(/│ \d+ instr\/s.*$/, '');
	await s.send('q');
	const exit = await s.exit();
	expect(exit).toMatchObject({code: 0});
	return status.replace(/event #\d+ │ cycle \d+ │ instr \d+ /, '');
}

describe("the dashboard's code cache", () => {
	test('a run that draws the dashboard writes it for this bundle and this Node; a foreign one is replaced', async () => {
		expect(existsSync(script), `${script} is missing: run npm run build`).toBe(true);
		rmSync(cache, {force: true});
		const fresh = await drawAndQuit();
		expect(readFileSync(cache).subarray(0, 20)).toEqual(key());

		// Another bundle's (or Node's) cache: same length, other key and data.
		const foreign = Buffer.alloc(readFileSync(cache).length, 7);
		writeFileSync(cache, foreign);
		expect(await drawAndQuit()).toBe(fresh);
		const replaced = readFileSync(cache);
		expect(replaced.subarray(0, 20)).toEqual(key());
		expect(replaced.equals(foreign)).toBe(false);

		// With its own cache the dashboard draws the same.
		expect(await drawAndQuit()).toBe(fresh);
	});
});
