/**
 * The dashboard's `A` (issue 18) in a real pseudo-terminal: a transient VMM
 * attaches under the running kernel — the VMM column appears and its exits
 * are counted — and detaches again — the column goes — while the console
 * shows what the native run prints. No timing assertions: every wait is for
 * the screen to show something.
 */
import {execFileSync} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {afterEach, expect, test} from 'vitest';
import {PtySession} from '../../source/bench/ui.js';
import {see, settled} from './settled.js';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let session: PtySession | undefined;
afterEach(() => {
	session?.kill();
	session = undefined;
});

/**
 * The history's column header. Levels with nothing on screen collapse (content-sized columns),
 * so only the VMM column's presence is asserted, not its neighbours.
 */
function columnHeader(screen: string): string {
	const line = screen.split('\n').find((l) => /^\s+CPU \(fetch-execute\)/.test(l));
	if (line === undefined) throw new Error(`no history header on the screen:\n${screen}`);
	return line;
}

/** The console panel's lines (left half, below its title). */
function consoleLines(screen: string): string[] {
	const lines = screen.split('\n');
	const start = lines.findIndex((l) => /─ Console /.test(l));
	if (start < 0) throw new Error(`no console panel on the screen:\n${screen}`);
	const out: string[] = [];
	for (const l of lines.slice(start + 1)) {
		if (/^space pause|^─/.test(l)) break;
		const text = l.slice(0, 72).trimEnd();
		if (text !== '') out.push(text.trim());
	}
	return out;
}

test('A attaches a VMM under the running kernel and A detaches it; the console output is the native run’s', async () => {
	const native = execFileSync('node', [cli, 'run', '--headless'], {encoding: 'utf8'});
	const s = (session = new PtySession(['node', cli, '--speed', '20000'], {cols: 140, rows: 60}));
	await see(s, '│ no VMM │');
	const start = await see(s, 'CPU \\(fetch-execute\\)');
	expect(columnHeader(start)).not.toMatch(/\sVMM(\s|$)/);

	await s.send('A');
	await see(s, 'VMM attached \\(trap\\) at instruction \\d+');
	// The VMM column appears, its entries are counted.
	await see(s, '│ vmm trap \\(type I\\) │');
	const attached = await see(s, 'Exit reasons — [1-9][\\d,]* VMM entries');
	expect(columnHeader(attached)).toMatch(/\sVMM(\s|$)/);
	await see(s, 'transient VMM +attached \\(trap\\) at instr [\\d,]+\\s');

	await s.send('A');
	await see(s, '│ no VMM │');
	const detached = await see(s, 'transient VMM +detached; 1 interval so far');
	expect(detached).toMatch(/VMM entries +[1-9][\d,]* while attached/);
	expect(columnHeader(detached)).not.toMatch(/\sVMM(\s|$)/);
	// Let some more output come natively, then compare the console with the native run's.
	await see(s, 'step: move disk 3');
	await s.send(' ');
	await see(s, '❚❚ paused');
	const lines = consoleLines(await settled(s));
	expect(lines.length).toBeGreaterThan(3);
	const nativeLines = native.split('\n').map((l) => l.trim()).filter((l) => l !== '');
	let at = 0;
	for (const line of lines) {
		// Each visible console line is the native run's next line (in order; a cut right edge aside).
		const found = nativeLines.findIndex((n, i) => i >= at && n.startsWith(line));
		expect(found, `console line ${JSON.stringify(line)} is not the native run's next line`).toBeGreaterThanOrEqual(at);
		at = found + 1;
	}
}, 90_000);
