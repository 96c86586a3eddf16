/**
 * UI benchmarks (`npm run bench`):
 *
 * - `ui.attached_ratio`: core throughput with the dashboard attached (store,
 *   live driver at unlimited speed, Ink drawing 120×35 at its frame rate to an
 *   ignored terminal; all of it bundled as the dashboard command runs it) ÷
 *   headless: the same run (kernel, two busy processes, 200M instructions),
 *   alternately, in the same process, after a shorter run of each to warm
 *   both paths up; the median of five. The run is long enough to hold
 *   several frames at max speed's spacing: what a user watching the core run
 *   flat out gets. (It was 30M, sized for the interpreter's 80–250 MIPS; at the
 *   translating engine's ~1,000, 30M take ~30 ms, shorter than one frame
 *   interval, and the figure became the cost of the single frame that answers
 *   the resume, plus whichever collection fell in it: 0.42–0.64 from run to run.)
 * - `ui.key_latency_ms`: the real binary in a real pseudo-terminal at
 *   `--speed max`; from a key press until the screen shows its effect
 *   (space → "paused", space → "running", ? → the help overlay), median.
 */
import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process';
import {EventEmitter} from 'node:events';
import {existsSync, mkdtempSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {runHeadless} from '../cpu/headless.js';
import {buildSimulation} from '../scenario/build.js';
import {loadScenario, packageFile} from '../scenario/scenario.js';
import type {Simulation} from '../sim/simulation.js';
import type {BenchRow} from './row.js';

/** The pseudo-terminal bridge (python3, standard library only). */
export const PTY_SCRIPT = fileURLToPath(new URL('../../test/e2e/pty.py', import.meta.url));
export const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

/** A program running in a real pseudo-terminal, driven through test/e2e/pty.py. */
export class PtySession {
	private readonly child: ChildProcessWithoutNullStreams;
	private buffer = '';
	private readonly waiting: Array<(line: string) => void> = [];

	constructor(command: string[], size: {cols: number; rows: number} = {cols: 120, rows: 35}) {
		this.child = spawn('python3', [PTY_SCRIPT, '--cols', String(size.cols), '--rows', String(size.rows), '--', ...command]);
		this.child.stdout.setEncoding('utf8');
		this.child.stdout.on('data', (chunk: string) => {
			this.buffer += chunk;
			let nl: number;
			while ((nl = this.buffer.indexOf('\n')) >= 0) {
				const line = this.buffer.slice(0, nl);
				this.buffer = this.buffer.slice(nl + 1);
				this.waiting.shift()?.(line);
			}
		});
	}

	request<T = Record<string, unknown>>(op: Record<string, unknown>): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			const onExit = () => reject(new Error(`pty bridge exited during ${JSON.stringify(op)}`));
			this.child.once('exit', onExit);
			this.waiting.push((line) => {
				this.child.off('exit', onExit);
				resolve(JSON.parse(line) as T);
			});
			this.child.stdin.write(JSON.stringify(op) + '\n');
		});
	}

	/** Wait until the screen matches `pattern` (a regular expression). */
	wait(pattern: string, timeout = 10) {
		return this.request<{ok: boolean; ms: number; screen?: string}>({op: 'wait', pattern, timeout});
	}

	send(data: string) {
		return this.request({op: 'send', data});
	}

	/** Press a key and wait for the screen to show `pattern`: the key's latency in `ms`. */
	sendWait(data: string, pattern: string, timeout = 10) {
		return this.request<{ok: boolean; ms: number; screen?: string}>({op: 'sendwait', data, pattern, timeout});
	}

	async screen(): Promise<string> {
		return (await this.request<{screen: string}>({op: 'screen'})).screen;
	}

	resize(cols: number, rows: number) {
		return this.request({op: 'resize', cols, rows});
	}

	/** Wait for the program to end; what it left the terminal like. */
	exit(timeout = 10) {
		return this.request<{code: number; leftAltScreen: boolean; cursorShown: boolean; echo: boolean; icanon: boolean; tail: string}>({
			op: 'exit',
			timeout,
		});
	}

	kill(): void {
		this.child.kill();
	}
}

/** A terminal that ignores what it is sent (the screen's cost is still paid: Ink renders and writes). */
class NullTerminal extends EventEmitter {
	isTTY = true;
	columns = 120;
	rows = 35;
	bytes = 0;
	write(data: string): boolean {
		this.bytes += data.length;
		return true;
	}
}

/**
 * The workload: the sample kernel with two processes that never end — each
 * counts, and every 5,000 counts yields (a system call and a context switch);
 * the timer preempts them too. Exceptions, OS events and console output keep
 * flowing for as long as the benchmark runs.
 */
const SPINNER = (lib: string) => `
_start: mov r0, SYS_GETPID
        int 0x80
        mov r5, r0
        mov r6, 0
spin:   add r6, r6, 1
        cmp r6, 5000
        jnz spin
        mov r6, 0
        add r7, r7, 1
        cmp r7, 200
        jnz yield
        mov r7, 0
        mov r1, msg
        call out_str
        mov r1, r5
        mov r2, 0
        call out_uint
        mov r1, '\\n'
        call out_char
        call flush
yield:  mov r0, SYS_YIELD
        int 0x80
        jmp spin
msg:    .asciz "spinning: pid "
.include "${lib}"
`;

/** Write the workload's scenario to a temporary folder; returns the scenario file. */
export function busyScenarioFile(): string {
	const dir = mkdtempSync(path.join(tmpdir(), 'vmtop-bench-'));
	const spinner = path.join(dir, 'spinner.s');
	writeFileSync(spinner, SPINNER(packageFile('samples/user/lib.inc')));
	const file = path.join(dir, 'busy.json');
	writeFileSync(file, JSON.stringify({name: 'busy', programs: [spinner, spinner]}));
	return file;
}

function headlessMs(sim: Simulation, instructions: number): {ms: number; instructions: number} {
	const start = performance.now();
	runHeadless(sim, {maxInstructions: instructions, batch: 1_000_000});
	return {ms: performance.now() - start, instructions: sim.instret};
}

/**
 * The driver, store, dashboard and renderer as the dashboard command runs them: bundled
 * (source/bench/dashboard-parts.ts, built by `npm run build`), React's production build and all.
 */
async function dashboardParts(): Promise<typeof import('./dashboard-parts.js')> {
	const bundle = new URL('../bench-bundle/dashboard-parts.js', import.meta.url);
	// Older than the modules (a `tsc` alone): it would attach yesterday's dashboard to today's core.
	const built = new URL('./dashboard-parts.js', import.meta.url);
	if (!existsSync(bundle) || statSync(bundle).mtimeMs < statSync(built).mtimeMs) {
		throw new Error(`${fileURLToPath(bundle)} is missing or older than the build: run \`npm run build\` (npm run bench does) first`);
	}
	return (await import(bundle.href)) as typeof import('./dashboard-parts.js');
}

/** The same run with the dashboard attached: store, live driver at max, Ink drawing to an ignored 120×35 terminal. */
async function attachedMs(sim: Simulation, instructions: number): Promise<{ms: number; instructions: number}> {
	const {LiveDriver, DashboardStore, Controller, Dashboard, render, createElement} = await dashboardParts();
	const driver = new LiveDriver(sim, {speed: 'max', paused: true});
	const store = new DashboardStore(driver);
	const controller = new Controller(store, {quit: () => undefined});
	const terminal = new NullTerminal();
	const stdin = Object.assign(new EventEmitter(), {isTTY: false, setRawMode() {}, setEncoding() {}, ref() {}, unref() {}, resume() {}, pause() {}, read: () => null});
	const ink = render(createElement(Dashboard, {store, controller, interactive: false}), {
		stdout: terminal as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		patchConsole: false,
		exitOnCtrlC: false,
		maxFps: 60, // as render.tsx: the store spaces the frames
		incrementalRendering: false,
		onRender: ({renderTime}) => store.reportRender(renderTime),
	});
	const start = performance.now();
	let done = false;
	await new Promise<void>((resolve) => {
		driver.onChange(() => {
			if (done || (driver.instret < instructions && !driver.stopped)) return;
			done = true;
			driver.pause();
			resolve();
		});
		driver.resume();
	});
	const ms = performance.now() - start;
	const ran = driver.instret;
	ink.unmount();
	driver.dispose();
	store.dispose();
	if (terminal.bytes === 0) throw new Error('the dashboard drew nothing');
	return {ms, instructions: ran};
}

/**
 * Headless and attached, alternately, `rounds` times on fresh runs; the
 * median ratio (the machine is shared: alternating keeps both sides under the
 * same load).
 */
export async function attachedRatio(
	instructions = 200_000_000,
	rounds = 5,
): Promise<{ratio: number; headlessMips: number; attachedMips: number}> {
	const scenario = loadScenario(busyScenarioFile());
	const build = () => buildSimulation(scenario, {live: false});
	// Warm both paths up: the core's code, and the driver's, the store's and the renderer's (only the
	// core's was: the first attached round ran the dashboard's code cold).
	headlessMs(build(), instructions / 4);
	await attachedMs(build(), instructions / 4);
	const results: Array<{ratio: number; headlessMips: number; attachedMips: number}> = [];
	for (let round = 0; round < rounds; round++) {
		const headless = headlessMs(build(), instructions);
		const attached = await attachedMs(build(), instructions);
		const headlessMips = headless.instructions / headless.ms / 1000;
		const attachedMips = attached.instructions / attached.ms / 1000;
		results.push({ratio: attachedMips / headlessMips, headlessMips, attachedMips});
	}
	results.sort((a, b) => a.ratio - b.ratio);
	return results[Math.floor(results.length / 2)]!;
}

/** Median ms from a key press to its effect on screen, in a real pseudo-terminal at `--speed max`. */
export async function keyLatency(presses = 5): Promise<number> {
	const session = new PtySession(['node', CLI, busyScenarioFile(), '--speed', 'max']);
	const samples: number[] = [];
	try {
		const up = await session.wait('running max', 20);
		if (!up.ok) throw new Error(`the dashboard did not start:\n${up.screen ?? ''}`);
		for (let i = 0; i < presses; i++) {
			const pause = await session.sendWait(' ', '❚❚ paused');
			const resume = await session.sendWait(' ', '▶ running');
			const help = await session.sendWait('?', 'Help — keys');
			const close = await session.sendWait('?', 'Vertical cooperation');
			for (const r of [pause, resume, help, close]) {
				if (!r.ok) throw new Error(`a key had no visible effect:\n${r.screen ?? ''}`);
				samples.push(r.ms);
			}
		}
		await session.send('q');
		await session.exit();
	} finally {
		session.kill();
	}
	samples.sort((a, b) => a - b);
	return samples[Math.floor(samples.length / 2)]!;
}

export async function benchUi(): Promise<BenchRow[]> {
	const {ratio} = await attachedRatio();
	const latency = await keyLatency();
	return [
		{name: 'ui.attached_ratio', value: Math.round(ratio * 1000) / 1000, unit: 'ratio'},
		{name: 'ui.key_latency_ms', value: Math.round(latency * 10) / 10, unit: 'ms'},
	];
}
