/** Shared by the check tests: one report per profile (a check takes seconds), and lookups into it. */
import {checkProfile} from '../../source/check/check.js';
import type {CheckReport, Evidence, InstructionResult} from '../../source/check/report.js';
import type {Profile} from '../../source/isa/profiles.js';

const reports = new Map<Profile, CheckReport>();

export function reportFor(profile: Profile): CheckReport {
	let report = reports.get(profile);
	if (report === undefined) {
		report = checkProfile(profile);
		reports.set(profile, report);
	}
	return report;
}

export function instruction(report: CheckReport, mnemonic: string): InstructionResult {
	const found = report.instructions.find((r) => r.mnemonic === mnemonic);
	if (found === undefined) throw new Error(`no result for ${mnemonic}`);
	return found;
}

export function evidence(r: InstructionResult, property: Evidence['property'], dimension: Evidence['dimension'] = null): Evidence {
	const found = r.evidence.find((e) => e.property === property && (dimension === null || e.dimension === dimension));
	if (found === undefined) throw new Error(`${r.mnemonic}: no ${property} evidence${dimension ? ` for ${dimension}` : ''}`);
	return found;
}

/** Generous: a check executes some 30,000 single instructions, and the suite shares two cores. */
export const CHECK_TIMEOUT = 120_000;
