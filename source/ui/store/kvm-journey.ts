/**
 * A real host's exit as the cooperation panel shows it (an import of a KVM
 * trace, `vmtop import`): kvm_exit → KVM handles it → kvm_entry. The trace
 * has host time (ns, as `cycle`) and no instruction counts, so the costs are
 * times: the time outside the guest is the entry's time minus the exit's.
 */
import {micros} from '../../driver/speed.js';
import type {CooperationStep, CooperationView} from './cooperation.js';
import {shortHex} from './format-row.js';
import type {EventRing} from './ring.js';

/** The newest `vmm.intercept` at or before `from` (within the last 10,000 events), or -1. */
export function exitAtOrBefore(ring: EventRing, from: number): number {
	for (let s = Math.min(from, ring.end - 1); s >= ring.first && s > from - 10_000; s--) {
		if (ring.get(s)?.kind === 'vmm.intercept') return s;
	}
	return -1;
}

export function kvmJourney(ring: EventRing, seq: number): CooperationView | null {
	const exit = ring.get(seq);
	if (exit?.kind !== 'vmm.intercept') return null;
	let entry: {cycle: number; pc: number} | undefined;
	for (let s = seq + 1; s < ring.end && s < seq + 10_000; s++) {
		const e = ring.get(s);
		if (e?.kind === 'vmm.resume' && e.guest === exit.guest) {
			entry = e;
			break;
		}
	}
	const outside = entry ? entry.cycle - exit.cycle : undefined;
	const steps: CooperationStep[] = [
		{n: 1, title: 'VM exit (kvm_exit)', what: `${exit.reason} at rip ${shortHex(exit.pc)}`, cost: `at ${micros(exit.cycle)}`, done: true},
		{
			n: 2,
			title: 'VMM (KVM) handles it',
			what: `${exit.category} exit: the host's KVM runs for the guest`,
			cost: outside === undefined ? 'running' : micros(outside),
			done: entry !== undefined,
		},
		{
			n: 3,
			title: 'VM entry (kvm_entry)',
			what: entry ? `guest ${exit.guest} resumes at rip ${shortHex(entry.pc)}` : 'not yet',
			cost: entry ? `at ${micros(entry.cycle)}` : '—',
			done: entry !== undefined,
		},
	];
	return {
		seq,
		vector: `kvm_exit ${exit.reason}`,
		guest: exit.guest,
		journey: null,
		continuation: null,
		steps,
		total:
			outside === undefined
				? 'host time only (an imported KVM trace has no instruction counts); the entry has not come yet'
				: `total ${micros(outside)} outside the guest = host time ${micros(exit.cycle)} → ${micros(entry!.cycle)}`,
		complete: entry !== undefined,
	};
}
