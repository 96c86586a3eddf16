/** What `vmtop run --headless` adds to its summary for a run under the VMM: the guests and the VMM's entries. */
import {TYPE_II_MODEL} from './stats-format.js';
import type {VmmSimulation} from '../vmm/vmm-simulation.js';

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
