/** A transient VMM in traces (issue 18): vmm.attach/vmm.detach recorded, the rerun agrees, Perfetto shows the interval. */
import {readFileSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {afterEach, expect, test, vi} from 'vitest';
import {exportCommand} from '../../source/cli/export.js';
import {recordCommand} from '../../source/cli/record.js';
import {replayCommand} from '../../source/cli/replay.js';
import {captureOutput} from '../helpers/capture.js';
import {scratchDir} from '../helpers/scratch.js';

afterEach(() => vi.restoreAllMocks());

async function quiet(run: () => Promise<number>): Promise<{code: number; out: string}> {
	let out = '';
	captureOutput({stdout: (t) => (out += t), stderr: (t) => (out += t)});
	const code = await run();
	vi.restoreAllMocks();
	return {code, out};
}

test('record, replay --verify and export --chrome of a run with a transient interval', async () => {
	const dir = scratchDir();
	const trace = join(dir, 't.vmtrace');
	// The schedule from the scenario's "transient" key (docs/scenarios.md).
	const scenario = join(dir, 't.json');
	const programs = ['hello', 'hanoi'].map((p) => resolve(`samples/user/${p}.s`));
	writeFileSync(scenario, JSON.stringify({programs, input: '3\n', transient: [{at: 5000, attach: 'bt'}, {at: 12000, detach: true}]}));
	expect((await quiet(() => recordCommand([scenario, '-o', trace]))).code).toBe(0);
	const lines = readFileSync(trace, 'utf8').split('\n').filter((l) => l.startsWith('{'));
	const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e['kind'] === 'vmm.attach' || e['kind'] === 'vmm.detach');
	expect(found).toHaveLength(2);
	const [attach, detach] = found;
	expect(attach).toMatchObject({kind: 'vmm.attach', technique: 'bt', hosted: false, instret: 5000, guest: 0});
	expect(detach).toMatchObject({kind: 'vmm.detach', technique: 'bt', instret: 12000, guest: -1});
	expect(detach!['entries']).toBeGreaterThan(0);
	// The header carries the schedule: the rerun attaches and detaches at the same points.
	const verify = await quiet(() => replayCommand([trace, '--verify']));
	expect(verify.out).toMatch(/the rerun agrees with the trace: [\d,]+ events compared, no difference/);
	expect(verify.code).toBe(0);
	const chrome = join(dir, 'chrome.json');
	expect((await quiet(() => exportCommand([trace, '--chrome', chrome]))).code).toBe(0);
	const events = (JSON.parse(readFileSync(chrome, 'utf8')) as {traceEvents: Array<Record<string, unknown>>}).traceEvents;
	const intervals = events.filter((e) => e['cat'] === 'virtualized');
	expect(intervals).toHaveLength(1);
	expect(intervals[0]).toMatchObject({ph: 'X', name: 'VMM attached: bt (Type I)', pid: 1, ts: (attach!['cycle'] as number) / 1000});
	expect(intervals[0]!['dur']).toBeCloseTo(((detach!['cycle'] as number) - (attach!['cycle'] as number)) / 1000, 6);
	expect(events).toContainEqual(expect.objectContaining({ph: 'M', name: 'thread_name', pid: 1, args: {name: 'virtualized'}}));
});
