/**
 * Why a guest was not equivalent. The classic answer (Robin & Irvine, the
 * lecture's Pentium slide): a sensitive instruction that is not privileged ran
 * directly in the deprivileged guest kernel, without a trap, so the VMM never
 * saw it. `trap` mode records such instructions as the guest kernel's code is
 * first decoded (translator.ts, record only); here they are named, with what
 * each one did wrong. Other causes we can tell: the guest ran a different
 * number of instructions than natively (its clock, so its schedule, differs),
 * or it did not finish.
 */
import type {Divergence, NativeOutcome} from './equivalence.js';
import type {Guest} from './guest.js';
import type {VmmSimulation} from './vmm-simulation.js';

/** What each sensitive unprivileged instruction does wrong when the guest kernel runs it in real user mode. */
const wrongs: Record<string, string> = {
	popf: 'in user mode it loads only C Z N V, so the virtual IF the guest kernel meant to restore was lost',
	smsw: 'it read the real mode, so the guest kernel saw user mode (S = 0) instead of its virtual supervisor mode',
	pushf: 'it pushed the real FLAGS (S = 0, the real IF) instead of the virtual ones',
	sidt: "it read the real IDT register instead of the guest's virtual idt",
};
const order = ['popf', 'smsw', 'pushf', 'sidt'];

export function explainDivergence(sim: VmmSimulation, g: Guest, native: NativeOutcome, divergence: Divergence): string {
	const causes: string[] = [];
	if (sim.monitor.technique === 'trap' && g.sensitive.size > 0) {
		const parts = [...order.filter((m) => g.sensitive.has(m)), ...[...g.sensitive.keys()].filter((m) => !order.includes(m))]
			.map((m) => {
				const s = g.sensitive.get(m)!;
				const where = sim.symbolize(g.index, true, s.pc);
				return `\`${m}\` (${s.sites} site${s.sites > 1 ? 's' : ''}, first at ${where}): ${wrongs[m] ?? 'it acted on the real machine instead of the virtual one'}`;
			});
		causes.push(
			`on ${sim.machine.profile.name}, sensitive instructions that are not privileged ran directly in the deprivileged guest kernel — no trap, so the VMM could not emulate them: ${parts.join('; ')}`,
		);
	}
	if (divergence.kind === 'unfinished') causes.push('the virtualized run was stopped before the guest finished');
	else if (g.vcpu.instret !== native.instructions && causes.length === 0) {
		causes.push(
			`the guest executed ${g.vcpu.instret} instructions, natively ${native.instructions}: its clock counts guest instructions, so its timer ticks — and its schedule — fell elsewhere` +
				(sim.monitor.technique === 'pv'
					? ' (a para-virtualized kernel must replace each native instruction by exactly one: docs/hypercalls.md)'
					: ''),
		);
	}
	return causes.join('. ') || `unexplained: first difference in ${divergence.kind} at ${divergence.where}`;
}
