/**
 * Why a guest was not equivalent: its first divergence, found by running the
 * native reference and the guest under the VMM in lockstep (lockstep.ts), and
 * what the diverging instruction did wrong. The classic answer (Robin &
 * Irvine, the lecture's Pentium slide): a sensitive instruction that is not
 * privileged ran directly in the deprivileged guest, without a trap, so the
 * VMM never saw it. In a guest *process* such an instruction is sensitive in
 * user mode itself: Popek & Goldberg's Theorem 3 condition fails, and no VMM
 * that runs guest user code directly (bt and pv included) can hide it.
 */
import type {Divergence, GuestEquivalence, NativeOutcome} from './equivalence.js';
import type {Guest} from './guest.js';
import {type DivergencePoint, type LockstepReport, guestLockstep} from './lockstep.js';
import type {VmmSimulation} from './vmm-simulation.js';

/** What each sensitive unprivileged instruction does when the guest runs it in real user mode. */
const wrongs: Record<string, {kernel: string; user?: string}> = {
	popf: {kernel: 'in real user mode popf loads only C Z N V, so the virtual IF the guest kernel meant to restore was lost'},
	pushf: {
		kernel: 'it pushed the real FLAGS (S = 0, the real IF, always 1 under the VMM) instead of the virtual ones',
		user: 'it pushed the real IF (the VMM keeps it on) instead of the virtual IF the guest kernel gave the process',
	},
	smsw: {kernel: "it read the real mode (user) instead of the guest kernel's virtual supervisor mode"},
	sidt: {
		kernel: "it read the real IDT register, which holds the VMM's own table, instead of the guest kernel's idt",
		user: "it read the real IDT register, which holds the VMM's own table (the red pill)",
	},
};

/**
 * Unprivileged instructions of `privileged` (a profile's set) that are sensitive in user mode
 * itself — Popek & Goldberg's Theorem 3 condition fails with any of them.
 */
export function userSensitiveUnprivileged(privileged: ReadonlySet<string>): string[] {
	return Object.keys(wrongs).filter((op) => wrongs[op]!.user !== undefined && !privileged.has(op));
}

/** One divergence point as a line: `popf` at idle_loop+0x24 (kernel), guest instruction 2094: IF native 1, virtual 0. */
export function describePoint(p: DivergencePoint): string {
	const at = p.text ? `\`${p.text}\` at ${p.where}, guest instruction ${p.instruction}` : 'at boot';
	if (p.what === 'stop') return `${at}: natively the guest ${p.native}; virtualized it ${p.virtual}`;
	if (p.what === 'pc') return `${at}: control flow parts — natively next ${p.native}, virtualized ${p.virtual}`;
	return `${at}: ${p.what} native ${p.native}, virtual ${p.virtual}`;
}

/** Why the first diverging instruction behaved differently, as far as the VMM's technique and the ISA tell. */
function reason(sim: VmmSimulation, p: DivergencePoint): string | undefined {
	const m = sim.monitor;
	const op = p.mnemonic;
	const w = wrongs[op];
	const privileged = sim.machine.profile.privileged.has(op as never);
	if (!w || privileged) return undefined;
	const isa = sim.machine.profile.name;
	if (p.by === 'user') {
		return (
			`${op} is not privileged on ${isa}, and a guest process runs directly under every technique: ${w.user ?? w.kernel}. ` +
			`It is sensitive in user mode itself, so no VMM that runs guest user code directly can intercept it — ` +
			`Popek & Goldberg's Theorem 3 condition fails (bt and pv change only how the guest kernel runs` +
			(m.technique === 'hvm' ? '; the hybrid VMM interprets only the guest kernel, virtual user mode runs directly)' : ')')
		);
	}
	if (m.technique === 'trap') {
		return `${op} is not privileged on ${isa}: the deprivileged guest kernel ran it directly, in real user mode — no trap, so the VMM could not emulate it: ${w.kernel}`;
	}
	return undefined;
}

/** The first divergence of guest `g` and why (runs the lockstep comparison: call only when not equivalent). */
export function explainDivergence(sim: VmmSimulation, g: Guest, native: NativeOutcome, visible: Divergence): Pick<GuestEquivalence, 'first' | 'spread' | 'cause'> {
	// No further than the virtualized run went (it may have been cut short by an instruction limit).
	const report: LockstepReport = guestLockstep(sim, g.index, {limit: g.vcpu.instret + 1});
	const parts: string[] = [];
	const first = report.first;
	if (first) {
		parts.push(`first divergence: ${describePoint(first)}`);
		const said = new Set<string>();
		const why = reason(sim, first);
		if (why) {
			parts.push(why);
			said.add(why);
		}
		for (const p of report.spread) {
			// Each explanation once: a later site of the same hazard only gets its location and values.
			const r = reason(sim, p);
			parts.push(`then ${describePoint(p)}${r && !said.has(r) ? ` (${r})` : ''}`);
			if (r) said.add(r);
		}
	} else {
		parts.push(`no instruction diverged in ${report.compared} compared (${report.ended})`);
	}
	if (visible.kind === 'unfinished') parts.push('the virtualized run was stopped before the guest finished');
	if (g.vcpu.instret !== native.instructions && (!first || !reason(sim, first))) {
		parts.push(
			`the guest executed ${g.vcpu.instret} instructions, natively ${native.instructions}: its clock counts guest instructions, so its timer ticks fell elsewhere` +
				(sim.monitor.technique === 'pv' ? ' (a para-virtualized kernel must replace each native instruction by exactly one: docs/hypercalls.md)' : ''),
		);
	}
	return {first, spread: report.spread, cause: parts.join('. ')};
}
