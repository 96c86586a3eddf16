/**
 * The `c` screen: `vmtop check` for the run's ISA profile — Popek &
 * Goldberg's classes of every instruction, the three theorems, the verdict.
 * Adapts the check's plain report (source/check/report.ts) to a ScreenReport.
 */
import {checkSteps} from '../../check/check.js';
import type {CheckReport} from '../../check/report.js';
import type {Profile} from '../../isa/profiles.js';
import {type ScreenDefinition, type ScreenReport, allSteps} from './report.js';

const yes = (b: boolean): string => (b ? 'yes' : 'no');

export function checkScreenReport(report: CheckReport): ScreenReport {
	const verdicts = [report.verdicts.theorem1, report.verdicts.theorem2, report.verdicts.theorem3];
	const sensitive = report.instructions.filter((i) => i.sensitive || i.privileged || i.privilegedInProfile);
	return {
		title: `Popek & Goldberg check — ISA profile ${report.profile.name}: ${report.conclusion}`,
		lines: [
			`${report.method.instructions} instructions, ${report.method.forms} forms probed in ${report.method.states} states (${report.method.probes} probes).`,
		],
		tables: [
			{
				title: 'Theorems',
				columns: ['theorem', 'condition', 'holds', 'conclusion', 'offenders'],
				rows: verdicts.map((v) => [v.title, v.condition, yes(v.holds), v.conclusion, v.offenders.join(' ') || '—']),
				verdictColumns: [2],
			},
			{
				title: 'Privileged or sensitive instructions (the others are innocuous)',
				columns: ['instruction', 'privileged', 'control-sens.', 'behaviour-sens.', 'user-sens.', 'breaks'],
				rows: sensitive.map((i) => [
					i.mnemonic,
					yes(i.privileged),
					yes(i.controlSensitive),
					yes(i.behaviourSensitive),
					yes(i.userSensitive),
					[i.breaksTheorem1 ? 'T1' : '', i.breaksTheorem3 ? 'T3' : ''].filter(Boolean).join(' ') || '—',
				]),
			},
		],
		notes: ['Run `vmtop check --isa NAME` for the evidence behind every cell.'],
	};
}

/**
 * The screen for a profile. Probing the CPU takes about a second, so it runs
 * one instruction per turn of the event loop (keys still answered), showing
 * how far it has got.
 */
export function checkScreen(profile: () => Profile): ScreenDefinition {
	return {
		id: 'check',
		title: 'Popek & Goldberg check',
		load: allSteps(() => checkScreenSteps(profile)),
		steps: () => checkScreenSteps(profile),
	};
}

function* checkScreenSteps(profile: () => Profile): Generator<string, ScreenReport, void> {
	const steps = checkSteps(profile());
	for (;;) {
		const r = steps.next();
		if (r.done) return checkScreenReport(r.value);
		yield `probing the CPU: ${r.value.done} of ${r.value.total} instructions (${r.value.mnemonic})`;
	}
}
