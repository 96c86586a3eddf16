/**
 * Startup benchmarks (issue 15: the first frame under 500 ms):
 *   startup.first_frame_ms       `node dist/cli.js` in a real pseudo-terminal, from the
 *                                command's start until the dashboard's status line is on screen
 *   startup.headless_default_ms  `node dist/cli.js run --headless` on the default scenario, wall time
 *   startup.node_ms              `node -e 0`: what any Node program pays before its first line
 *                                (on a loaded machine the others are read against it)
 * Medians of ROUNDS runs, each a fresh process (what a user waits for).
 */
import {spawnSync} from 'node:child_process';
import {CLI, PtySession} from './ui.js';
import type {BenchRow} from './row.js';

const ROUNDS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function firstFrameMs(): Promise<number> {
	const session = new PtySession(['node', CLI]);
	try {
		const shown = await session.request<{ok: boolean; ms: number; screen?: string}>({op: 'wait', pattern: 'vmtop default │', timeout: 30, fromStart: true});
		if (!shown.ok) throw new Error(`the dashboard did not show its first frame:\n${shown.screen ?? ''}`);
		await session.send('q');
		await session.exit();
		return shown.ms;
	} finally {
		session.kill();
	}
}

function wallMs(args: string[]): number {
	const start = performance.now();
	const r = spawnSync(process.execPath, args, {stdio: ['ignore', 'ignore', 'pipe']});
	const ms = performance.now() - start;
	if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
	return ms;
}

export async function benchStartup(): Promise<BenchRow[]> {
	const frames: number[] = [];
	const headless: number[] = [];
	const node: number[] = [];
	for (let i = 0; i < ROUNDS; i++) {
		frames.push(await firstFrameMs());
		headless.push(wallMs([CLI, 'run', '--headless']));
		node.push(wallMs(['-e', '0']));
	}
	const row = (name: string, xs: number[]): BenchRow => ({name, value: Math.round(median(xs)), unit: 'ms'});
	return [row('startup.first_frame_ms', frames), row('startup.headless_default_ms', headless), row('startup.node_ms', node)];
}
