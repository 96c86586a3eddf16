/**
 * The real binary (dist/cli.js, built by `npm test`'s pretest) in a real
 * pseudo-terminal (test/e2e/pty.py): start, pause, step, next exception,
 * help, resize, quit, recording with R (closed by q or SIGTERM, then
 * replayed) — and the terminal left as it was found. No timing
 * assertions: every wait is for the screen to show something.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {PtySession} from '../../source/bench/ui.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const bare = fileURLToPath(new URL('../../samples/bare/traps.s', import.meta.url));
let session: PtySession | undefined;

afterEach(() => {
	session?.kill();
	session = undefined;
});

/** Wait for the screen to match, or fail showing the screen. */
async function see(s: PtySession, pattern: string): Promise<string> {
	const r = await s.wait(pattern, 15);
	if (!r.ok) {
		const headless = /^(instructions|stopped): /m.test(r.screen ?? '');
		const hint = headless ? '\n(vmtop ran headless: is `dashboard` in source/cli/commands.ts wired to dashboardCommand?)' : '';
		throw new Error(`the screen never showed /${pattern}/:\n${r.screen ?? ''}${hint}`);
	}
	return s.screen();
}

function instr(screen: string): number {
	const m = /instr ([\d,]+)/.exec(screen);
	if (!m) throw new Error(`no instruction count on the screen:\n${screen}`);
	return Number(m[1]!.replace(/,/g, ''));
}

describe('vmtop in a pseudo-terminal', () => {
	// A missing build fails here, it does not skip the suite: `npm test` builds first (pretest).
	test('the built binary is there (npm run build)', () => {
		expect(existsSync(cli), `${cli} is missing: run npm run build`).toBe(true);
	});

	test('TERM=dumb: a terminal that cannot address the cursor gets the headless summary', async () => {
		const hello = fileURLToPath(new URL('../../samples/bare/hello.s', import.meta.url));
		const s = (session = new PtySession(['env', 'TERM=dumb', 'node', cli, hello], {cols: 120, rows: 35}));
		const screen = await see(s, 'instructions: ');
		expect(screen).toContain('vmtop: TERM=dumb cannot draw the dashboard: running headless');
		expect(screen).toContain('Hello, V32!');
		expect(screen).not.toContain('CPU (fetch-execute)');
	});

	test('start, pause, step, next exception, help, quit; the terminal is restored', async () => {
		const s = (session = new PtySession(['node', cli], {cols: 120, rows: 35}));
		await see(s, '▶ running 300/s');
		const first = await see(s, 'CPU \\(fetch-execute\\)');
		expect(first).toMatch(/^vmtop default │ isa classic │ no VMM │ ▶ running 300\/s/);
		expect(first).toContain('CPU (fetch-execute)');

		await s.send(' ');
		const paused = await see(s, '❚❚ paused');
		const before = instr(paused);
		expect(paused).toContain('History');

		await s.send('s');
		await see(s, `instr ${(before + 1).toLocaleString('en-US')} `);

		await s.send('n');
		// Wait for the panel's last line: a frame can reach the terminal in several writes.
		await see(s, 'Vertical cooperation — \\S+.*\\(newest\\)');
		const next = await see(s, '5 return from exception');
		expect(next).toMatch(/1 fetch-execute \(CPU\)/);
		expect(next).toMatch(/2 exception/);
		expect(next).toMatch(/5 return from exception/);
		expect(next).toContain('❚❚ paused');
		expect(instr(next)).toBeGreaterThan(before + 1);

		await s.send('?');
		// Wait for the overlay's last entry: a frame can reach the terminal in several writes.
		const help = await see(s, 'quit \\(restores the terminal\\)');
		expect(help).toContain('Help — keys');
		expect(help).toContain('run to the next exception');
		await s.send('?');
		await see(s, 'Vertical cooperation');

		await s.send('q');
		const end = await s.exit();
		expect(end.code).toBe(0);
		expect(end.leftAltScreen).toBe(true);
		expect(end.cursorShown).toBe(true);
		expect(end.echo).toBe(true);
		expect(end.icanon).toBe(true);
	});

	test('a bare program; resizing redraws, too small says so; Ctrl-C quits cleanly', async () => {
		const s = (session = new PtySession(['node', cli, bare, '--paused'], {cols: 120, rows: 35}));
		await see(s, 'vmtop traps.s │ isa classic');
		await s.resize(50, 12);
		await see(s, 'Terminal too small: 50×12');
		await s.resize(80, 24);
		const compact = await see(s, 'Vertical cooperation');
		expect(compact.split('\n').every((line) => line.length <= 80)).toBe(true);
		await s.send('\x03');
		const end = await s.exit();
		expect(end.code).toBe(0);
		expect(end.leftAltScreen && end.cursorShown && end.echo).toBe(true);
	});

	/**
	 * `R` writes to the working directory: run the binary in a scratch one (`sh -c 'cd'`, then `exec`,
	 * so the pid written is node's), record two exceptions, leave with `leave`, and summarize the trace.
	 */
	async function recordThenLeave(leave: (s: PtySession, pid: number) => Promise<unknown>) {
		const dir = mkdtempSync(join(tmpdir(), 'vmtop-e2e-rec-'));
		try {
			const script = 'echo $$ > "$0.pid"; cd "$0" && exec node "$1" "$2" --paused';
			const s = (session = new PtySession(['sh', '-c', script, dir, cli, bare], {cols: 120, rows: 35}));
			await see(s, 'vmtop traps\\.s │ isa classic │ no VMM │ ❚❚ paused');
			await s.send('R');
			const rec = await see(s, '● REC vmtop-traps\\.s-\\d{8}-\\d{6}\\.vmtrace\\.jsonl\\.gz \\(0 events\\)');
			const file = /● REC (\S+)/.exec(rec)![1]!;
			await s.send('n');
			await see(s, '● REC \\S+ \\([1-9][\\d,]* events\\)');
			await s.send('n');
			await see(s, 'Vertical cooperation — #GP');
			await leave(s, Number(readFileSync(`${dir}.pid`, 'utf8')));
			const end = await s.exit();
			expect(readdirSync(dir)).toEqual([file]);
			const summary = execFileSync('node', [cli, 'replay', '--summary', join(dir, file)], {encoding: 'utf8'});
			return {end, summary};
		} finally {
			rmSync(dir, {recursive: true, force: true});
			rmSync(`${dir}.pid`, {force: true});
		}
	}

	test('R records, q saves the trace with its footer, and it replays', async () => {
		const {end, summary} = await recordThenLeave((s) => s.send('q'));
		expect(end.code).toBe(0);
		expect(end.leftAltScreen && end.cursorShown && end.echo && end.icanon).toBe(true);
		expect(summary).toContain('scenario traps.s: ISA classic, VMM none');
		expect(summary).toMatch(/events: .*exception\.raised 2/);
		expect(summary).toMatch(/^end: recording-stopped; checksum /m);
	});

	test('SIGTERM while recording: the trace is closed with its footer, and it replays', async () => {
		const {end, summary} = await recordThenLeave(async (_s, pid) => process.kill(pid, 'SIGTERM'));
		// vmtop returns 143 itself (128 + SIGTERM) after cleaning up, not killed by the signal.
		expect(end.code).toBe(143);
		expect(end.leftAltScreen && end.cursorShown && end.echo && end.icanon).toBe(true);
		expect(summary).toMatch(/events: .*exception\.raised 2/);
		expect(summary).toMatch(/^end: SIGTERM; checksum /m);
	});
});
