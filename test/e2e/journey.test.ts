/**
 * Journey mode end to end (issue 16 §1): the real binary in a pseudo-terminal
 * (test/e2e/pty.py) under `--vmm trap --journey` stops at one `int 0x80`
 * journey (the filter `vector:0x80`) and walks it one level step per key —
 * each step's cell highlighted in its level's column, its explanation under
 * it. No timing assertions: every wait is for the screen to show something.
 */
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {PtySession} from '../../source/bench/ui.js';
import {see, settled} from './settled.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let session: PtySession | undefined;

afterEach(() => {
	session?.kill();
	session = undefined;
});

/** The column (by its header) the highlighted step's cell starts in. */
function highlighted(screen: string): {line: string; title: string; column: string; explain: string} {
	const lines = screen.split('\n');
	const header = lines.find((l) => l.startsWith('level step'))!;
	const at = lines.findIndex((l) => l.startsWith('▶ '));
	const line = lines[at]!;
	// The gutter: `▶ 3 VMM intercept`, 22 columns.
	const title = line.slice(2, 22).trim().replace(/^\d+ /, '');
	const cellAt = line.slice(22).search(/\S/) + 22;
	const columns = ['CPU (fetch-execute)', 'Exceptions', 'OS', 'VMM'].map((name) => ({name, at: header.indexOf(name === 'OS' ? ' OS ' : name) + (name === 'OS' ? 1 : 0)}));
	const column = columns.filter((c) => c.at <= cellAt).at(-1)!.name;
	// A long cell wraps inside its column: its continuation lines have an empty gutter.
	let cell = line.slice(cellAt).trim();
	for (let i = at + 1; i < lines.length && lines[i]!.startsWith(' '.repeat(cellAt)) && lines[i]!.trim() !== ''; i++) cell += ' ' + lines[i]!.slice(cellAt).trim();
	// The explanation: the lines from `↳` up to the next step or the hint, joined.
	const rest: string[] = [];
	for (let i = at + 1; i < lines.length; i++) {
		const l = lines[i]!;
		if (l.startsWith('  ↳') || (rest.length > 0 && l.startsWith('  ') && !/^ {2}\d/.test(l) && l.trim() !== '' && !l.startsWith(' '.repeat(22)))) rest.push(l.trim());
		else if (rest.length > 0) break;
	}
	return {line: cell.replace(/\s+/g, ' '), title, column, explain: rest.join(' ').replace(/^↳ /, '')};
}

describe('journey mode in a pseudo-terminal', () => {
	test('the built binary is there (npm run build)', () => {
		expect(existsSync(cli), `${cli} is missing: run npm run build`).toBe(true);
	});

	test('--vmm trap --journey: one int 0x80 journey, walked level by level', async () => {
		const s = (session = new PtySession(['node', cli, '--vmm', 'trap', '--journey'], {cols: 140, rows: 42}));
		// The first journey of the boot (the kernel's first privileged instruction) stops the run.
		const first = await see(s, 'step 1 of \\d');
		expect(first).toContain('❚❚ paused');
		expect(first).toContain('Journey mode — journey 1:');

		// Only system calls stop from now on.
		await s.send('f');
		await see(s, 'filter›');
		await s.send('vector:0x80\r');
		await see(s, 'journey mode stops at: vector:0x80');
		await s.send('n');
		await see(s, 'int 0x80 \\(trap\\) — step 1 of 7');
		const start = await settled(s);

		const expected: Array<{title: string; column: string; cell: RegExp; explain: RegExp[]}> = [
			{title: 'CPU fetch-execute', column: 'CPU (fetch-execute)', cell: /^U\/vU _start\+0x8 int 0x80$/, explain: [/`int 0x80` in user mode/, /a trap, raised on purpose/]},
			{title: 'exception raised', column: 'Exceptions', cell: /int 0x80 raised \(trap\)/, explain: [/real IDT, which is the VMM’s/, /interpretation i, real exception → VMM/]},
			{title: 'VMM intercept', column: 'VMM', cell: /intercept exception: int 0x80/, explain: [/VMM intercepts \(exception: int 0x80\)/, /real supervisor mode/]},
			{title: 'VMM reflect', column: 'VMM', cell: /reflect int 0x80 →/, explain: [/VMM reflects it/, /virtual supervisor mode/, /`syscall_entry`/]},
			{title: 'virtual exception', column: 'Exceptions', cell: /int 0x80 → syscall_entry/, explain: [/U\/vS/, /interpretation ii, virtual exception → guest OS/]},
			{title: 'guest OS handler', column: 'OS', cell: /handler syscall_entry \(int/, explain: [/system call `getpid` for pid 1/, /privileged instructions trapped to the VMM/]},
			{title: 'return', column: 'VMM', cell: /iret → U _start\+0xc \(emulated\)/, explain: [/`iret` is privileged/, /the VMM emulated it/, /_start\+0xc/]},
		];
		let screen = start;
		for (const [i, step] of expected.entries()) {
			if (i > 0) {
				await s.send(i % 2 === 1 ? ' ' : '\x1b[C'); // space and → both advance one level step
				await see(s, `step ${i + 1} of 7`);
				screen = await settled(s);
			}
			const h = highlighted(screen);
			expect(h.title, screen).toBe(step.title);
			expect(h.column, screen).toBe(step.column);
			expect(h.line, screen).toMatch(step.cell);
			for (const phrase of step.explain) expect(h.explain, screen).toMatch(phrase);
			// Only the current step is highlighted; the ones before stay visible above it.
			expect(screen.split('\n').filter((l) => l.startsWith('▶ ')).length).toBe(1);
		}
		expect(screen).toContain('end of this journey');

		// N goes back to the previous int 0x80 journey? There is none before the first: it says so.
		await s.send('N');
		await see(s, 'no earlier journey in the history');
		await s.send('q');
		const end = await s.exit();
		expect(end.code).toBe(0);
		expect(end.leftAltScreen).toBe(true);
	}, 60_000);
});
