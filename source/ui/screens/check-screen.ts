/**
 * The `c` screen: `vmtop check` for the run's ISA profile — Popek &
 * Goldberg's classes of every instruction, the three theorems, the verdict.
 * Adapts the check's plain report (source/check/report.ts) to a ScreenReport.
 */
import {checkProfile} from '../../check/check.js';
import type {CheckReport} from '../../check/report.js';
import type {Profile} from '../../isa/profiles.js';
import type {ScreenDefinition, ScreenReport} from './report.js';

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

/** The screen for a profile (`load` probes the CPU: a moment's work, done on first open). */
export function checkScreen(profile: () => Profile): ScreenDefinition {
	return {id: 'check', title: 'Popek & Goldberg check', load: () => checkScreenReport(checkProfile(profile()))};
}
