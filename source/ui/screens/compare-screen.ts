/**
 * The `C` screen: `vmtop stats --compare` inside the dashboard — the run's
 * scenario under each technique (none, trap, bt, pv, hvm: `compareTechniquesFor`), side by side, with a
 * stacked bar of where the cycles went: the guest on the CPU directly, the
 * VMM, the host OS (Type II). Each run goes a batch at a time (one per turn
 * of the event loop), its progress shown, keys answered meanwhile.
 */
import type {Scenario} from '../../scenario/scenario.js';
import {type StatsRun, compareTechniquesFor, cycleShares, statsRunSteps, topExit, withVmm} from '../../stats/stats-run.js';
import {type ScreenDefinition, type ScreenReport, allSteps} from './report.js';

/** Bar glyphs, told apart without colour. */
export const BAR = {direct: '█', vmm: '▒', host: '░'} as const;
const BAR_WIDTH = 40;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;

/**
 * One run's bar, scaled to the longest run's cycles (`most`): the bars
 * compare cost across techniques, their parts where each one's went.
 */
export function cycleBar(run: StatsRun, most: number, width = BAR_WIDTH): string {
	const c = cycleShares(run);
	const length = most > 0 ? Math.max(1, Math.round((c.total / most) * width)) : 0;
	const vmm = c.total > 0 ? Math.round((c.vmm / c.total) * length) : 0;
	const host = c.total > 0 ? Math.round((c.host / c.total) * length) : 0;
	const direct = Math.max(0, length - vmm - host);
	return BAR.direct.repeat(direct) + BAR.vmm.repeat(vmm) + BAR.host.repeat(host);
}

export function compareReport(runs: StatsRun[]): ScreenReport {
	const first = runs[0]!;
	const most = Math.max(...runs.map((r) => r.cycles));
	const verdict = (r: StatsRun) => r.properties.equivalence.verdict;
	return {
		title: `Compare — ${first.scenario} on ${first.isa}: ${runs.map((r) => r.technique).join(', ')} side by side`,
		lines: [
			`The same scenario under each technique, run to its end headless (as \`vmtop stats --compare\`): Popek & Goldberg's three properties, the lecture's effectiveness, and where the cycles went.`,
		],
		tables: [
			{
				title: 'Where the cycles went',
				columns: ['technique', 'cycles', 'guest direct', 'VMM', 'host OS'],
				rows: runs.map((r) => {
					const c = cycleShares(r);
					const share = (x: number) => `${int(x)} (${pct(c.total > 0 ? x / c.total : 0)})`;
					return [r.technique, c.total, share(c.direct), share(c.vmm), r.hostOs ? share(c.host) : '—'];
				}),
			},
			{
				// Its own table, so the bars keep their length on a narrow terminal.
				title: `${BAR.direct} guest direct  ${BAR.vmm} VMM  ${BAR.host} host OS`,
				columns: ['technique', 'cycles, scaled to the longest run'],
				rows: runs.map((r) => [r.technique, cycleBar(r, most)]),
			},
			{
				title: 'Properties',
				columns: ['technique', 'equivalence', 'resource control', 'efficiency', 'effectiveness', 'VMM entries', 'top exit reason'],
				rows: runs.map((r) => [
					r.technique,
					verdict(r),
					r.properties.resourceControl.verdict,
					pct(r.properties.efficiency.directShare),
					r.properties.effectiveness.comparable ? r.properties.effectiveness.ratio.toFixed(3) : 'not comparable',
					r.properties.entries,
					topExitText(r),
				]),
				verdictColumns: [1, 2],
			},
		],
		notes: [
			'Bars are scaled to the longest run; guest direct = cycles the guest ran on the CPU without the VMM (its instructions, its own OS\'s exceptions); VMM = from each intercept to its resume, less the host OS\'s passes (Type II).',
			...runs
				.filter((r) => verdict(r) === 'not equivalent')
				.flatMap((r) => r.properties.equivalence.guests.filter((g) => g.verdict !== 'equivalent').map((g) => `${r.technique}: not equivalent${r.guests > 1 ? ` (guest ${g.guest})` : ''} — ${g.cause ?? 'cause unknown'}`)),
		],
	};
}

/**
 * The screen for the scenario the dashboard runs now (`scenario()`: undefined
 * for a bare program, which has no kernel to put under a VMM).
 */
export function compareScreen(scenario: () => Scenario | undefined): ScreenDefinition {
	const steps = () => compareSteps(scenario);
	return {
		id: 'compare',
		title: 'Compare techniques',
		load: allSteps(steps),
		steps,
		key: () => {
			const s = scenario();
			return s ? JSON.stringify([s.file, s.isa, s.type, s.vms, s.maxInstructions]) : '';
		},
	};
}

function* compareSteps(scenario: () => Scenario | undefined): Generator<string, ScreenReport, void> {
	const base = scenario();
	if (!base) throw new Error('a bare program has no kernel to put under a VMM: compare runs a scenario (.json)');
	const runs: StatsRun[] = [];
	const techniques = compareTechniquesFor(base);
	for (const [i, technique] of techniques.entries()) {
		const run = statsRunSteps(withVmm(base, technique));
		for (;;) {
			const r = run.next();
			if (r.done) {
				runs.push(r.value);
				break;
			}
			yield `${technique} (${i + 1} of ${techniques.length}): ${int(r.value)} instructions run`;
		}
		yield `${technique} (${i + 1} of ${techniques.length}): done; measuring the properties`;
	}
	return compareReport(runs);
}

/** `privileged: mtcr 29.0%`, as `vmtop stats --compare` writes it; `—` without an exit. */
function topExitText(r: StatsRun): string {
	const x = topExit(r);
	return x ? `${x.reason} ${pct(x.share)}` : '—';
}
