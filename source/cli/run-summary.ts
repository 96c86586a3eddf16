/** What `vmtop run --headless` adds to its summary for a run under the VMM: the guests and the VMM's entries. */
import {TYPE_II_MODEL} from './stats-format.js';
import type {VmmSimulation} from '../vmm/vmm-simulation.js';
import type {TransientSimulation} from '../vmm/transient.js';

export interface VmmRunSummary {
	technique: string;
	type: 1 | 2;
	entries: number;
	worldSwitches: number;
	guests: Array<{
		index: number;
		name: string;
		stop: string;
		exitCode?: number;
		instructions: number;
		emulated: number;
		entries: number;
	}>;
}

export function vmmRunSummary(sim: VmmSimulation): VmmRunSummary {
	sim.monitor.scheduler.settle();
	return {
		technique: sim.monitor.technique,
		type: sim.description.type,
		entries: sim.monitor.entries,
		worldSwitches: sim.monitor.scheduler.switches,
		guests: sim.guestList.map((g) => ({
			index: g.index,
			name: g.name,
			stop: g.vcpu.stopped?.message ?? g.vcpu.state,
			...(g.vcpu.stopped ? {exitCode: g.vcpu.stopped.code} : {}),
			instructions: g.vcpu.instret,
			emulated: g.vcpu.emulated,
			entries: g.entries,
		})),
	};
}

export function formatVmmRunSummary(s: VmmRunSummary): string {
	const lines = [
		`vmm:          ${s.technique} (Type ${s.type === 1 ? 'I' : 'II'}), ${s.entries} VMM entries, ${s.worldSwitches} world switches (vmtop stats for the reasons)`,
	];
	if (s.type === 2) lines.push(`              ${TYPE_II_MODEL}`);
	for (const g of s.guests) {
		lines.push(`guest ${g.index}:      ${g.name}: ${g.stop}; ${g.instructions} guest instructions, ${g.emulated} through the VMM, ${g.entries} entries`);
	}
	return lines.join('\n');
}

/** A transient VMM's part of the summary: its intervals, and its entries while attached (docs/vmm.md). */
export interface TransientRunSummary {
	/** VMM entries over every attached interval. */
	entries: number;
	intervals: Array<{
		technique: string;
		type: 1 | 2;
		attachAt: number;
		detachAt: number | null;
		entries: number;
		emulated: number;
		attachCost: number;
		detachCost: number;
		/** pv (intransparent): hypercalls served, and the switches the kernel acknowledged on the VMM status port. */
		hypercalls?: number;
		switches?: Array<{mode: 0 | 1; instret: number}>;
	}>;
}

export function transientRunSummary(sim: TransientSimulation): TransientRunSummary {
	sim.monitor?.scheduler.settle();
	return {
		entries: sim.entries,
		intervals: sim.attachments.map((a) => {
			const live = a.detachAt === undefined && sim.monitor;
			return {
				technique: a.technique,
				type: a.type,
				attachAt: a.attachAt,
				detachAt: a.detachAt ?? null,
				entries: live ? sim.monitor!.entries : a.entries,
				emulated: live ? sim.guest!.vcpu.emulated : a.emulated,
				attachCost: a.attachCost,
				detachCost: a.detachCost,
				...(a.consent
					? {hypercalls: live ? sim.monitor!.hypercalls : (a.hypercalls ?? 0), switches: a.consent.switches.map(({mode, instret}) => ({mode, instret}))}
					: {}),
			};
		}),
	};
}

export function formatTransientRunSummary(s: TransientRunSummary): string {
	if (s.intervals.length === 0) return 'vmm:          transient: never attached (the run ended before the attach point)';
	const lines = [`vmm:          transient: ${s.intervals.length} interval${s.intervals.length === 1 ? '' : 's'}, ${s.entries} VMM entries while attached`];
	for (const i of s.intervals) {
		const end = i.detachAt === null ? 'still attached at the end' : `detached at ${i.detachAt} (${i.detachCost} cycles)`;
		lines.push(`              ${i.technique} (Type ${i.type === 1 ? 'I' : 'II'}): attached at ${i.attachAt} (${i.attachCost} cycles), ${end}; ${i.entries} entries, ${i.emulated} instructions through the VMM`);
		if (i.switches) lines.push(`              ${consentLine(i.switches, i.hypercalls ?? 0)}`);
	}
	return lines.join('\n');
}

/** What the intransparent (pv) interval was: did the kernel consent, and when did it switch. */
function consentLine(switches: ReadonlyArray<{mode: 0 | 1; instret: number}>, hypercalls: number): string {
	const on = switches.find((s) => s.mode === 1);
	if (!on) return 'pv: the kernel never acknowledged on the VMM status port (no PV_SWITCH build): it ran as trap-and-emulate, 0 hypercalls';
	const off = switches.find((s) => s.mode === 0 && s.instret > on.instret);
	const back = off ? `, switched back to native instructions at ${off.instret}` : ', still making hypercalls at the end';
	return `pv: intransparent — the kernel switched to hypercalls at ${on.instret}${back}; ${hypercalls} hypercalls`;
}
