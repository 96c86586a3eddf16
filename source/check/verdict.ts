/**
 * Popek & Goldberg's three theorems, decided from the classified instructions.
 *
 * Theorem 1: a VMM can be built if the sensitive instructions are a subset of
 * the privileged ones. Theorem 3: a hybrid VMM (one that interprets everything
 * the guest runs in virtual supervisor mode) can be built if the user-sensitive
 * instructions are. Theorem 2: the machine is recursively virtualizable if it
 * is virtualizable and a VMM without timing dependencies can be built for it.
 */
import type {Evidence, InstructionResult, Verdict} from './report.js';
import {dimensionNames} from './states.js';

const list = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.join(', '));

function proof(e: Evidence): string {
	const states = e.states.length === 2 ? `${e.states[0]} vs ${e.states[1]}` : e.states[0]!;
	return `\`${e.form}\` — ${states}: ${e.observed}`;
}

/** Why an instruction is sensitive, with every proof (only user-mode ones for Theorem 3). */
function whySensitive(r: InstructionResult, userOnly: boolean): string {
	const proofs = r.evidence.filter(
		(e) => (e.property === 'control-sensitive' || e.property === 'behaviour-sensitive') && (!userOnly || e.user),
	);
	const parts: string[] = [];
	if (proofs.some((e) => e.property === 'control-sensitive')) parts.push(`changes ${list(r.resourcesChanged)}`);
	const dims = proofs.filter((e) => e.property === 'behaviour-sensitive');
	if (dims.length > 0) parts.push(`depends on ${dims.map((e) => dimensionNames[e.dimension!]).join(', ')}`);
	return `${r.mnemonic}: ${parts.join('; ')}; unprivileged — ${proofs.map(proof).join('; ')}`;
}

function theorem1(results: readonly InstructionResult[]): Verdict {
	const offenders = results.filter((r) => r.breaksTheorem1);
	const sensitive = results.filter((r) => r.sensitive).map((r) => r.mnemonic);
	const holds = offenders.length === 0;
	const reasons = holds
		? [
				`every sensitive instruction traps in user mode and not in supervisor mode: ${list(sensitive)}`,
				'so a VMM can run the guest kernel in user mode: each sensitive instruction traps to the VMM, which emulates it on the virtual state; all others run directly',
			]
		: [
				`sensitive but not privileged: ${list(offenders.map((r) => r.mnemonic))}`,
				...offenders.map((r) => whySensitive(r, false)),
				'a guest kernel run in user mode executes these without a trap: the VMM never sees them, and the guest sees or changes the real machine instead of its virtual one',
			];
	return {
		theorem: 1,
		title: 'Theorem 1: a virtual machine monitor can be built',
		condition: 'sensitive ⊆ privileged',
		holds,
		conclusion: holds ? 'virtualizable' : 'not virtualizable (Theorem 1 fails)',
		offenders: offenders.map((r) => r.mnemonic),
		reasons,
	};
}

function theorem3(results: readonly InstructionResult[]): Verdict {
	const offenders = results.filter((r) => r.breaksTheorem3);
	const forgiven = results.filter((r) => r.breaksTheorem1 && !r.breaksTheorem3).map((r) => r.mnemonic);
	const holds = offenders.length === 0;
	const reasons = [
		'a hybrid VMM interprets every instruction the guest executes in virtual supervisor mode and runs only virtual user mode directly, so only sensitivity between user-mode states matters',
	];
	if (forgiven.length > 0) {
		reasons.push(`${list(forgiven)}: sensitive only through supervisor mode (their mode dependence or control effect needs a supervisor-mode run), which the hybrid VMM interprets`);
	}
	if (holds) reasons.push(`no unprivileged instruction is sensitive between user-mode states`);
	else reasons.push(...offenders.map((r) => whySensitive(r, true)));
	return {
		theorem: 3,
		title: 'Theorem 3: a hybrid virtual machine monitor can be built',
		condition: 'user-sensitive ⊆ privileged',
		holds,
		conclusion: holds ? 'a hybrid VMM can be built' : 'no hybrid VMM either (Theorem 3 fails)',
		offenders: offenders.map((r) => r.mnemonic),
		reasons,
	};
}

function theorem2(results: readonly InstructionResult[], t1: Verdict): Verdict {
	const timing = results.filter((r) => r.timingDependent);
	const exposed = timing.filter((r) => !r.privileged);
	const timers = results.filter((r) => r.resourcesChanged.includes('timer period'));
	const exposedTimers = timers.filter((r) => !r.privileged);
	const timingFree = exposed.length === 0 && exposedTimers.length === 0;
	const holds = t1.holds && timingFree;
	const clock = timing.map((r) => {
		const e = r.evidence.find((x) => x.property === 'timing-dependent');
		return `${r.mnemonic}${r.privileged ? ' (privileged)' : ' (unprivileged)'}${e ? `: ${proof(e)}` : ''}`;
	});
	const alsoSensitive = [...timing, ...timers].every((r) => r.sensitive);
	const clockNames = [...new Set([...timing, ...timers].map((r) => r.mnemonic))];
	const exposedNames = [...new Set([...exposed, ...exposedTimers].map((r) => r.mnemonic))];
	const reasons = [
		`(a) virtualizable: ${t1.holds ? 'yes (Theorem 1 holds)' : `no — ${t1.conclusion}`}`,
		'(b) a VMM without timing dependencies: in V32 the only time software can observe is counted in executed instructions — ' +
			'port 0x21 (instructions executed since reset) and the timer (IRQ 0 every N executed instructions); there is no wall clock, and cycles are the cost model\'s, not architectural',
		`instructions whose result depends on time, found by probing: ${clock.length > 0 ? clock.join('; ') : 'none'}`,
		`instructions that program the timer: ${list(timers.map((r) => `${r.mnemonic}${r.privileged ? ' (privileged)' : ' (unprivileged)'}`))}`,
		timingFree
			? 'all of them trap in user mode, so a VMM answers them from the guest\'s own count of executed instructions and drives a virtual timer from it: ' +
				'the guest never sees real time, the VMM needs no timing dependency, and the same VMM runs unchanged under a copy of itself. ' +
				`What decides recursion in V32 is therefore whether ${clockNames.map((n) => `\`${n}\``).join(' and ')} trap in user mode — they do in this profile`
			: `${list(exposedNames)} ${exposedNames.length === 1 ? 'reaches' : 'reach'} real time without trapping: a guest sees the VMM's own work in the count, ` +
				'so a VMM behaves differently on the bare machine and under another VMM — no timing-independent VMM exists',
	];
	if (alsoSensitive && timing.length + timers.length > 0) {
		reasons.push(
			'each of them is also sensitive (device I/O), so condition (a) already demands that they be privileged: in V32, recursive virtualizability follows from Theorem 1',
		);
	}
	return {
		theorem: 2,
		title: 'Theorem 2: the machine is recursively virtualizable',
		condition: 'virtualizable, and a VMM without timing dependencies can be built',
		holds,
		conclusion: holds
			? 'recursively virtualizable'
			: t1.holds
				? 'not recursively virtualizable (real time reaches the guest)'
				: 'not recursively virtualizable (not virtualizable to begin with)',
		offenders: holds ? [] : t1.holds ? exposedNames : t1.offenders,
		reasons,
	};
}

export function verdicts(results: readonly InstructionResult[]): {theorem1: Verdict; theorem2: Verdict; theorem3: Verdict} {
	const t1 = theorem1(results);
	return {theorem1: t1, theorem2: theorem2(results, t1), theorem3: theorem3(results)};
}
