/**
 * `R` in the live dashboard: a real run (the default scenario) recorded to a
 * trace under the OS temp directory, then opened with the replay's reader —
 * stopped by `R`, by a restart, by `q` and by the signal handlers.
 */
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {render} from 'ink-testing-library';
import {afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {packageFile} from '../../source/scenario/scenario.js';
import type {TraceEvent} from '../../source/trace/format.js';
import {TraceReader} from '../../source/trace/reader.js';
import {defaultTraceFile} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {count} from '../../source/ui/components/text.js';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {unused} from '../../source/driver/live-recorder.js';
import {buildRun} from '../../source/driver/run-factory.js';
import type {Speed} from '../../source/driver/source.js';
import {helpBindings, keymap} from '../../source/ui/keymap.js';
import {mountDashboard} from '../../source/ui/render.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {FakeStdin, FakeStdout, renderAt} from './helpers/render-at.js';

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'vmtop-rec-'));
});
afterEach(() => {
	rmSync(dir, {recursive: true, force: true});
});

const traceFile = (name: string): string => join(dir, defaultTraceFile(name));
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function liveDriver(options: {speed?: Speed; sched?: ManualScheduler} = {}): LiveDriver {
	const run = buildRun({file: packageFile('samples/scenarios/default.json'), live: true});
	// A million instructions a second: busy, yet the scenario (~360k instructions) lasts the test.
	return new LiveDriver(run.sim, {speed: options.speed ?? 1_000_000, scheduler: options.sched, factory: run.factory, traceFile});
}

/** A live run on a hand-driven clock, keys through the controller. */
function setup() {
	const sched = new ManualScheduler();
	sched.tick = 0.01; // clock reads take time, so a turn reaches its deadline
	const driver = liveDriver({sched});
	const store = new DashboardStore(driver, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	const press = (...keys: string[]) => {
		for (const k of keys) controller.key(k, k.length === 1 ? k : '');
		sched.advance(40);
		return store.getSnapshot();
	};
	return {sched, driver, store, press};
}

async function readTrace(file: string) {
	const reader = await TraceReader.open(file);
	const events: TraceEvent[] = [...new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)];
	const {header, footer, problems, length} = reader;
	reader.close();
	return {header, footer, problems, length, events, kinds: new Set(events.map((e) => e.kind))};
}

describe('R: recording the live run', () => {
	test('R starts, batches are recorded, R again saves a trace that replays', async () => {
		const {sched, driver, press} = setup();
		sched.advance(40); // the run is under way before the recording starts
		const startedAt = driver.instret;
		expect(startedAt).toBeGreaterThan(0);

		const rec = press('R').status.recording;
		expect(rec?.file.startsWith(join(dir, 'vmtop-default-'))).toBe(true);
		expect(rec?.file.endsWith('.vmtrace.jsonl.gz')).toBe(true);
		sched.advance(60);
		const file = rec!.file;
		const during = press().status.recording!;
		expect(during.events).toBeGreaterThan(0);

		const after = press('R');
		expect(after.status.recording).toBeUndefined();
		expect(after.status.recordNotice).toEqual({text: `saved ${file} (${count(driver.recorder.last!.events)} events)`, ok: true});
		const n = driver.recorder.last!.events;

		const t = await readTrace(file);
		expect(t.problems).toEqual([]);
		expect(t.footer).toMatchObject({end: 'recording-stopped', events: n});
		expect(t.length).toBe(n);
		expect(t.header.scenario.startInstret).toBeGreaterThanOrEqual(startedAt);
		expect(t.kinds.has('exception.raised') || t.kinds.has('interrupt.raised')).toBe(true);
		expect(t.kinds.has('instruction')).toBe(false); // detail exceptions
		expect(t.events[0]!.instret).toBeGreaterThanOrEqual(startedAt);

		// Not recording any more: the run goes on, the file does not grow.
		sched.advance(30);
		expect((await readTrace(file)).length).toBe(n);
	});

	test('a restart (v) closes the old run’s recording; R then records the new run in a new file', async () => {
		const {sched, driver, press} = setup();
		const first = press('R').status.recording!.file;
		sched.advance(30);
		const restarted = press('v');
		expect(restarted.status.recording).toBeUndefined();
		expect(restarted.flash).toMatch(/^restarted with VMM technique \S+$/);
		expect(restarted.status.recordNotice?.text).toMatch(new RegExp(`^saved ${escape(first)} \\([\\d,]+ events\\)$`));
		const technique = driver.description.vmm;
		expect(technique).not.toBe('none');

		const second = press('R').status.recording!.file;
		expect(second).not.toBe(first); // even within the same second
		sched.advance(30);
		press('R');

		const a = await readTrace(first);
		expect(a.footer?.end).toBe('recording-stopped');
		expect(a.header.vmm.technique).toBe('none');
		expect(a.events.length).toBeGreaterThan(0);
		const b = await readTrace(second);
		expect(b.footer?.end).toBe('recording-stopped');
		expect(b.header.vmm.technique).toBe(technique);
		expect(b.problems).toEqual([]);
	});

	test('a file that cannot be created: the run goes on unrecorded, and says why', () => {
		const sched = new ManualScheduler();
		const run = buildRun({file: packageFile('samples/scenarios/default.json'), live: true});
		const driver = new LiveDriver(run.sim, {scheduler: sched, traceFile: () => join(dir, 'no such dir', 'x.jsonl')});
		const store = new DashboardStore(driver, {scheduler: sched});
		new Controller(store, {quit: () => {}}).key('R', 'R');
		sched.advance(40);
		const snap = store.getSnapshot();
		expect(snap.status.recording).toBeUndefined();
		expect(snap.status.recordNotice).toMatchObject({ok: false, text: expect.stringMatching(/x\.jsonl: cannot create:/)});
		driver.dispose();
		store.dispose();
	});

	test('the status line shows ● REC with the file and its events, then saved FILE', async () => {
		const sched = new ManualScheduler();
		sched.tick = 0.01;
		const driver = liveDriver({sched});
		const store = new DashboardStore(driver, {scheduler: sched});
		const tree = <Dashboard store={store} controller={new Controller(store, {quit: () => {}})} />;
		const r = renderAt(tree, 160, 35);
		const frame = async () => {
			await new Promise((resolve) => setImmediate(resolve));
			sched.advance(40);
			await new Promise((resolve) => setImmediate(resolve));
			return r.lastFrame();
		};
		r.stdin.write('R');
		sched.advance(30);
		const file = driver.recorder.active!.file;
		const recording = await frame();
		const status = recording.split('\n').slice(0, 2).join('\n');
		expect(status).toMatch(new RegExp(`● REC ${escape(file)} \\([\\d,]+ events\\)`));
		r.stdin.write('R');
		const saved = await frame();
		expect(saved).not.toContain('● REC');
		expect(saved.split('\n').slice(0, 2).join('\n')).toMatch(new RegExp(`saved ${escape(file)} \\([\\d,]+ events\\)`));
		// A few seconds later the notice is gone.
		sched.advance(7000);
		expect(await frame()).not.toContain('saved');
		r.instance.unmount();
		driver.dispose();
		store.dispose();
	});

	test('at 80 columns the recording starts the second status line, so the file name is not cut', async () => {
		const sched = new ManualScheduler();
		const driver = liveDriver({sched, speed: 300});
		const store = new DashboardStore(driver, {scheduler: sched});
		const r = renderAt(<Dashboard store={store} controller={new Controller(store, {quit: () => {}})} />, 80, 24);
		const {file} = driver.recorder.start();
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
		const lines = r.lastFrame().split('\n');
		expect(lines[0]).toMatch(/^vmtop default │ isa classic │ no VMM │ ▶ running 300\/s$/);
		// In the temp directory the name is long: the counters after it are cut, the name is whole.
		expect(lines[1]!.startsWith(`● REC ${file} `)).toBe(true);
		expect(lines[1]!.length).toBeLessThanOrEqual(80);
		r.instance.unmount();
		driver.dispose();
		store.dispose();
	});
});

describe('R is live only', () => {
	test('a replay has no recorder: R says so, and the help leaves R out', async () => {
		const source = new FakeSource();
		const sched = new ManualScheduler();
		const store = new DashboardStore(source, {scheduler: sched});
		const controller = new Controller(store, {quit: () => {}});
		controller.key('R', 'R');
		sched.advance(40);
		expect(store.getSnapshot().flash).toBe('recording needs a live run (this is a replay)');
		expect(store.getSnapshot().status.canRecord).toBe(false);
		const r = render(<Dashboard store={store} controller={controller} />);
		r.stdin.write('?');
		await new Promise((resolve) => setImmediate(resolve));
		sched.advance(40);
		await new Promise((resolve) => setImmediate(resolve));
		expect(r.lastFrame()).toContain('Help — keys');
		expect(r.lastFrame()).not.toContain('recording a trace');
		r.unmount();
	});

	test('the keymap binds R; a live run’s help lists it', () => {
		expect(keymap.find((b) => b.keys.includes('R'))).toMatchObject({command: 'record', liveOnly: true});
		expect(helpBindings(true).map((b) => b.command)).toContain('record');
		expect(helpBindings(false).map((b) => b.command)).not.toContain('record');
	});
});

describe('every way out closes the file with its footer', () => {
	type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT';
	type Leave = (stdin: FakeStdin, signal: (name: Signal) => void) => void;

	/** Mount on fake terminals with a hand-driven clock, record, `leave`; the exit code and the trace file. */
	async function session(leave: Leave) {
		const sched = new ManualScheduler();
		sched.tick = 0.01; // clock reads take time, so a turn reaches its deadline
		const driver = liveDriver({sched});
		const stdout = new FakeStdout(120, 35);
		const stderr = new FakeStdout(120, 35);
		const stdin = new FakeStdin();
		const before = new Set((['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const).flatMap((name) => process.listeners(name)));
		const done = mountDashboard(driver, {
			stdout: stdout as unknown as NodeJS.WriteStream,
			stdin: stdin as unknown as NodeJS.ReadStream,
			stderr: stderr as unknown as NodeJS.WriteStream,
			scheduler: sched,
		});
		stdin.write('R');
		const file = driver.recorder.active!.file;
		sched.advance(60); // a few batches recorded
		expect(driver.recorder.active!.events).toBeGreaterThan(0);
		// A real signal would end the test runner too: call the handler the dashboard installed, as the signal does.
		const signal = (name: Signal): void => {
			const handler = process.listeners(name).find((l) => !before.has(l)) as (s: string) => void;
			handler(name);
		};
		leave(stdin, signal);
		return {code: await done, file, stderr: stderr.frames.join('')};
	}

	test('q', async () => {
		const s = await session((stdin) => stdin.write('q'));
		expect(s.code).toBe(0);
		const t = await readTrace(s.file);
		expect(t.footer?.end).toBe('recording-stopped');
		expect(t.problems).toEqual([]);
		expect(t.length).toBeGreaterThan(0);
		expect(s.stderr).toContain(`vmtop: saved ${s.file}`);
	});

	test('Ctrl-C (the key, in raw mode)', async () => {
		const s = await session((stdin) => stdin.write('\x03'));
		expect(s.code).toBe(0);
		expect((await readTrace(s.file)).footer?.end).toBe('recording-stopped');
	});

	test('a signal after the dashboard has ended ends the process (it is not ignored)', async () => {
		let after: ((name: Signal) => void) | null = null;
		const s = await session((stdin, send) => {
			stdin.write('q');
			after = send;
		});
		expect(s.code).toBe(0);
		const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
		try {
			after!('SIGTERM');
			expect(exit).toHaveBeenCalledWith(143);
			after!('SIGINT');
			expect(exit).toHaveBeenLastCalledWith(130);
		} finally {
			exit.mockRestore();
		}
	});

	for (const [signal, code] of [
		['SIGTERM', 143],
		['SIGINT', 130],
		['SIGHUP', 129],
		['SIGQUIT', 131],
	] as const) {
		test(signal, async () => {
			const s = await session((_stdin, send) => send(signal));
			expect(s.code).toBe(code);
			const t = await readTrace(s.file);
			expect(t.footer?.end).toBe(signal);
			expect(t.problems).toEqual([]);
			expect(t.length).toBe(t.footer?.events);
		});
	}
});

test('unused: a second file of the same second gets -2, -3 …', () => {
	const taken = new Set(['/t/vmtop-a-1.vmtrace.jsonl.gz', '/t/vmtop-a-1-2.vmtrace.jsonl.gz', '/t/run']);
	const exists = (f: string) => taken.has(f);
	expect(unused('/t/new.vmtrace.jsonl.gz', exists)).toBe('/t/new.vmtrace.jsonl.gz');
	expect(unused('/t/vmtop-a-1.vmtrace.jsonl.gz', exists)).toBe('/t/vmtop-a-1-3.vmtrace.jsonl.gz');
	expect(unused('/t/run', exists)).toBe('/t/run-2');
});
