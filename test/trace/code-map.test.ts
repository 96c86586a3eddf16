/**
 * A replay names code as the live run did: the header keeps where each
 * program's image lies (`codeMap`), `exception.raised` says where its
 * instruction is (`phys`), so a recorded VMM run names its guest kernels'
 * code by their kernels' labels. Traces from before either still replay.
 */
import {fileURLToPath} from 'node:url';
import {afterAll, describe, expect, test} from 'vitest';
import {type Scenario, loadScenario} from '../../source/scenario/scenario.js';
import {buildSimulation} from '../../source/scenario/build.js';
import type {Detail} from '../../source/trace/format.js';
import {ReplayDriver} from '../../source/driver/replay-driver.js';
import {TraceReader} from '../../source/trace/reader.js';
import {recordLoop, startRecording} from '../../source/trace/recorder.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {LiveDriver} from '../../source/driver/live-driver.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {formatRow} from '../../source/ui/store/format-row.js';
import {ManualScheduler} from '../ui/helpers/manual-scheduler.js';
import {lines, tempDir, writeLines} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const samples = (path: string): string => fileURLToPath(new URL(`../../samples/${path}`, import.meta.url));
const scenario = (changes: Partial<Scenario>): Scenario => ({...loadScenario(samples('scenarios/default.json')), ...changes});

/** Record a run; return the names the live dashboard gives its instructions and exceptions, by event. */
async function record(file: string, changes: Partial<Scenario>, detail: Detail): Promise<Map<string, string>> {
	const sim = buildSimulation(scenario(changes));
	const driver = new LiveDriver(sim, {paused: true, scheduler: new ManualScheduler()});
	const live = new Map<string, string>();
	sim.bus.on('instruction', (e) => live.set(`${e.instret} instruction`, driver.symbolizeInstruction(e.guest, e.supervisor, e.pc, e.phys)));
	sim.bus.on('exception.raised', (e) =>
		live.set(`${e.instret} exception.raised`, driver.symbolizeInstruction(e.guest, e.supervisor, e.pc, e.phys ?? Number.NaN)),
	);
	const {recording} = startRecording(sim, file, {detail, sampleEvery: 1000});
	await recordLoop(sim, recording, {maxInstructions: 30_000});
	driver.dispose();
	return live;
}

/** The replay on a dashboard store, run to its end: the names in its rows, by event. */
async function replayedNames(file: string): Promise<Map<string, string>> {
	const reader = await TraceReader.open(file);
	const player = new ReplayDriver(reader, {paused: true});
	const store = new DashboardStore(player, {scheduler: new ManualScheduler(), historySize: 1 << 20});
	player.seek(player.length);
	const names = new Map<string, string>();
	for (let seq = store.ring.first; seq < store.ring.end; seq++) {
		const e = store.ring.get(seq)!;
		if (e.kind !== 'instruction' && e.kind !== 'exception.raised') continue;
		const cpu = formatRow(e, store.ring.physOf(seq), store.namer).cpu;
		names.set(`${e.instret} ${e.kind}`, /^(?:before )?[US](?:\/v[US])? (\S+)/.exec(cpu)![1]!);
	}
	store.dispose();
	player.dispose();
	reader.close();
	return names;
}

describe('replaying a VMM run names code as live', () => {
	test.each([
		['full', 'trap', 2],
		['exceptions', 'trap', 1],
		['exceptions', 'pv', 2],
	] as const)('%s detail, vmm %s, %i guest(s)', async (detail, vmm, vms) => {
		const file = tmp.path(`${vmm}-${vms}-${detail}.jsonl`);
		const live = await record(file, {vmm, vms}, detail);
		const header = (await TraceReader.open(file)).header;
		expect(header.codeMap?.length).toBe(vms * 5);
		const replayed = await replayedNames(file);
		expect(replayed.size).toBeGreaterThan(detail === 'full' ? 5000 : 50);
		for (const [key, name] of replayed) expect(name, key).toBe(live.get(key));
		// The guest kernels' code among them, by its labels (the bug named it with a user program's).
		const kernel = /^(boot|idt_init|proc_init|exception_entry|timer_interrupt|syscall_entry|schedule|switch_to|console_write)/;
		expect([...replayed.values()].filter((name) => kernel.test(name)).length).toBeGreaterThan(10);
	});

	test('a header without a code map (older vmtop) still replays: code named by mode and process', async () => {
		const file = tmp.path('new.jsonl');
		const live = await record(file, {vmm: 'none'}, 'full');
		const [header, ...events] = lines(file);
		const old = JSON.parse(header!) as Record<string, unknown>;
		delete old['codeMap'];
		writeLines(tmp.path('old.jsonl'), [JSON.stringify(old), ...events]);
		const reader = await TraceReader.open(tmp.path('old.jsonl'));
		expect(reader.problems).toEqual([]);
		const supervisor = new Set(
			[...new TraceCursor(reader).range(0, reader.length)]
				.filter((e) => e.kind === 'instruction' && e.supervisor)
				.map((e) => `${e.instret} instruction`),
		);
		reader.close();
		// Natively the mode tells kernel code apart: those rows read as live.
		const replayed = await replayedNames(tmp.path('old.jsonl'));
		const kernelRows = [...replayed].filter(([key]) => supervisor.has(key));
		expect(kernelRows.length).toBeGreaterThan(1000);
		for (const [key, name] of kernelRows) expect(name, key).toBe(live.get(key));
	});

	test('a trace recorded before `phys` and the code map still replays on the dashboard', async () => {
		// The default sample as shipped before the code map existed.
		const file = fileURLToPath(new URL('fixtures/legacy-default.vmtrace.jsonl.gz', import.meta.url));
		const reader = await TraceReader.open(file);
		expect(reader.header.codeMap).toBeUndefined();
		const raised = [...new TraceCursor(reader).range(0, reader.length)].filter((e) => e.kind === 'exception.raised');
		expect(raised.length).toBeGreaterThan(100);
		expect(raised.some((e) => e.phys !== undefined)).toBe(false);
		reader.close();
		const replayed = await replayedNames(file);
		expect([...replayed.keys()].filter((k) => k.endsWith('exception.raised')).length).toBe(raised.length);
	});
});
