/**
 * The lecture's vertical cooperation for one exception, read from the
 * history: 1 fetch-execute (CPU), 2 exception, 3 fetch-execute (CPU),
 * 4 fetch-execute (OS — or the VMM, partially interpreting), 5 return from
 * exception — each with what ran and what it cost.
 *
 * The span runs from `exception.raised` to the matching return: the `iret`
 * that brings nesting back to zero, or the VMM's `vmm.resume` when it
 * emulated the instruction itself.
 */
import type {VmEvent} from '../../bus/events.js';
import type {CostModel} from '../../cpu/costs.js';
import {vectorName} from '../../isa/opcodes.js';
import {type Namer, formatRow, instructionText, isInterrupt} from './format-row.js';
import type {EventRing} from './ring.js';

export interface CooperationStep {
	/** 1–5. */
	n: number;
	/** `fetch-execute (CPU)`, `exception`, … */
	title: string;
	/** What ran. */
	what: string;
	/** What it cost, e.g. `1 instr · 1 cycle`. */
	cost: string;
	/** Reached yet (the handler may still be running). */
	done: boolean;
}

export interface CooperationView {
	/** Sequence number of the `exception.raised` row. */
	seq: number;
	vector: string;
	guest: number;
	steps: CooperationStep[];
	complete: boolean;
}

/** Events looked at after the exception before giving up on finding its return. */
const SCAN_LIMIT = 20_000;

const n = (x: number): string => x.toLocaleString('en-US');

export function cooperation(ring: EventRing, seq: number, namer: Namer, costs: CostModel): CooperationView | null {
	const start = ring.get(seq);
	if (start?.kind !== 'exception.raised') return null;
	let delivered: Extract<VmEvent, {kind: 'exception.delivered'}> | undefined;
	let intercept: VmEvent | undefined;
	let end: VmEvent | undefined;
	const osWork: string[] = [];
	const vmmWork: string[] = [];
	let depth = 0;
	for (let s = seq + 1; s < ring.end && s <= seq + SCAN_LIMIT; s++) {
		const e = ring.get(s)!;
		if (e.guest !== start.guest && !e.kind.startsWith('vmm.') && !e.kind.startsWith('host.')) continue;
		if (e.kind === 'exception.delivered') {
			if (depth === 0 && delivered === undefined) delivered = e;
			depth++;
		} else if (e.kind === 'exception.raised' && depth === 0 && delivered === undefined && intercept === undefined) {
			break; // raised again before anything handled the first: not ours to explain
		} else if (e.kind === 'iret') {
			depth--;
			if (depth <= 0) {
				end = e;
				break;
			}
		} else if (e.kind === 'vmm.intercept' && intercept === undefined) {
			intercept = e;
		} else if (e.kind === 'vmm.resume' && depth === 0 && intercept !== undefined) {
			end = e;
			break;
		}
		if (depth <= 1 && (e.kind.startsWith('os.') || e.kind.startsWith('vmm.') || e.kind.startsWith('host.'))) {
			const cells = formatRow(e, Number.NaN, namer);
			if (e.kind.startsWith('os.')) osWork.push(cells.os);
			else if (e.kind !== 'vmm.intercept' && e.kind !== 'vmm.resume') vmmWork.push(cells.vmm || cells.host);
		}
	}
	const vector = vectorName(start.vector);
	const interrupt = isInterrupt(start, ring.get(seq - 1));
	const handlerAt = delivered ? namer.symbolize(start.guest, true, delivered.handler) : undefined;
	const body = end ?? ring.get(ring.end - 1)!;
	const from = delivered ?? intercept ?? start;
	const instructions = Math.max(0, body.instret - from.instret);
	// Cycles beyond the instructions themselves: the OS's or the VMM's extra work (the return is step 5's).
	const workCycles = Math.max(0, body.cycle - from.cycle - instructions * costs.instruction - (end?.kind === 'iret' ? costs.iret : 0));
	const steps: CooperationStep[] = [
		{
			n: 1,
			title: 'fetch-execute (CPU)',
			what: interrupt
				? `interrupted at ${namer.symbolizeInstruction(start.guest, start.supervisor, start.pc, ring.physOf(seq))}`
				: instructionText(namer, start.guest, start.supervisor, start.pc, ring.physOf(seq)),
			cost: interrupt ? '—' : `1 instr, ${n(costs.instruction)} cyc`,
			done: true,
		},
		{
			n: 2,
			title: 'exception',
			what: intercept
				? `${vector} → VMM intercepts`
				: delivered
					? `${vector} → IDT → ${handlerAt}`
					: `${vector} raised`,
			cost: intercept ? `${n(costs.vmmRoundTrip)} cyc (VMM entry)` : delivered ? `${n(costs.exception)} cyc` : '…',
			done: delivered !== undefined || intercept !== undefined,
		},
		{
			n: 3,
			title: 'fetch-execute (CPU)',
			what: delivered ? `${n(instructions)} instr from ${handlerAt}` : intercept ? 'the VMM (host code)' : '…',
			cost: `${n(instructions)} instr, ${n(instructions * costs.instruction)} cyc`,
			done: delivered !== undefined || intercept !== undefined,
		},
		{
			n: 4,
			title: intercept ? 'fetch-execute (VMM)' : 'fetch-execute (OS)',
			what: summarize(intercept ? [...vmmWork, ...osWork] : [...osWork, ...vmmWork]),
			cost: `${n(workCycles)} cyc`,
			done: osWork.length + vmmWork.length > 0 || end !== undefined,
		},
		{
			n: 5,
			title: 'return from exception',
			what: end === undefined ? '… still in the handler' : formatRow(end, Number.NaN, namer)[end.kind === 'iret' ? 'exception' : 'vmm'],
			cost: end === undefined ? '…' : end.kind === 'iret' ? `${n(costs.iret)} cyc` : `${n((end as {cost: number}).cost)} cyc`,
			done: end !== undefined,
		},
	];
	return {seq, vector, guest: start.guest, steps, complete: end !== undefined};
}

function summarize(work: string[]): string {
	if (work.length === 0) return 'no OS-level event (handler code only)';
	const shown = work.slice(0, 2).join('; ');
	return work.length > 2 ? `${shown}; +${work.length - 2} more` : shown;
}
