/**
 * Popek & Goldberg's three theorems, decided from the classified instructions.
 *
 * Theorem 1: a VMM can be built if the sensitive instructions are a subset of
 * the privileged ones. Theorem 3: a hybrid VMM (one that interprets everything
 * the guest runs in virtual supervisor mode) can be built if the user-sensitive
 * instructions are. Theorem 2: the machine is recursively virtualizable if it
 * is virtualizable and a VMM without timing dependencies can be constructed for
 * it — a condition on the VMM, not on what a guest can read of time.
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
		conclusion: holds ? 'virtualizable' : 'not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold)',
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
	if (holds) reasons.push(`no unprivileged instruction is sensitive between user-mode states (vmtop's hybrid VMM, --vmm hvm, runs on such a profile: docs/vmm.md)`);
	else reasons.push(...offenders.map((r) => whySensitive(r, true)));
	return {
		theorem: 3,
		title: 'Theorem 3: a hybrid virtual machine monitor can be built',
		condition: 'user-sensitive ⊆ privileged',
		holds,
		conclusion: holds ? 'a hybrid VMM can be built' : 'no hybrid VMM either (Theorem 3’s condition does not hold)',
		offenders: offenders.map((r) => r.mnemonic),
		reasons,
	};
}

function theorem2(results: readonly InstructionResult[], t1: Verdict): Verdict {
	const timing = results.filter((r) => r.timingDependent);
	const timers = results.filter((r) => r.resourcesChanged.includes('timer period'));
	const holds = t1.holds;
	const named = (r: InstructionResult) => `${r.mnemonic}${r.privileged ? ' (privileged)' : ' (unprivileged)'}`;
	const clock = timing.map((r) => {
		const e = r.evidence.find((x) => x.property === 'timing-dependent');
		return `${named(r)}${e ? `: ${proof(e)}` : ''}`;
	});
	const reasons = [
		`(a) virtualizable: ${t1.holds ? 'yes (Theorem 1 holds)' : `no — ${t1.conclusion}`}`,
		'(b) a VMM without timing dependencies can be constructed — a condition on the VMM, not on its guests: ' +
			'in V32 the only time software can observe is counted in executed instructions (port 0x21: instructions since reset; ' +
			"the timer: IRQ 0 every N executed instructions); there is no wall clock, and cycles are the cost model's, not architectural. " +
			"A VMM that counts its guests' instructions and arms the timer in those counts decides nothing by elapsed time: " +
			"vmtop's VMM is built so (docs/vmm.md, \"Time is virtual and exact\"). So (b) holds on every V32 profile",
		`instructions whose result depends on time, found by probing: ${clock.length > 0 ? clock.join('; ') : 'none'}; ` +
			`instructions that program the timer: ${list(timers.map(named))}. ` +
			'What a guest reads of time does not decide (b): Popek & Goldberg\'s equivalence excludes timing, and a guest that reads real time does not make the VMM depend on it',
		holds
			? 'the theorem then says the VMM can run under a copy of itself; vmtop shows it on classic: samples/scenarios/nested-2.json runs mini-vmm under mini-vmm, the kernel’s output byte for byte as natively (docs/vmm.md, "mini-vmm")'
			: 'with (a) failing, the theorem says nothing about recursion',
	];
	return {
		theorem: 2,
		title: 'Theorem 2: the machine is recursively virtualizable',
		condition: 'virtualizable, and a VMM without timing dependencies can be constructed',
		holds,
		conclusion: holds ? 'recursively virtualizable' : 'not shown recursively virtualizable (not virtualizable to begin with)',
		offenders: holds ? [] : t1.offenders,
		reasons,
	};
}

export function verdicts(results: readonly InstructionResult[]): {theorem1: Verdict; theorem2: Verdict; theorem3: Verdict} {
	const t1 = theorem1(results);
	return {theorem1: t1, theorem2: theorem2(results, t1), theorem3: theorem3(results)};
}
