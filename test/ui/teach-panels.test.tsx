/**
 * issue 16 §1 and issue 16 §2 in components: the journey walk's view, the legend, the
 * multilevel map, the context-sensitive footer and a status message that
 * wraps instead of being cut.
 */
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {footerKeys} from '../../source/ui/app.js';
import {ExitReasonTable} from '../../source/ui/components/ExitReasonTable.js';
import {FilterBar, fitKeys} from '../../source/ui/components/FilterBar.js';
import {JourneyWalk} from '../../source/ui/components/JourneyWalk.js';
import {Legend, legendEntries, legendOverflow} from '../../source/ui/components/Legend.js';
import {MapScreen, mapOverflow, multilevelMap} from '../../source/ui/components/MapScreen.js';
import {whereLine} from '../../source/ui/components/ScrolledLines.js';
import {StatusLine, statusHeight} from '../../source/ui/components/StatusLine.js';
import {formatSpeed} from '../../source/driver/speed.js';
import type {JourneyWalkView, Snapshot} from '../../source/ui/store/snapshot.js';
import {renderAt} from './helpers/render-at.js';
import {nativeSnapshot, vmmSnapshot} from './helpers/snapshot.js';

const frame = (node: React.ReactElement): string => render(node).lastFrame() ?? '';
const wide = (node: React.ReactElement, columns: number): string => {
	const r = renderAt(node, columns);
	const out = r.lastFrame();
	r.instance.unmount();
	return out;
};

const walk: JourneyWalkView = {
	filter: 'vector:0x80',
	running: false,
	journey: 23,
	continuation: 24,
	title: 'int 0x80 (trap)',
	step: 2,
	showVmm: true,
	showHost: false,
	steps: [
		{level: 'cpu', title: 'CPU fetch-execute', cell: 'U/vU _start+0x8  int 0x80', explain: 'The CPU fetches and executes it.'},
		{level: 'exception', title: 'exception raised', cell: 'int 0x80 raised (trap)', explain: 'interpretation i'},
		{level: 'vmm', title: 'VMM intercept', cell: 'intercept exception: int 0x80 (exception), a long text that has to wrap in its column', explain: 'The VMM intercepts: it alone runs in real supervisor mode.'},
		{level: 'vmm', title: 'VMM reflect', cell: 'reflect int 0x80 → syscall_entry', explain: 'not yet'},
	],
};

describe('JourneyWalk', () => {
	test('the steps so far, each in its level’s column; only the current one highlighted and explained; the next one named', () => {
		const out = wide(<JourneyWalk walk={walk} width={140} height={20} />, 140);
		const lines = out.split('\n');
		expect(lines[0]).toContain('Journey mode — journey 23 → 24: int 0x80 (trap) — step 3 of 4 — stops at: vector:0x80');
		const header = lines[1]!;
		const row = (title: string) => lines.find((l) => l.includes(title))!;
		expect(row('1 CPU fetch-execute').indexOf('U/vU _start+0x8')).toBe(header.indexOf('CPU (fetch-execute)'));
		expect(row('2 exception raised').indexOf('int 0x80 raised')).toBe(header.indexOf('Exceptions'));
		expect(row('▶ 3 VMM intercept').indexOf('intercept exception')).toBe(header.indexOf('VMM'));
		// Wrapped, not cut: the whole text is there.
		expect(out.replace(/\s+/g, ' ')).toContain('a long text that has to wrap in its column');
		expect(out).not.toContain('…');
		expect(lines.filter((l) => l.startsWith('▶')).length).toBe(1);
		expect(out).toContain('↳ The VMM intercepts: it alone runs in real supervisor mode.');
		expect(out).not.toContain('interpretation i');
		expect(out).not.toContain('reflect int 0x80');
		expect(out).toContain('next: VMM reflect (→ or space)');
	});

	test('on a short screen the oldest steps give way: the current one and its explanation always show', () => {
		const out = frame(<JourneyWalk walk={{...walk, step: 3}} width={80} height={10} />);
		expect(out).toMatch(/… \d earlier steps? above \(← goes back\)/);
		expect(out).toContain('▶ 4 VMM reflect');
		expect(out).toContain('↳ not yet');
		expect(out).not.toContain('1 CPU fetch-execute');
	});

	test('a long explanation and a long cell wrap under themselves (no continuation line starts a column off)', () => {
		const explain = 'The VMM intercepts (exception: int 0x80): it alone runs in real supervisor mode, so every exception of a guest comes to it first, whatever the guest kernel believes about its own mode.';
		const long = {...walk, steps: walk.steps.map((st, i) => (i === 2 ? {...st, explain} : st))};
		const lines = wide(<JourneyWalk walk={long} width={80} height={24} />, 80).split('\n');
		const arrow = lines.findIndex((l) => l.startsWith('  ↳ The VMM intercepts'));
		expect(arrow).toBeGreaterThan(0);
		const rest = lines.slice(arrow + 1, lines.findIndex((l) => l.startsWith('next:')));
		expect(rest.length).toBeGreaterThan(1);
		for (const l of rest) expect(l, l).toMatch(/^ {4}\S/);
		expect([lines[arrow]!.slice(4), ...rest.map((l) => l.trim())].join(' ')).toBe(explain);
		// The VMM cell (`…a long text that has to wrap in its column`): each of its lines starts where the column does.
		const column = lines[1]!.indexOf('VMM');
		const cell = lines.slice(lines.findIndex((l) => l.startsWith('▶ 3 VMM intercept')), arrow).map((l) => l.slice(column));
		expect(cell.length).toBeGreaterThan(1);
		for (const part of cell) expect(part, part).toMatch(/^\S/);
		expect(cell.map((part) => part.trim()).join(' ')).toBe(walk.steps[2]!.cell);
	});

	test('before the first journey it says it is running to one', () => {
		const out = frame(<JourneyWalk walk={{...walk, journey: null, steps: [], running: true}} width={100} height={6} />);
		expect(out).toContain('Journey mode — running to the next journey…');
	});
});

describe('Legend', () => {
	test('every glyph and column the dashboard uses is explained', () => {
		const out = wide(<Legend width={160} height={30} />, 160);
		for (const glyph of ['U/vS', 'U/vU', 'S / U', 'gN', '⋯N', 'before', '(trapped)', '⚠', '⇒ int 0x63 (patched)', '✓ ✗ ·', 'colours', 'CPU (fetch-execute)', 'Exceptions', 'VMM', 'Host OS']) {
			expect(out, glyph).toContain(glyph);
		}
		expect(out).toContain('real mode U, the guest’s virtual mode S');
		// One line each at this width (the title rule above them).
		expect(out.split('\n').filter((l) => l.trim() !== '').length - 1).toBe(legendEntries.length);
	});
});

describe('the legend and the map at 80×24 (a 20-line body): wrapped under themselves, scrolled, nothing cut', () => {
	test('the legend: a meaning wraps in its own column, the glyphs’ column stays clear; End shows the last entry', () => {
		const max = legendOverflow(80, 20);
		expect(max).toBeGreaterThan(0);
		const top = wide(<Legend width={80} height={20} />, 80).split('\n');
		expect(top.at(-1)).toMatch(/^lines 1–18 of \d+ · ↓ \d+ more/);
		// Ink's own wrapping began continuation lines with the space it broke at (` executed`): one column further in.
		const indent = Math.max(...legendEntries.map(([g]) => [...g].length)) + 2;
		const continuations = top.slice(1, -1).filter((l) => l.startsWith(' '));
		expect(continuations.length).toBeGreaterThan(3);
		for (const l of continuations) expect(l.slice(0, indent + 1), l).toMatch(new RegExp(`^ {${indent}}\\S`));
		const end = wide(<Legend width={80} height={20} offset={max} />, 80);
		expect(end).toContain('the selected row (↑/↓ move it, End follows the newest');
		expect(end).not.toContain('more ·');
	});

	test('the line saying where we are names fewer keys on a narrow screen instead of ending in `…`', () => {
		expect(whereLine(28, 9, 62, 80)).toBe('lines 29–37 of 62 · ↓ 25 more · ↑ ↓ PgUp PgDn Home End scroll');
		expect(whereLine(28, 9, 62, 60)).toBe('lines 29–37 of 62 · ↓ 25 more · ↑ ↓ PgUp PgDn scroll');
		expect(whereLine(53, 9, 62, 35)).toBe('lines 54–62 of 62 · ↑ ↓ scroll');
		const narrow = wide(<Legend width={50} height={12} offset={3} />, 50).split('\n');
		expect(narrow.at(-1)).toMatch(/^lines 4–\d+ of \d+ · ↓ \d+ more · ↑ ↓ scroll$/);
	});

	test('the map: a part’s text wraps indented under its level; End reaches level 0', () => {
		const d = vmmSnapshot().status.description;
		const max = mapOverflow(d, 80, 20);
		expect(max).toBeGreaterThan(0);
		const top = wide(<MapScreen description={d} width={80} height={20} />, 80).split('\n');
		expect(top[1]).toBe('Level 5  problem-oriented language');
		// Lines that are neither a level, the demarcation nor the closing note are parts: indented four cells.
		const parts = top.slice(1, -1).filter((l) => !/^(Level \d|━━|interpretation, system)/.test(l));
		expect(parts.length).toBeGreaterThan(5);
		for (const l of parts) expect(l, l).toMatch(/^( {4}| {2}▶ )\S/);
		const end = wide(<MapScreen description={d} width={80} height={20} offset={max} />, 80);
		expect(end).toContain('Level 0  digital logic');
		expect(end).toContain('go straight to level 2).');
	});
});

describe('the multilevel map', () => {
	const d = vmmSnapshot().status.description;
	test('levels 0–5 top down, the line of demarcation between 4 and 3, vmtop’s parts where they sit', () => {
		const out = wide(<MapScreen description={d} width={140} height={30} />, 140);
		const at = (text: string) => out.indexOf(text);
		for (let n = 5; n > 0; n--) expect(at(`Level ${n}`)).toBeLessThan(at(`Level ${n - 1}`));
		expect(at('Level 4  assembly language')).toBeLessThan(at('line of demarcation'));
		expect(at('line of demarcation')).toBeLessThan(at('Level 3  operating-system machine'));
		expect(out).toContain('interpretation, system (≤ 3)');
		expect(out).toContain('translation, application (≥ 4)');
		expect(at('V32 CPU')).toBeGreaterThan(at('Level 2'));
		expect(at('a process VM')).toBeGreaterThan(at('Level 3'));
		expect(at('a process VM')).toBeLessThan(at('Level 2'));
		expect(out.replace(/\s+/g, ' ')).toContain('▶ the VMM: a level-2 interpreter of sensitive instructions (trap, bt; pv: of hypercalls; hvm: of all of virtual supervisor mode) — the VMM column (this run: trap)');
	});

	test('the parts the run uses are marked: no VMM natively, the host OS only under Type II', () => {
		const used = (vmm: 'none' | 'trap', type: 1 | 2) =>
			multilevelMap({vmm, type})
				.flatMap((l) => l.parts)
				.filter((p) => p.used)
				.map((p) => p.text.split(':')[0]);
		expect(used('none', 1)).not.toContain('the VMM');
		expect(used('trap', 1)).toContain('the VMM');
		expect(used('trap', 1).some((t) => t!.startsWith('the host OS'))).toBe(false);
		expect(used('trap', 2).some((t) => t!.startsWith('the host OS'))).toBe(true);
	});
});

describe('the footer says the keys of what is on the screen', () => {
	const live = nativeSnapshot();
	const replay: Snapshot = {...live, status: {...live.status, canRestart: false, canRecord: false, length: 100}};
	test('a replay: its keys ([ ] b g), never v or i', () => {
		const keys = footerKeys(replay);
		for (const k of ['[ previous', 'b back', 'g go to', 'n ]']) expect(keys).toContain(k);
		expect(keys).not.toMatch(/(^| )[vi] /);
		expect(keys).toContain('J journey mode'); // a replay walks its trace's journeys too
		// The exit table of a replay without a VMM does not offer `v`.
		expect(frame(<ExitReasonTable exits={[]} total={0} width={60} height={4} sort="count" noVmm canSwitch={false} />)).not.toContain('press v');
		expect(frame(<ExitReasonTable exits={[]} total={0} width={60} height={4} sort="count" noVmm />)).toContain('press v to add one');
	});

	test('a live run, journey mode, a screen, the legend', () => {
		expect(footerKeys(live)).toContain('J journey mode');
		const journey = footerKeys({...live, journeyWalk: walk});
		expect(journey).toContain('→/space next step');
		expect(journey).toContain('N/b previous');
		expect(footerKeys({...live, screen: 'map'})).toMatch(/^m or esc: back/);
		expect(footerKeys({...live, screen: 'check'})).toMatch(/^esc back/);
		expect(footerKeys({...live, legend: true})).toMatch(/^l or esc closes/);
	});
});

test('journey mode at 80 columns: a column narrower than its title is headed by its short name, never a cut one', () => {
	const out = wide(<JourneyWalk walk={{...walk, step: 3}} width={80} height={30} />, 80);
	const header = out.split('\n').find((l) => l.startsWith('level step'))!;
	expect(header).not.toContain('…');
	expect(header).toMatch(/^level step +(CPU \(fetch-execute\)|CPU) +(Exceptions|Exc) +OS +VMM/);
});

describe('the footer fits at 80 columns (issue 16: `l l…` was cut)', () => {
	const live = nativeSnapshot();
	const replay: Snapshot = {...live, status: {...live.status, canRestart: false, canRecord: false, length: 100}};
	const contexts: Array<[string, Snapshot]> = [
		['live', live],
		['replay', replay],
		['journey mode', {...live, journeyWalk: walk}],
		['a screen', {...live, screen: 'check'}],
		['a filter in force', {...live, filter: {...live.filter, active: 'level:cpu,os kind:vmm'}}],
	];
	test.each(contexts)('%s: whole keys only, the most used first, then `? more` and `q quit`', (_name, s) => {
		for (const columns of [80, 60]) {
			const line = wide(<FilterBar filter={s.filter} width={columns} keys={footerKeys(s)} />, columns).split('\n')[0]!;
			expect(line).not.toContain('…');
			expect(line.length).toBeLessThanOrEqual(columns);
			const keys = footerKeys(s);
			if (line.includes('? more')) {
				expect(line).toMatch(/ {2}\? more {2}q quit$/);
				// Each key shown is one of the context's, whole, in its order.
				const shown = line.replace(/^.*│ {2}/, '').split(/ {2,}/).filter((k) => k !== '? more' && k !== 'q quit');
				const all = keys.split(/ {2,}/);
				expect(shown.every((k) => all.includes(k))).toBe(true);
				expect(shown.map((k) => all.indexOf(k))).toEqual([...shown.map((k) => all.indexOf(k))].sort((a, b) => a - b));
				if (shown.length > 0) expect(shown[0]).toBe(all[0]);
			} else expect(line.trimEnd().endsWith(keys)).toBe(true);
		}
	});

	test('fitKeys keeps every key when they fit, and drops the least used first', () => {
		expect(fitKeys('a one  b two  ? help  q quit', 40)).toBe('a one  b two  ? help  q quit');
		expect(fitKeys('a one  b two  c three  ? help  q quit', 28)).toBe('a one  b two  ? more  q quit');
	});
});

describe('status messages wrap instead of being cut', () => {
	test('a message longer than the line gets lines of its own, whole', () => {
		const status = nativeSnapshot().status;
		const message = 'journey mode stops at: vector:0x80 kind:os.syscall — and a message long enough to need a second line at eighty columns';
		expect(statusHeight(status, 80, message)).toBeGreaterThan(statusHeight(status, 80));
		const out = frame(<StatusLine status={status} width={80} flash={message} />);
		expect(out.split('\n').length).toBe(statusHeight(status, 80, message));
		expect(out.replace(/\s+/g, ' ')).toContain(message);
		// A short one stays at the end of the line.
		expect(statusHeight(status, 200, 'speed 1k/s')).toBe(statusHeight(status, 200));
	});

	test('a long run name at 80 columns: the run state and speed flow onto the next line instead of `▶ running …`', () => {
		// An imported KVM trace, as `vmtop replay samples/traces/kvm-sample.vmtrace.jsonl.gz` shows it.
		const base = vmmSnapshot().status;
		const status = {...base, mode: 'paused' as const, description: {...base.description, name: 'kvm-sample.txt', isa: 'x86 (KVM)', guests: 2}, hostTime: true, length: 600};
		const height = statusHeight(status, 80);
		expect(height).toBe(2);
		const lines = wide(<StatusLine status={status} width={80} />, 80).split('\n');
		expect(lines.length).toBe(height);
		expect(lines.join('\n')).not.toContain('…');
		expect(lines[0]).toBe('vmtop kvm-sample.txt │ isa x86 (KVM) │ vmm trap (type I, 2 guests)');
		// Paced in host time, and nothing `(sampled)`: an imported trace has no instructions.
		expect(lines[1]).toMatch(/^❚❚ paused [\d.,]+ µs of host time\/s │ event #[\d,]+ of 600 │ host time /);
		expect(formatSpeed(600_000, 300_000, 'host-ns')).toBe('2× (600 µs of host time/s)');
		// Where it fits, the usual two lines: who and how it runs, then the counters.
		const usual = wide(<StatusLine status={base} width={80} />, 80).split('\n');
		expect(usual[0]).toMatch(/^vmtop default │ isa classic │ vmm trap \(type I, 2 guests\) │ ▶ running \S+$/);
		expect(usual[1]).toMatch(/^event #/);
	});
});
