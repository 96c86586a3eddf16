/**
 * Trace benchmarks (`npm run bench -- trace`):
 *   trace.record_events_per_s   recording a real run at detail full, uncompressed (CPU + recorder)
 *   trace.open_ms               a 1M-event trace: open, index, and the dashboard's first snapshot
 *   trace.open_gz_ms            the same trace gzip-compressed (decompressed to a temp file on open)
 *   trace.seek_ms               slowest of 40 seeks to random events / cycles (cold block cache)
 *   trace.rewind_ms             slowest replay rewind (the dashboard state rebuilt, ≤100k events re-sent)
 *   trace.replay_peak_rss_mb_1m / _10m   peak RSS of a replay process (open, seeks, rewinds, 300k events read)
 * Open, seek and RSS run in a child process per trace, so one trace's memory
 * does not count for the other. Temp files are removed at the end.
 */
import {spawnSync} from 'node:child_process';
import {createReadStream, createWriteStream, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {pipeline} from 'node:stream/promises';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {createGzip} from 'node:zlib';
import {kindsExceptInstruction} from '../bus/event-bus.js';
import {assembleOrThrow} from '../isa/assembler/index.js';
import {buildBareSimulation} from '../scenario/build.js';
import {TRACE_FORMAT, TRACE_VERSION, type TraceHeader} from '../trace/format.js';
import {ReplayDriver} from '../driver/replay-driver.js';
import {TraceReader} from '../trace/reader.js';
import {Recording, recordLoop, traceHeader} from '../trace/recorder.js';
import {TraceCursor} from '../trace/seek.js';
import {TraceWriter} from '../trace/writer.js';
import {loop} from './core.js';
import type {BenchRow} from './row.js';

/** Record `instructions` of the loop at detail full into `file`; events per second of wall time. */
async function record(file: string, instructions: number): Promise<number> {
	const sim = buildBareSimulation(assembleOrThrow(loop, {file: 'bench-loop.s'}));
	const options = {detail: 'full' as const, maxInstructions: instructions};
	const writer = new TraceWriter(file, traceHeader(sim, options));
	const recording = new Recording(sim, writer, options);
	const start = performance.now();
	await recordLoop(sim, recording, {maxInstructions: instructions});
	return writer.events / ((performance.now() - start) / 1000);
}

/** A synthetic 10M-event trace, written by the writer without a CPU behind it (the CPU would take minutes). */
function synthetic(file: string, events: number): void {
	const header: TraceHeader = {
		type: 'header',
		format: TRACE_FORMAT,
		version: TRACE_VERSION,
		vmtop: 'bench',
		created: new Date().toISOString(),
		source: 'record',
		detail: 'full',
		sampleEvery: 0,
		scenario: {name: 'synthetic', spec: null, files: {}, maxInstructions: null, startInstret: 0},
		isa: 'classic',
		vmm: {technique: 'none', type: 1, guests: 1},
		costs: {instruction: 1, exception: 50, iret: 50, vmmRoundTrip: 1000, emulate: 100, reflect: 200, btScan: 20, hostOs: 2000, interpret: 30},
		symbols: {},
	};
	const writer = new TraceWriter(file, header);
	const e = {kind: 'instruction' as const, pc: 0, phys: 0, supervisor: true, header: 0x1002, cycle: 0, instret: 0, guest: -1};
	let cycle = 0;
	for (let i = 0; i < events; i++) {
		if (i % 1000 === 999) {
			cycle += 50;
			writer.write({kind: 'exception.raised', vector: 32, pc: e.pc, badaddr: 0, supervisor: true, cycle, instret: i, guest: -1});
			continue;
		}
		e.pc = (i * 4) & 0xfff;
		e.phys = e.pc;
		e.instret = i;
		e.cycle = ++cycle;
		writer.write(e);
	}
	writer.close({end: 'stopped'});
}

interface ChildReport {
	openMs: number;
	seekMs: number;
	rewindMs: number;
	rssMb: number;
}

/** Run the replay measurements on `file` in a fresh process. */
function child(file: string): ChildReport {
	const self = fileURLToPath(import.meta.url);
	const r = spawnSync(process.execPath, [self, '--replay-child', file], {encoding: 'utf8', maxBuffer: 1 << 20});
	if (r.status !== 0) throw new Error(`trace bench child failed on ${file}: ${r.stderr}`);
	return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildReport;
}

/** What the child measures: open to first snapshot, seeks, rewinds, and its own peak RSS. */
async function replayChild(file: string): Promise<ChildReport> {
	const {DashboardStore} = await import('../ui/store/dashboard-store.js');
	let t = performance.now();
	const reader = await TraceReader.open(file);
	const player = new ReplayDriver(reader, {paused: true});
	const store = new DashboardStore(player);
	store.flush();
	const openMs = performance.now() - t;
	let seed = 12345;
	const random = (n: number): number => {
		seed = (seed * 1103515245 + 12345) % 2147483648;
		return Math.floor((seed / 2147483648) * n);
	};
	let seekMs = 0;
	const lastCycle = reader.footer?.cycle ?? 0;
	for (let i = 0; i < 40; i++) {
		const cursor = new TraceCursor(reader); // a cold cache: every seek reads its block
		t = performance.now();
		if (i % 2 === 0) cursor.event(random(reader.length));
		else cursor.findCycle(random(lastCycle));
		seekMs = Math.max(seekMs, performance.now() - t);
	}
	let rewindMs = 0;
	const off = player.bus.onMany(kindsExceptInstruction, () => undefined);
	for (let i = 0; i < 5; i++) {
		t = performance.now();
		player.seek(random(reader.length));
		rewindMs = Math.max(rewindMs, performance.now() - t);
	}
	off();
	let n = 0;
	for (const e of new TraceCursor(reader).range(0, 300_000)) n += e.kind.length > 0 ? 1 : 0;
	store.dispose();
	player.dispose();
	reader.close();
	return {openMs, seekMs, rewindMs, rssMb: process.resourceUsage().maxRSS / 1024};
}

export async function benchTrace(): Promise<BenchRow[]> {
	const dir = mkdtempSync(join(tmpdir(), 'vmtop-bench-trace-'));
	try {
		// JIT warm-up, twice: V8 collects no type feedback in a function's first calls, where a fresh
		// machine decodes its code, so the next fresh machine deoptimizes the interpreter (and the writer
		// meets a new map) and the measured run would include V8 re-optimizing them (cf. core.ts).
		await record(join(dir, 'warm.jsonl'), 200_000);
		await record(join(dir, 'warm2.jsonl'), 200_000);
		const plain = join(dir, '1m.jsonl');
		const rate = await record(plain, 1_000_000);
		await pipeline(createReadStream(plain), createGzip({level: 1}), createWriteStream(`${plain}.gz`));
		const oneMillion = child(plain);
		const gz = child(`${plain}.gz`);
		rmSync(`${plain}.gz`);
		const big = join(dir, '10m.jsonl');
		synthetic(big, 10_000_000);
		const tenMillion = child(big);
		const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
		return [
			{name: 'trace.record_events_per_s', value: Math.round(rate), unit: 'events/s'},
			{name: 'trace.open_ms', value: round(oneMillion.openMs), unit: 'ms'},
			{name: 'trace.open_gz_ms', value: round(gz.openMs), unit: 'ms'},
			{name: 'trace.seek_ms', value: round(Math.max(oneMillion.seekMs, tenMillion.seekMs), 2), unit: 'ms'},
			{name: 'trace.rewind_ms', value: round(Math.max(oneMillion.rewindMs, tenMillion.rewindMs)), unit: 'ms'},
			{name: 'trace.replay_peak_rss_mb_1m', value: round(oneMillion.rssMb), unit: 'MB'},
			{name: 'trace.replay_peak_rss_mb_10m', value: round(tenMillion.rssMb), unit: 'MB'},
			{name: 'trace.open_10m_ms', value: round(tenMillion.openMs), unit: 'ms'},
		];
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}

// The replay child (see `child`): `node dist/bench/trace.js --replay-child FILE`.
if (process.argv[2] === '--replay-child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	process.stdout.write(JSON.stringify(await replayChild(process.argv[3]!)) + '\n');
}
