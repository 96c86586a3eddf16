import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {ConsolePanel, tailLines} from '../../source/ui/components/ConsolePanel.js';
import {ExitReasonTable} from '../../source/ui/components/ExitReasonTable.js';
import {FilterBar} from '../../source/ui/components/FilterBar.js';
import {GuestsTable, shortExit} from '../../source/ui/components/GuestsTable.js';
import {HelpOverlay, helpLayout, helpOverflow} from '../../source/ui/components/HelpOverlay.js';
import {LevelColumns} from '../../source/ui/components/LevelColumns.js';
import {PropertiesPanel} from '../../source/ui/components/PropertiesPanel.js';
import {ReportScreen} from '../../source/ui/components/ReportScreen.js';
import {Sparkline, sparkline} from '../../source/ui/components/Sparkline.js';
import {StatusLine, statusHeight, statusParts} from '../../source/ui/components/StatusLine.js';
import {TooSmall} from '../../source/ui/components/TooSmall.js';
import {VerticalCooperation} from '../../source/ui/components/VerticalCooperation.js';
import {wrapText} from '../../source/ui/components/text.js';
import {keymap} from '../../source/ui/keymap.js';
import {renderAt} from './helpers/render-at.js';
import {nativeSnapshot, vmmSnapshot} from './helpers/snapshot.js';

const frame = (node: React.ReactElement): string => render(node).lastFrame() ?? '';
/** Wider than ink-testing-library's 100 columns. */
const wide = (node: React.ReactElement, columns: number): string => {
	const r = renderAt(node, columns);
	const out = r.lastFrame();
	r.instance.unmount();
	return out;
};

describe('LevelColumns', () => {
	test('one row per event, each level in its column', () => {
		const s = nativeSnapshot();
		const out = frame(<LevelColumns history={s.history} width={100} height={14} detail />);
		const lines = out.split('\n');
		expect(lines[0]).toMatch(/^─ History/);
		expect(lines[1]).toMatch(/CPU \(fetch-execute\)\s+Exceptions\s+OS/);
		expect(lines[1]).not.toContain('VMM');
		const raised = lines.find((l) => l.includes('int 0x80 raised'))!;
		// The faulting instruction under CPU, the exception to its right.
		expect(raised.indexOf('U main+0x20')).toBeLessThan(raised.indexOf('int 0x80 raised'));
		const syscall = lines.find((l) => l.includes('write('))!;
		expect(syscall.indexOf('pid 1: write')).toBeGreaterThan(lines[1]!.indexOf('OS') - 1);
		expect(out).toContain('iret → U main+0x24');
		expect(out).not.toContain('hello from pid 1'); // console text is not a row
	});

	test('a VMM column under a VMM; the selected row is marked; rows fit the height', () => {
		const s = vmmSnapshot();
		const selected = s.history.rows.at(-3)!.seq; // the second of the four rows shown
		const out = wide(<LevelColumns history={{...s.history, cursor: selected}} width={140} height={6} detail={false} multiGuest />, 140);
		const lines = out.split('\n');
		expect(lines.length).toBe(6);
		expect(lines[1]).toContain('VMM');
		expect(out).toContain('intercept out (privileged)');
		expect(lines[0]).toContain('instructions sampled at events');
		expect(lines[3]).toMatch(/^›\s+1300 g1\s+intercept out/);
		expect(lines[4]).toMatch(/^ \s+1300 g1\s+emulate out/);
	});

	test('an exception row after unseen instructions still says how many were skipped (issue 16 bug 11)', () => {
		const s = nativeSnapshot();
		const raised = s.history.rows.find((r) => r.cells.cpu !== '' && r.kind === 'exception.raised')!;
		const rows = [{...raised, gap: 1234}];
		const out = frame(<LevelColumns history={{...s.history, rows, cursor: null}} width={100} height={5} detail={false} />);
		const line = out.split('\n').find((l) => l.includes('raised'))!;
		expect(line).toMatch(/⋯1234 U main\+0x20/);
	});

	test('an empty history says so', () => {
		const s = nativeSnapshot();
		expect(frame(<LevelColumns history={{...s.history, rows: []}} width={80} height={5} detail />)).toContain('no events yet');
	});
});

describe('VerticalCooperation', () => {
	test('the five steps with what ran and the cost, and the total line', () => {
		const s = nativeSnapshot();
		const out = frame(<VerticalCooperation cooperation={s.cooperation} width={100} following />);
		expect(out).toContain('Vertical cooperation — int 0x80 · journey 1 (newest)');
		const all = out.split('\n').slice(1);
		// A step's text wider than its column continues on the next line, under it (never cut).
		const lines = all.filter((l) => l.slice(0, 24).trim() !== '');
		expect(lines.map((l) => l.slice(0, 24).trim())).toEqual([
			'1 fetch-execute (CPU)',
			'2 exception',
			'3 fetch-execute (CPU)',
			'4 fetch-execute (OS)',
			'5 return from exception',
			'total 104 cyc = cycle 10',
		]);
		expect(out).not.toContain('…');
		expect(lines[1]).toMatch(/int 0x80 \(trap\) → IDT → kernel\+0x400\s+50 cyc$/);
		expect(lines[2]).toMatch(/3 instr from kernel\+0x400\s+3 instr, 3 cyc$/);
		const four = all.indexOf(lines[3]!);
		expect(`${lines[3]} ${all[four + 1]!.trim()}`).toMatch(/handler .+; pid 1: write\(/);
		expect(lines[4]).toContain('iret → U main+0x24');
		// 1 (the int retires) + 50 + 3 + 0 + 50: the cycle counter's change over the journey.
		expect(lines[5]).toBe('total 104 cyc = cycle 100 → 204 (journey 1)');
	});

	test('before any exception it says how to get one', () => {
		expect(frame(<VerticalCooperation cooperation={null} width={80} following />)).toContain('Press n to run to the next one');
	});
});

describe('StatusLine', () => {
	test('scenario, ISA, VMM, state, speed, cycle, instructions, rate, event number', () => {
		const s = vmmSnapshot();
		const out = wide(<StatusLine status={{...s.status, mode: 'paused', mips: 12.5}} width={160} />, 160);
		expect(out).toContain('vmtop default │ isa classic │ vmm trap (type I, 2 guests)');
		expect(out).toContain('❚❚ paused 300/s');
		expect(out).toMatch(/│ event #14 │ cycle 2,450 │ instr 1,400 │ guest instr 4,000 │ 12\.50 MIPS/);
	});

	test('two lines when narrow; human speeds in instructions per second', () => {
		const s = nativeSnapshot();
		const out = frame(<StatusLine status={{...s.status, mips: 0.0003, speed: 'max', detail: false}} width={80} />);
		const lines = out.split('\n');
		expect(lines.length).toBe(2);
		expect(lines[0]).toContain('▶ running max (sampled)');
		expect(lines[1]).toMatch(/^event #\d+ │ cycle 204 │ instr 104 │ 300 instr\/s/);
	});

	test('one line when it fits, else two; big numbers compact', () => {
		const s = nativeSnapshot().status;
		expect(statusHeight(s, 120)).toBe(1);
		expect(statusHeight(s, 80)).toBe(2);
		expect(statusParts({...s, instret: 130_485_000, cycle: 9_999_999, length: 200}).counters).toBe(
			' │ event #10 of 200 │ cycle 9,999,999 │ instr 130.49M │ 0 instr/s',
		);
	});

	test('a stopped run shows why', () => {
		const s = nativeSnapshot();
		const out = wide(<StatusLine status={{...s.status, mode: 'stopped', stopped: 'powered off with code 0'}} width={160} />, 160);
		expect(out).toContain('■ stopped');
		expect(out).toContain('│ powered off with code 0');
	});
});

describe('GuestsTable', () => {
	test('xentop columns, one line per guest, sorted', () => {
		const s = vmmSnapshot();
		const out = frame(<GuestsTable guests={s.guests} width={90} sort="count" />);
		const lines = out.split('\n');
		expect(lines[0]).toContain('Guests (2)');
		expect(lines[1]).toMatch(/GUEST\s+STATE\s+CPU%\s+INSTR↓\s+ENTRIES\/S\s+TOP EXIT/);
		expect(lines[2]).toMatch(/^vm0\s+running\s+75\.0%\s+3000\s+\d+\s+cli/);
		expect(lines[3]).toMatch(/^vm1\s+halted\s+25\.0%\s+1000\s+\d+\s+out/);
	});

	test('a top exit too wide for its column drops its category before being cut (`privileged: lidt` → `lidt`)', () => {
		expect(shortExit('privileged: lidt', 20)).toBe('privileged: lidt');
		expect(shortExit('privileged: lidt', 10)).toBe('lidt');
		expect(shortExit('timer', 3)).toBe('timer');
		const s = vmmSnapshot();
		const guests = s.guests.map((g) => ({...g, topExit: 'privileged: lidt'}));
		const out = frame(<GuestsTable guests={guests} width={56} sort="count" />);
		expect(out).toMatch(/^vm0 .* lidt$/m);
		expect(out).not.toContain('privileg…');
	});

	test('whichever column o sorts by, no two headings run together', () => {
		const s = vmmSnapshot();
		for (const sort of ['count', 'rate', 'cycles', 'name'] as const) {
			for (const width of [60, 90]) {
				const header = frame(<GuestsTable guests={s.guests} width={width} sort={sort} />).split('\n')[1]!;
				const words = header.replace(/↓/g, '').trim().split(/\s+/);
				expect(words, `${sort} at ${width}: ${header}`).toEqual(['GUEST', 'STATE', 'CPU%', 'INSTR', 'ENTRIES/S', 'TOP', 'EXIT']);
			}
		}
	});
});

describe('ExitReasonTable', () => {
	test('kvm_stat columns drawn by ink-table, sort marked', () => {
		const s = vmmSnapshot();
		const out = frame(<ExitReasonTable exits={s.exits} total={s.exitTotal} width={80} height={8} sort="count" />);
		expect(out).toContain('Exit reasons — 3 VMM entries, by total');
		expect(out).toMatch(/│ reason\s+│ total↓ │\s+% │ \/s │ mean cyc │/);
		expect(out).toMatch(/│ cli\s+│\s+2 │\s+66\.7% │\s+\d+ │\s+1100 │/); // numbers right-aligned
		expect(out).not.toContain('┌'); // no rules between rows: kvm_stat style
	});

	test('rows that do not fit are counted; no VMM is explained', () => {
		const s = vmmSnapshot();
		expect(frame(<ExitReasonTable exits={s.exits} total={3} width={80} height={3} sort="name" />)).toContain('+2 more reasons');
		expect(frame(<ExitReasonTable exits={[]} total={0} width={80} height={3} sort="count" noVmm />)).toContain('No VMM in this run');
	});
});

describe('Sparkline', () => {
	test('bars scaled to the peak', () => {
		expect(sparkline([0, 1, 2, 4, 8], 5)).toBe(' ▁▂▄█');
		expect(sparkline([0, 0], 5)).toBe('  ');
		expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
		const out = frame(<Sparkline label="VMM entries/s" values={[0, 3, 6, 2]} width={60} />);
		expect(out).toContain('VMM entries/s, last minute — now 6, peak 6');
		expect(out).toContain('▄█▃');
	});
});

describe('PropertiesPanel', () => {
	test('marks, labels, values', () => {
		const out = frame(
			<PropertiesPanel
				width={70}
				properties={[
					{label: 'equivalence', value: 'same output as native', ok: true},
					{label: 'resource control', value: 'guest wrote the IDT', ok: false},
					{label: 'efficiency', value: '99.10% ran directly'},
				]}
			/>,
		);
		expect(out).toContain('Popek–Goldberg');
		expect(out).toMatch(/✓ equivalence\s+same output as native/);
		expect(out).toMatch(/✗ resource control\s+guest wrote the IDT/);
		expect(out).toMatch(/· efficiency\s+99\.10% ran directly/);
	});

	test('without a VMM report the store says what it can', () => {
		expect(frame(<PropertiesPanel width={70} properties={vmmSnapshot().properties} />)).toMatch(/efficiency\s+\d+\.\d+% of instructions ran directly/);
	});
});

describe('ConsolePanel', () => {
	test('the selected guest’s tail, with tabs for several guests', () => {
		const s = vmmSnapshot();
		const out = frame(<ConsolePanel consoles={s.consoles} selected={1} width={60} height={4} focused />);
		expect(out).toContain('▶ Console vm1 [vm0 ‹vm1›] — typing goes to the guest');
		expect(out).toContain('guest one');
		expect(out).not.toContain('guest zero');
	});

	test('tailLines wraps long lines and keeps the last rows', () => {
		expect(tailLines('a\nbbbbbb\nc\n', 3, 4)).toEqual(['bbbb', 'bb', 'c']);
		expect(tailLines('', 3, 4)).toEqual(['']);
	});
});

describe('HelpOverlay', () => {
	test('lists every key of the keymap with its help', () => {
		const out = frame(<HelpOverlay width={100} height={40} />);
		for (const b of keymap) {
			expect(out).toContain(b.label);
			expect(out).toContain(b.help.slice(0, 30));
		}
		expect(out).toContain('Filter (f): level:cpu');
	});

	test('wide enough, balanced columns with every help text whole; at 80×24 one column that scrolls, nothing cut', () => {
		// 140×42: columns, every help whole (wrapped in its column when long), the notes under them.
		const wide = renderAt(<HelpOverlay width={140} height={38} />, 140);
		const columns = wide.lastFrame();
		wide.instance.unmount();
		const layout = helpLayout(140, 38);
		expect(layout).toMatchObject({columns: 2});
		expect(columns.split('\n')[1]).toMatch(/^Run\s+\S+/);
		// Each help whole: every piece of it wrapped in its column is on screen, and nothing ends in a cut `…`.
		const helpWidth = (layout as {colWidth: number}).colWidth - (Math.max(...keymap.map((b) => b.label.length)) + 1);
		for (const b of keymap) for (const part of wrapText(b.help, helpWidth)) expect(columns, b.command).toContain(part);
		expect(columns).not.toMatch(/…(\s|$)/m);
		expect(columns).not.toContain('lines 1–');
		// 80×24 (a 20-line body): the old overlay cut `execute one in…`; now it scrolls and says how far.
		expect(helpLayout(80, 20)).toEqual({scroll: true});
		const max = helpOverflow(80, 20);
		expect(max).toBeGreaterThan(0);
		const seen: string[] = [];
		for (const offset of Array.from({length: Math.ceil(max / 5) + 1}, (_, i) => Math.min(max, i * 5))) {
			const lines = frame(<HelpOverlay width={80} height={20} offset={offset} />).split('\n');
			expect(lines.length).toBeLessThanOrEqual(20);
			expect(lines.at(-1)).toMatch(/^lines \d+–\d+ of \d+/);
			seen.push(...lines.slice(1, -1));
		}
		const last = frame(<HelpOverlay width={80} height={20} offset={max} />);
		expect(last).toContain('Legend (l)');
		expect(last).not.toContain('more ·');
		const text = seen.join(' ').replace(/\s+/g, ' ');
		for (const b of keymap) {
			expect(text, b.command).toContain(b.label);
			expect(text, b.command).toContain(b.help);
		}
	});
});

describe('FilterBar', () => {
	test('editing, an error, the active filter', () => {
		expect(frame(<FilterBar width={100} filter={{editing: true, draft: 'kind:vmm', active: ''}} />)).toContain('filter› kind:vmm');
		expect(frame(<FilterBar width={100} filter={{editing: true, draft: 'level:x', active: '', error: 'bad level'}} />)).toContain(
			'bad level',
		);
		const idle = frame(<FilterBar width={100} filter={{editing: false, draft: '', active: 'guest:0'}} />);
		expect(idle).toContain('filter: guest:0');
		expect(idle).toContain('space pause');
	});
});

describe('TooSmall and ReportScreen', () => {
	test('too small says the size needed', () => {
		expect(frame(<TooSmall columns={40} rows={10} minColumns={60} minRows={16} />)).toContain(
			'Terminal too small: 40×10. vmtop needs at least 60×16.',
		);
	});

	test('a report: lines, table, verdict cells', () => {
		const out = frame(
			<ReportScreen
				width={90}
				height={20}
				state={{
					status: 'ready',
					report: {
						title: 'Check',
						lines: ['48 instructions'],
						tables: [{title: 'Theorems', columns: ['theorem', 'holds'], rows: [['Theorem 1', 'yes'], ['Theorem 3', 'no']], verdictColumns: [1]}],
						notes: ['a note'],
					},
				}}
			/>,
		);
		expect(out).toContain('Check (esc: back)');
		expect(out).toMatch(/Theorem 1\s+yes/);
		expect(out).toContain('a note');
		expect(frame(<ReportScreen width={60} height={5} state={{status: 'loading', title: 'Check'}} />)).toContain('computing…');

		// A column of figures with its digits: `120.00` under `117.56`, not `120`.
		const figures = frame(
			<ReportScreen width={60} height={10} state={{status: 'ready', report: {title: 'PVM', tables: [{columns: ['technique', 'ns/dispatch'], rows: [['DTC', 120], ['ITC', 117.564]], decimals: {1: 2}}]}}} />,
		);
		expect(figures).toMatch(/DTC +120\.00/);
		expect(figures).toMatch(/ITC +117\.56/);
	});
});
