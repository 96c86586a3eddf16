/**
 * The report as text for the terminal: the classification table, the evidence
 * for every sensitive instruction, the three verdicts, and Robin & Irvine's list.
 */
import type {CheckReport, Evidence, InstructionResult, TrapSummary, Verdict} from './report.js';
import {requirementNames} from './requirements.js';
import {builtinProfiles} from '../isa/profiles.js';

const DIMENSION_LABEL: Record<string, string> = {
	mode: 'mode',
	if: 'IF',
	idt: 'idt',
	relocation: 'ubase/ulimit',
	control: 'epc/eflags',
	time: 'time',
};

function table(rows: readonly string[][]): string[] {
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
	return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd());
}

function traps(t: TrapSummary): string {
	return t.when === 'never' ? 'never' : `${t.when} (${t.vectors.join(', ')})`;
}

/** At most three names, so the table stays narrow (`epc, eflags, cause +5`). */
function short(names: readonly string[]): string {
	return names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} +${names.length - 3}`;
}

function sensitivity(r: InstructionResult): string {
	const parts: string[] = [];
	if (r.controlSensitive) parts.push(`control (${short(r.resourcesChanged)})`);
	if (r.behaviourSensitive) parts.push(`behaviour (${r.dependsOn.map((d) => DIMENSION_LABEL[d]).join(', ')})`);
	return parts.length === 0 ? 'innocuous' : parts.join('; ');
}

function mark(r: InstructionResult): string {
	if (r.breaksTheorem1) return '✗ sensitive, unprivileged';
	if (r.sensitive) return '✓ trapped';
	return '';
}

function classificationTable(report: CheckReport): string[] {
	const rows = [['instruction', 'privileged', 'sensitive', '', 'req. 3', 'user-sens.', 'timing', 'traps in user mode', 'in supervisor mode']];
	for (const r of report.instructions) {
		rows.push([
			r.mnemonic,
			r.privileged ? 'yes' : 'no',
			sensitivity(r),
			mark(r),
			r.requirements.map((x) => x.slice(2)).join(',') || '-',
			r.userSensitive ? 'yes' : '-',
			r.timingDependent ? 'yes' : '-',
			traps(r.traps.user),
			traps(r.traps.supervisor),
		]);
	}
	return table(rows);
}

function evidenceLines(r: InstructionResult, e: Evidence): string[] {
	const what =
		e.property === 'privileged'
			? 'privileged'
			: e.property === 'control-sensitive'
				? 'control-sensitive'
				: `${e.property} (${DIMENSION_LABEL[e.dimension!]})`;
	const lifted = e.hypothetical ? ' [run with its privilege lifted: what it would do without the trap]' : '';
	const req = r.requirements.length > 0 && e.property !== 'privileged' ? ` [requirement ${r.requirements.join(', ')}]` : '';
	return [
		`  ${r.mnemonic.padEnd(6)} ${what}${req}: \`${e.form}\`${lifted}`,
		`         ${e.states.join('  vs  ')}: ${e.observed}`,
	];
}

function verdictLines(v: Verdict): string[] {
	const lines = [`${v.title} — ${v.condition}: ${v.holds ? 'holds' : 'FAILS'} → ${v.conclusion}`];
	for (const reason of v.reasons) lines.push(`  - ${reason}`);
	return lines;
}

/** Notes shared by several instructions, printed once with the list of instructions. */
function noteLines(report: CheckReport): string[] {
	const byNote = new Map<string, string[]>();
	for (const r of report.instructions) {
		for (const note of r.notes) {
			// The verdicts say these for the sensitive ones.
			if (note.startsWith('sensitive')) continue;
			byNote.set(note, [...(byNote.get(note) ?? []), r.mnemonic]);
		}
	}
	return [...byNote].map(([note, names]) => `  ${names.join(', ')}: ${note}`);
}

/**
 * Family virtualization (a scenario's `vms[i].isa`, docs/vmm.md): what it means
 * for a guest of this ISA to run on another built-in profile's machine, from
 * the two privileged sets alone — the same rule `vmtop stats` applies per guest.
 */
export function familyLines(report: CheckReport): string[] {
	const name = report.profile.name;
	const guest = new Set(report.profile.privileged);
	const out = [`Family virtualization: a guest whose ISA is '${name}' on a machine of another profile (scenario key vms[i].isa)`];
	for (const host of Object.values(builtinProfiles)) {
		if (host.name === name) continue;
		const direct = [...guest].filter((m) => !(host.privileged as ReadonlySet<string>).has(m));
		const emulated = [...host.privileged].filter((m) => !guest.has(m));
		out.push(`  on '${host.name}':`);
		out.push(
			direct.length > 0
				? `    ${direct.join(', ')}: privileged in '${name}', not on '${host.name}' — a guest process runs them directly, without the #GP its own ISA raises: not equivalent if a process uses one`
				: `    every instruction privileged in '${name}' is privileged on '${host.name}': the guest's processes trap where they would on their own ISA`,
		);
		if (emulated.length > 0) {
			out.push(`    ${emulated.join(', ')}: privileged on '${host.name}', not in '${name}' — the real CPU traps them and the VMM emulates them with '${name}''s meaning`);
		}
	}
	return out;
}

export function formatReport(report: CheckReport): string {
	const m = report.method;
	const out: string[] = [
		`vmtop check — ISA profile '${report.profile.name}'`,
		`privileged in this profile: ${report.profile.privileged.join(' ')}`,
		`${m.instructions} instructions in ${m.forms} forms, ${m.states} machine states (${m.pairs} pairs differing in one of: ${m.dimensions.join(', ')}), ${m.probes} probes of one instruction each`,
		'',
		...classificationTable(report),
		'',
		'Evidence',
	];
	for (const r of report.instructions) {
		if (!r.sensitive && !r.privileged) continue;
		for (const e of r.evidence) out.push(...evidenceLines(r, e));
	}
	out.push('', "Requirement 3 of a virtualizable ISA level (the lecture): interception of sensitive instructions, by kind");
	for (const [req, name] of Object.entries(requirementNames)) {
		const members = report.instructions.filter((r) => r.requirements.includes(req));
		const names = members.map((r) => `${r.mnemonic}${r.breaksTheorem1 ? ' ✗ not intercepted' : ''}`);
		out.push(`  ${req} ${name}: ${names.length > 0 ? names.join(', ') : 'none'}`);
	}
	const notes = noteLines(report);
	if (notes.length > 0) out.push('', 'Notes', ...notes);
	out.push('', 'Verdicts');
	const {theorem1, theorem2, theorem3} = report.verdicts;
	for (const v of [theorem1, theorem2, theorem3]) out.push(...verdictLines(v));
	out.push('', ...familyLines(report));
	out.push('', "Robin & Irvine (USENIX Security 2000): the Pentium's sensitive unprivileged instructions, and V32");
	const rows = [['Pentium', 'group', 'V32', 'here']];
	for (const e of report.robinIrvine) rows.push([e.pentium, e.group, e.modelled ? e.v32.join(', ') : 'not modelled', e.status || '-']);
	out.push(...table(rows).map((l) => '  ' + l));
	out.push('  why they were sensitive on the Pentium, and what V32 makes of them:');
	for (const e of report.robinIrvine) out.push(`    ${e.pentium}: ${e.why}. V32: ${e.note}`);
	const offenders = theorem1.offenders;
	out.push(
		'',
		`Conclusion: '${report.profile.name}' is ${report.conclusion}` +
			(offenders.length > 0 ? ` — sensitive but unprivileged: ${offenders.join(', ')}` : ''),
	);
	// Where Theorem 1 fails, Theorem 3 decides whether a hybrid VMM is still possible.
	if (!theorem1.holds) {
		out.push(
			theorem3.holds
				? `Theorem 3 holds: every user-sensitive instruction is privileged, so a hybrid VMM can be built (vmtop's --vmm hvm interprets the guest kernel, so its ${offenders.join(', ')} never run directly; in a process they are not sensitive)`
				: `Theorem 3’s condition does not hold either: user-sensitive but unprivileged: ${theorem3.offenders.join(', ')} — a guest process runs them directly under any VMM that runs user mode directly, a hybrid one included`,
		);
	}
	return out.join('\n') + '\n';
}
