/**
 * Layout that never cuts the story (issue 16 §3): at 80×24, 140×42 and
 * 200×60, with the long texts a VMM and a host OS write, no level cell is cut
 * with `…` — a long cell wraps onto continuation lines, below 100 columns the
 * history is a stacked list — and panels that do not apply are not drawn.
 */
import {describe, expect, test} from 'vitest';
import type {VmEvent} from '../../source/bus/events.js';
import {Controller} from '../../source/ui/controller.js';
import {Dashboard} from '../../source/ui/dashboard.js';
import {DashboardStore} from '../../source/ui/store/dashboard-store.js';
import {syscallJourney} from './helpers/events.js';
import {FakeSource} from './helpers/fake-source.js';
import {ManualScheduler} from './helpers/manual-scheduler.js';
import {renderAt} from './helpers/render-at.js';
import {cells, wrapText} from '../../source/ui/components/text.js';
import {columnLayout} from '../../source/ui/components/column-layout.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

const stamp = (instret: number, guest = 0) => ({instret, cycle: instret * 2, guest});

/** What a Type II VMM's hypercall and a diverged guest write: the texts issue 16 found cut. */
const longTexts = {
	intercept: 'intercept hypercall: out_imm (hypercall)',
	host: 'enter: console write for guest 0 on the host terminal (out_imm 0x3f8)',
	stop: '■ equivalence not equivalent: guest 0: console differs at byte 1234',
	equivalence: 'not equivalent: guest 0: console differs at byte 1234 (expected "a", got "b")',
	emulate: 'console write of 0x3f8 bytes through the host terminal for guest 0 (buffered, flushed at newline)',
};

/** A hypercall under a Type II VMM, as journey `journey` (the cooperation panel reads it: its steps are long too). */
function longRun(at: number, journey?: number): VmEvent[] {
	const plain: VmEvent[] = [
		{kind: 'exception.raised', vector: 13, pc: 0x30, badaddr: 0x30, supervisor: false, type: 'fault', ...stamp(at)},
		{kind: 'vmm.intercept', reason: 'hypercall: out_imm', category: 'hypercall', pc: 0x30, ...stamp(at)},
		{kind: 'host.enter', reason: 'console write for guest 0 on the host terminal (out_imm 0x3f8)', ...stamp(at)},
		{kind: 'host.exit', cost: 4000, ...stamp(at)},
		{kind: 'vmm.resume', pc: 0x34, cost: 5200, ...stamp(at + 1)},
	];
	if (journey === undefined) return plain;
	const j = {journey};
	return [
		{kind: 'exception.raised', vector: 13, pc: 0x30, badaddr: 0x30, supervisor: false, type: 'fault', ...stamp(at), ...j},
		{kind: 'vmm.intercept', reason: 'hypercall: out_imm', category: 'hypercall', pc: 0x30, ...stamp(at), ...j},
		{kind: 'host.enter', reason: 'console write for guest 0 on the host terminal (out_imm 0x3f8)', ...stamp(at), ...j},
		{kind: 'host.exit', cost: 4000, ...stamp(at), ...j},
		{kind: 'vmm.emulate', mnemonic: 'out', pc: 0x30, effect: longTexts.emulate, ...stamp(at), ...j},
		{kind: 'vmm.resume', pc: 0x34, cost: 5200, ...stamp(at + 1), ...j},
		{
			kind: 'journey.end',
			parent: null,
			vector: 13,
			type: 'fault',
			virtual: false,
			cause: null,
			start: {cycle: at * 2, instret: at},
			cost: {host: 4000, vmm: 1200},
			...stamp(at + 1),
			cycle: at * 2 + 5200,
			...j,
		},
	];
}

function mount(columns: number, rows: number, vmm: 'trap' | 'none' = 'trap', journeys = false) {
	// Nested too: VMM rows carry their depth tag ([L1/2]), the longest VMM texts there are.
	const source = new FakeSource(vmm === 'none' ? {} : {vmm, type: 2, guests: 2, nesting: ['trap', 'trap']});
	if (vmm !== 'none') {
		source.guestList = [
			{index: 0, name: 'vm0', state: 'running', instructions: 3000},
			{index: 1, name: 'vm1', state: 'running', instructions: 1000},
		];
		source.props = [
			{label: 'equivalence', value: longTexts.equivalence, ok: false},
			{label: 'resource control', value: 'every sensitive instruction reached the VMM', ok: true},
		];
	}
	source.mode = 'paused';
	const sched = new ManualScheduler();
	const store = new DashboardStore(source, {scheduler: sched});
	const controller = new Controller(store, {quit: () => {}});
	const events: VmEvent[] = [];
	for (let i = 0; i < 12; i++) events.push(...(vmm === 'none' ? syscallJourney(100 + i * 10, i + 1) : longRun(100 + i * 10, journeys ? i + 1 : undefined)));
	events.push({kind: 'stop', reason: 'poweroff', code: 0, message: longTexts.stop.slice(2), ...stamp(300, -1)});
	source.emit(...events);
	sched.advance(40);
	const r = renderAt(<Dashboard store={store} controller={controller} />, columns, rows);
	const frame = async () => {
		await tick();
		sched.advance(40);
		await tick();
		return r.lastFrame();
	};
	return {frame, store};
}

/** Lines of the history panel: from its title rule to the next panel's. */
function historyLines(frame: string): string[] {
	const lines = frame.split('\n');
	const from = lines.findIndex((l) => /History/.test(l)) + 2;
	const to = lines.findIndex((l, i) => i >= from && l.startsWith('─ '));
	return lines.slice(from, to < 0 ? undefined : to);
}

const sizes = [
	[80, 24],
	[140, 42],
	[200, 60],
] as const;

describe.each(sizes)('at %i×%i', (columns, rows) => {
	test('no level cell is cut: long VMM and host texts wrap, every word shown', async () => {
		const {frame} = await Promise.resolve(mount(columns, rows));
		const f = await frame();
		if (process.env.SHOW) console.log(f);
		const history = historyLines(f);
		expect(history.length).toBeGreaterThan(3);
		expect(history.filter((l) => l.includes('…'))).toEqual([]);
		const text = history.join(' ');
		for (const word of [...longTexts.intercept.split(' '), ...longTexts.host.split(' '), ...longTexts.stop.split(' ')]) {
			expect(text).toContain(word);
		}
		for (const l of f.split('\n')) expect(cells(l)).toBeLessThanOrEqual(columns);
	});

	test('the Vertical cooperation panel wraps its steps: no cell cut, every word shown, the total line whole', async () => {
		const f = await mount(columns, rows, 'trap', true).frame();
		if (process.env.SHOW) console.log(f);
		const lines = f.split('\n');
		const from = lines.findIndex((l) => l.startsWith('─ Vertical cooperation'));
		expect(from).toBeGreaterThan(0);
		const panel = lines.slice(from + 1, lines.findIndex((l, i) => i > from && (l.startsWith('─ ') || /^space pause/.test(l))));
		expect(panel.filter((l) => l.includes('…'))).toEqual([]);
		const text = panel.join(' ').replace(/ +/g, ' ');
		const words = ['[L1/2]', longTexts.emulate, '(hypercall: out_imm); the host OS passes it on', 'the guest makes no progress'].flatMap((w) => w.split(' '));
		for (const word of [...words, '4,000 cyc', '1,200 cyc']) expect(text).toContain(word);
		expect(panel.at(-1)).toMatch(/^total 5,200 cyc = cycle [\d,]+ → [\d,]+ \(journey \d+\)/);
		if (columns <= 140) expect(panel.some((l) => /^ {4,}\S/.test(l)), 'a continuation line').toBe(true);
		// The history keeps rows of its own above it.
		expect(historyLines(f).length).toBeGreaterThanOrEqual(4);
	});

	test('the Popek–Goldberg panel wraps a long value instead of cutting it', async () => {
		const f = await mount(columns, rows).frame();
		if (columns < 110) return expect(f).not.toContain('Popek–Goldberg'); // compact: the bottom slot is the cooperation panel
		const lines = f.split('\n');
		const from = lines.findIndex((l) => l.includes('─ Popek–Goldberg'));
		const panel = lines.slice(from + 1, from + 5);
		expect(panel.filter((l) => l.includes('…'))).toEqual([]);
		expect(panel.join(' ')).toContain('got');
	});

	test('no blank line at the bottom while the history has more rows to show', async () => {
		const f = await mount(columns, rows).frame();
		const lines = f.split('\n');
		expect(lines).toHaveLength(rows - 1);
		expect(lines.filter((l) => l.trim() === '')).toEqual([]);
	});
});

describe.each(sizes)('without a VMM, at %i×%i', (columns, rows) => {
	test('panels that do not apply are not drawn', async () => {
		const {frame} = mount(columns, rows, 'none');
		const f = await frame();
		if (process.env.SHOW) console.log(f);
		expect(f).not.toContain('Guests');
		expect(f).not.toContain('Exit reasons');
	});
});

describe('wrapping and column widths', () => {
	test('wrapText breaks at spaces, measures cells not UTF-16 units, and never drops text', () => {
		expect(wrapText('intercept hypercall: out_imm (hypercall)', 20)).toEqual(['intercept hypercall:', 'out_imm (hypercall)']);
		expect(wrapText('a→b→c→d', 3)).toEqual(['a→b', '→c→', 'd']);
		// A wide character takes two cells.
		expect(wrapText('漢字漢字', 4)).toEqual(['漢字', '漢字']);
		expect(wrapText('short', 20)).toEqual(['short']);
		// A word wider than the column breaks after a hyphen or a slash where it can, not one letter short.
		expect(wrapText('procedure-threaded', 17)).toEqual(['procedure-', 'threaded']);
		expect(wrapText('x86 instr/dispatch', 12)).toEqual(['x86', 'instr/', 'dispatch']);
		expect(wrapText('-flag', 3)).toEqual(['-fl', 'ag']);
	});

	test('a level with nothing to show collapses; a short one takes what it needs', () => {
		const options = {vmm: true, host: true, multiGuest: false};
		const cols = columnLayout(120, options, [{cpu: 'U main+0x8  add r1, r1, 0x1'}, {vmm: 'intercept hypercall: out_imm (hypercall)'}]);
		expect(cols.map((c) => c.level)).toEqual(['cpu', 'vmm']);
		expect(cols[0]!.width).toBe(cells('U main+0x8  add r1, r1, 0x1') + 1);
		expect(cols.reduce((s, c) => s + c.width, 0)).toBe(120 - 12);
		// Nothing at all to show: every level of the run, titled.
		expect(columnLayout(120, options, []).map((c) => c.level)).toEqual(['cpu', 'exception', 'os', 'vmm', 'host']);
	});

	test('when the texts do not fit, the long columns share the room and the short ones keep theirs', () => {
		const long = 'x'.repeat(200);
		const cols = columnLayout(100, {vmm: true, host: false, multiGuest: false}, [{cpu: long, exception: 'int 0x80 raised', os: long, vmm: long}]);
		const width = Object.fromEntries(cols.map((c) => [c.level, c.width]));
		expect(width.exception).toBe(cells('int 0x80 raised') + 1);
		expect(Math.max(width.cpu!, width.os!, width.vmm!) - Math.min(width.cpu!, width.os!, width.vmm!)).toBeLessThanOrEqual(1);
		expect(cols.reduce((s, c) => s + c.width, 0)).toBe(100 - 12);
	});
});

test('at 80 columns the stacked list’s legend of tags is whole, even with two guests and a host OS', async () => {
	const lines = (await mount(80, 24).frame()).split('\n');
	const header = lines[lines.findIndex((l) => /History/.test(l)) + 1]!;
	expect(header.trim()).toBe('CPU = fetch-execute · Exc = exceptions · OS · VMM · Host = host OS');
});

test('below 100 columns each event is stacked: one level per line, indented by level', async () => {
	const {frame} = mount(80, 24);
	const lines = historyLines(await frame());
	const raised = lines.findIndex((l) => l.includes('#GP raised'));
	expect(raised).toBeGreaterThan(0);
	const cpu = lines[raised - 1]!;
	expect(cpu).toMatch(/CPU +⋯9 U main\+0x30/);
	expect(lines[raised]).toMatch(/^ +Exc +#GP raised/);
	expect(lines[raised]!.indexOf('Exc')).toBeGreaterThan(cpu.indexOf('CPU'));
});

test('short of room, the Popek–Goldberg panel keeps a line per property: the longest value goes back to one line first', async () => {
	const {fitProperties} = await import('../../source/ui/components/PropertiesPanel.js');
	const values = [['a b c', 'd e'], ['x'], ['p q', 'r s', 't u']];
	expect(fitProperties(values, 6, 10)).toEqual(values);
	expect(fitProperties(values, 4, 12)).toEqual([['a b c', 'd e'], ['x'], ['p q r s t u']]);
	expect(fitProperties(values, 3, 8)).toEqual([['a b c d…'], ['x'], ['p q r s…']]);
});

test('with fewer lines than properties, the panel keeps Popek & Goldberg’s three and drops VMM entries first (equivalence vanished at 120×35)', async () => {
	const {keptProperties, PropertiesPanel} = await import('../../source/ui/components/PropertiesPanel.js');
	const line = (label: string) => ({label, value: `${label} value`});
	const all = ['equivalence', 'resource control', 'efficiency', 'effectiveness', 'VMM entries', 'translation'].map(line);
	const labels = (budget: number) => keptProperties(all, budget).map((p) => p.label);
	expect(labels(6)).toEqual(['equivalence', 'resource control', 'efficiency', 'effectiveness', 'VMM entries', 'translation']);
	expect(labels(5)).toEqual(['equivalence', 'resource control', 'efficiency', 'effectiveness', 'translation']);
	expect(labels(4)).toEqual(['equivalence', 'resource control', 'efficiency', 'effectiveness']);
	expect(labels(3)).toEqual(['equivalence', 'resource control', 'efficiency']);
	// Drawn in a panel of six lines (the title and five): equivalence is its first line.
	const r = renderAt(<PropertiesPanel properties={all} width={56} height={6} />, 56);
	const lines = r.lastFrame().split('\n');
	r.instance.unmount();
	expect(lines[1]).toContain('equivalence');
	expect(lines).toHaveLength(6);
	expect(lines.join('\n')).not.toContain('VMM entries');
});
