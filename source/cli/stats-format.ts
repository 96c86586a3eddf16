/**
 * Text for `vmtop stats`: the exit-reason table as kvm_stat / `perf kvm stat`
 * print it (reason, total, share, rate, mean cost), Popek & Goldberg's three
 * properties with the lecture's effectiveness, and the side-by-side comparison
 * of the techniques. Pure
 * functions of the run's data, so the output is deterministic.
 */
import {formatTransient} from '../stats/stats-transient.js';
import type {ExitRow} from '../stats/exit-stats.js';
import type {PgReport} from '../vmm/properties.js';
import type {StatsRun} from './stats-run.js';
import {topExit} from '../stats/stats-run.js';
import {formatFamilyNote} from '../vmm/family.js';
import {formatNested} from '../stats/nested-stats.js';
import {describePoint} from '../vmm/causes.js';

/** What of Type II is modelled, said wherever a Type II run is reported. */
export const TYPE_II_MODEL =
	"Type II as modelled: only the host OS's cost per VMM exit; the host's scheduling of the VMM process (host timer, other host processes, preemption) is not";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const int = (x: number) => Math.round(x).toString();

function table(title: string, rows: ExitRow[]): string[] {
	const lines = [`${title.padEnd(30)}${'total'.padStart(8)}${'%'.padStart(8)}${'per s'.padStart(11)}${'mean cycles'.padStart(13)}`];
	// The hybrid VMM's interpreted instructions are not entries: their row comes after the entries' total.
	const entries = rows.filter((r) => r.category !== 'interpret');
	const row = (r: ExitRow, share: string) =>
		`  ${r.reason.padEnd(28)}${int(r.count).padStart(8)}${share.padStart(8)}${int(r.perSecond).padStart(11)}${int(r.meanCycles).padStart(13)}`;
	for (const r of entries) lines.push(row(r, pct(r.share)));
	const count = entries.reduce((s, r) => s + r.count, 0);
	const cycles = entries.reduce((s, r) => s + r.totalCycles, 0);
	const rate = entries.reduce((s, r) => s + r.perSecond, 0);
	lines.push(`  ${'all'.padEnd(28)}${int(count).padStart(8)}${pct(count ? 1 : 0).padStart(8)}${int(rate).padStart(11)}${int(count ? cycles / count : 0).padStart(13)}`);
	for (const r of rows.filter((x) => x.category === 'interpret')) {
		lines.push(row(r, '–'), `    (guest-kernel instructions interpreted, not entries: ${int(r.totalCycles)} cycles in all)`);
	}
	return lines;
}

export function describeRun(run: StatsRun): string {
	const vmm = run.transient ? 'no VMM but a transient one' : run.technique === 'none' ? 'no VMM (the reference)' : `vmm ${run.technique} (Type ${run.type === 1 ? 'I' : 'II'})`;
	return `${run.scenario} — ${run.isa}, ${vmm}, ${run.guests} guest${run.guests > 1 ? 's' : ''}`;
}

export function formatStats(run: StatsRun): string {
	const lines = [describeRun(run), `stopped: ${run.stop.message} · ${run.instructions} instructions · ${run.cycles} cycles`, ''];
	if (run.technique !== 'none') {
		lines.push(...table('VMM exits (all guests)', run.exits));
		if (run.hostOs) {
			lines.push(`  every one through the host OS first: ${run.hostOs.passes} passes, ${run.hostOs.meanCycles} cycles each`);
			lines.push(`  ${TYPE_II_MODEL}`);
		}
		for (const g of run.exitsByGuest) lines.push('', ...table(`VMM exits, guest ${g.guest} (${g.name})`, g.rows));
		for (const n of run.family ?? []) lines.push('', ...formatFamilyNote(n));
		lines.push('');
	}
	// A transient run is judged over its virtualized intervals, not as the reference.
	if (run.transient) lines.push(...formatTransient(run.transient));
	else lines.push(...formatProperties(run.properties));
	if (run.nested) {
		lines.push('', ...formatNested(run.nested));
		lines.push(`  the kernel's console output ${run.nested.nativeOutput ? 'equals' : 'differs from'} its native run's (the same kernel and processes on the bare machine), byte for byte`);
		if (run.nested.first) {
			lines.push(`  first divergence of the inner stack under the outer mini-vmm, against it on the bare machine: ${describePoint(run.nested.first)}`);
		}
		const h = run.nested.hazard;
		if (h) {
			lines.push(
				`  why: \`${h.mnemonic}\` at ${h.where}, real instruction ${h.instruction}, ran deprivileged without a trap: on ${run.isa} it is sensitive but not privileged, so the level below never saw it (Robin & Irvine) — ` +
					(h.level > 0
						? 'a VMM that uses it cannot run unchanged under a copy of itself (Popek & Goldberg: Theorem 2’s condition (a), the machine virtualizable, asks every sensitive instruction to be privileged)'
						: 'the kernel it hosts is not virtualized equivalently by trap-and-emulate'),
			);
		}
	}
	return lines.join('\n');
}

/** How equivalence was judged: ISA level (trap, bt) or OS level (pv, another kernel build). */
export function equivalenceLevel(p: PgReport): string {
	return p.equivalence.level === 'OS'
		? 'OS level: the para-virtualized build against the native build — console, exit, user registers and memory; kernel addresses by label'
		: 'ISA level: console, exit, registers and memory as the native run';
}

export function formatProperties(p: PgReport): string[] {
	const lines = ["Popek & Goldberg's three properties"];
	const eq = p.equivalence;
	if (eq.verdict === 'reference') lines.push('  equivalence       the reference run (vmm none): the others are compared with it');
	else if (eq.verdict === 'equivalent') lines.push(`  equivalence       equivalent (${equivalenceLevel(p)})`);
	else {
		lines.push(`  equivalence       NOT equivalent (${p.equivalence.level} level)`);
		for (const g of eq.guests.filter((x) => x.verdict !== 'equivalent')) {
			const d = g.divergence!;
			lines.push(`    guest ${g.guest} (${g.name}): first visible: ${d.kind} differs at ${d.where}: native ${d.native}, virtual ${d.virtual}`);
			if (g.cause) lines.push(`    why: ${g.cause}`);
		}
	}
	const rc = p.resourceControl;
	if (rc.verdict === 'reference') lines.push('  resource control  no VMM: the kernel owns the machine');
	else {
		lines.push(`  resource control  ${rc.verdict}: ${rc.checks.map((c) => `${c.name} ${c.ok ? 'ok' : 'VIOLATED'}`).join(', ')}`);
		for (const c of rc.checks) lines.push(`    ${c.name}: ${c.detail}`);
		for (const a of rc.attempts) {
			lines.push(`    guest ${a.guest} ${a.by}: ${a.kind} ×${a.count} (${a.detail} at 0x${(a.pc >>> 0).toString(16)}) → ${a.outcome}`);
		}
	}
	const e = p.efficiency;
	lines.push(
		`  efficiency        ${pct(e.directShare)} of guest instructions ran directly (${e.direct} of ${e.direct + e.emulated}; ${notDirect(e.emulated, p.interpretation?.instructions ?? 0)})`,
	);
	if (p.os) lines.push(`  ${p.os}`);
	const f = p.effectiveness;
	lines.push('', 'Beside them, the lecture\'s contemporary figure');
	const note = f.comparable ? '' : ' — not comparable (not equivalent: not the same guest work)';
	lines.push(`  effectiveness     ${f.ratio.toFixed(3)} (native ${f.nativeCycles} cycles ÷ virtualized ${f.virtualCycles})${note}`);
	if (p.translation) {
		const t = p.translation;
		lines.push(`  translation       ${t.blocks} blocks, ${t.patches} patches, ${t.retranslations} re-translated, ${t.scanned} instructions scanned`);
	}
	return lines;
}

/**
 * The lecture's "BT ≈ HVM": binary translation is "a sort of hybrid virtual machine" — both keep
 * the guest kernel's sensitive instructions from the real CPU, bt by patching them, hvm by
 * interpreting every kernel instruction. Same equivalence (or not), different cost.
 */
export function btVersusHvm(bt: StatsRun, hvm: StatsRun): string {
	const verdict = (r: StatsRun) => r.properties.equivalence.verdict;
	const same = verdict(bt) === verdict(hvm);
	const cost = (r: StatsRun) => {
		const e = r.properties.effectiveness;
		return `${int(r.cycles)} cycles${e.comparable ? `, effectiveness ${e.ratio.toFixed(3)}` : ''}`;
	};
	const t = bt.properties.translation;
	const i = hvm.properties.interpretation;
	return (
		`BT ≈ HVM (the lecture): ${same ? `same equivalence (${verdict(bt)})` : `equivalence differs (bt ${verdict(bt)}, hvm ${verdict(hvm)})`}, different cost — ` +
		`bt ${cost(bt)}: the kernel runs directly, ${t ? `${t.patches} sensitive sites patched, ` : ''}${int(bt.properties.entries)} VMM entries; ` +
		`hvm ${cost(hvm)}: ${i ? `${int(i.instructions)} kernel instructions interpreted (${int(i.cycles)} cycles), ` : ''}${int(hvm.properties.entries)} VMM entries`
	);
}

/** none, trap, bt, pv and hvm side by side. */
export function formatCompare(runs: StatsRun[]): string {
	const top = (r: StatsRun) => {
		const x = topExit(r);
		return x ? `${x.reason} ${pct(x.share)}` : '–';
	};
	const rows: Array<[string, string[]]> = [
		['', runs.map((r) => r.technique)],
		['equivalence', runs.map((r) => r.properties.equivalence.verdict)],
		['resource control', runs.map((r) => r.properties.resourceControl.verdict)],
		['VMM entries', runs.map((r) => int(r.properties.entries))],
		['efficiency', runs.map((r) => pct(r.properties.efficiency.directShare))],
		['equivalence level', runs.map((r) => r.properties.equivalence.level)],
		[
			'effectiveness',
			runs.map((r) => (r.properties.effectiveness.comparable ? r.properties.effectiveness.ratio.toFixed(3) : 'not comparable (not equivalent)')),
		],
		['cycles', runs.map((r) => int(r.cycles))],
		['guest instructions', runs.map((r) => int(r.properties.perGuest.reduce((s, g) => s + g.instructions, 0)))],
		['bt blocks/patches', runs.map((r) => (r.properties.translation ? `${r.properties.translation.blocks}/${r.properties.translation.patches}` : '–'))],
		['hvm interpreted', runs.map((r) => (r.properties.interpretation ? int(r.properties.interpretation.instructions) : '–'))],
		['top exit reason', runs.map(top)],
	];
	const w = Math.max(...rows.flatMap(([, cells]) => cells.map((c) => c.length))) + 2;
	const first = runs[0]!;
	const lines = [
		`${first.scenario} — ${first.isa}: ${runs.map((r) => r.technique).join(', ')} side by side (equivalence, resource control, efficiency: Popek & Goldberg's three; effectiveness: the lecture's figure)`,
		'',
		...rows.map(([label, cells]) => label.padEnd(20) + cells.map((c) => c.padStart(w)).join('')),
	];
	const bt = runs.find((r) => r.technique === 'bt');
	const hvm = runs.find((r) => r.technique === 'hvm');
	if (bt && hvm) lines.push('', btVersusHvm(bt, hvm));
	const theorem3 = hvm?.properties.interpretation?.userSensitive ?? [];
	if (hvm && hvm.properties.equivalence.verdict === 'equivalent' && theorem3.length > 0) {
		// Equivalent by luck of the workload, not by construction: say so.
		lines.push(
			'',
			`hvm: equivalent on this run, yet Theorem 3's condition fails on ${hvm.isa}: ${theorem3.join(', ')} ${theorem3.length === 1 ? 'is' : 'are'} sensitive in user mode and unprivileged. ` +
				'None of these programs runs one in a process; one that does sees the real machine under hvm too (samples/scenarios/hazard-sidt.json, hazard-pushf.json).',
		);
	}
	const why = runs.filter((r) => r.properties.equivalence.verdict === 'not equivalent');
	for (const r of why) {
		for (const g of r.properties.equivalence.guests.filter((x) => x.verdict !== 'equivalent')) {
			lines.push(
				'',
				`${r.technique}: not equivalent${r.guests > 1 ? ` (guest ${g.guest})` : ''} — first visible: ${g.divergence!.kind} at ${g.divergence!.where}`,
				`  why: ${g.cause ?? 'unknown'}`,
			);
		}
	}
	return lines.join('\n');
}

/**
 * The guest instructions that did not run directly: each entered the VMM, or — under the hybrid VMM — was one of the
 * guest kernel's, interpreted in virtual supervisor mode (not an entry each: the exit table counts them apart).
 */
function notDirect(emulated: number, interpreted: number): string {
	if (interpreted === 0) return `${emulated} entered the VMM`;
	return `${emulated} did not: ${interpreted} interpreted in virtual supervisor mode, ${emulated - interpreted} entered the VMM`;
}
