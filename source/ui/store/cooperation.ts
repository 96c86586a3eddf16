/**
 * The lecture's vertical cooperation for one exception, read from its journey
 * (the core says which events belong to it and what each level cost, see
 * cpu/journey.ts): 1 fetch-execute (CPU), 2 exception, 3 fetch-execute (CPU),
 * 4 fetch-execute (OS — or the VMM, partially interpreting), 5 return from
 * exception. For a guest exception the steps fall into the lecture's two
 * interpretations: i. real exception → VMM (steps 1–2), ii. virtual exception
 * → guest OS (steps 3–5). The costs are the journey's parts, so they add up to
 * the total line, which is the cycle counter's change.
 */
import type {EventOf, JourneyCost} from '../../bus/events.js';
import {vectorName} from '../../isa/opcodes.js';
import {type Namer, formatRow, instructionText} from './format-row.js';
import {type JourneyEntry, type JourneyIndex, deliversPending} from './journeys.js';
import type {EventRing} from './ring.js';

export interface CooperationStep {
	/** 1–5. */
	n: number;
	/** For a guest exception: the lecture's interpretation the step belongs to. */
	interpretation?: 'i.' | 'ii.';
	/** `fetch-execute (CPU)`, `exception`, … */
	title: string;
	/** What ran. */
	what: string;
	/** What it cost, e.g. `1 instr, 1 cyc`. */
	cost: string;
	/** Reached yet (the handler may still be running). */
	done: boolean;
}

export interface CooperationView {
	/** Sequence number of the `exception.raised` row. */
	seq: number;
	vector: string;
	guest: number;
	/** The journey (and, for a guest exception, its virtual continuation); null in a version 1 trace. */
	journey: number | null;
	continuation: number | null;
	steps: CooperationStep[];
	/** The total line: the parts' sum, equal to the cycle counter's change. */
	total: string;
	complete: boolean;
}

const n = (x: number): string => x.toLocaleString('en-US');
/** A step not reached or not finished yet: said in words (a `…` would read as a cut text). */
const RUNNING = 'running';
const cyc = (x: number): string => `${n(x)} cyc`;
const part = (cost: JourneyCost | undefined, ...keys: Array<keyof JourneyCost>): number => keys.reduce((s, k) => s + (cost?.[k] ?? 0), 0);
const span = (end: EventOf<'journey.end'>): number => end.cycle - end.start.cycle;

export function cooperation(ring: EventRing, journeys: JourneyIndex, seq: number, namer: Namer, costsInstruction = 1): CooperationView | null {
	const start = ring.get(seq);
	if (start?.kind !== 'exception.raised') return null;
	const vector = vectorName(start.vector);
	const base = {seq, vector, guest: start.guest};
	const interrupt = start.type === 'interrupt';
	const first = interrupt
		? `interrupted at ${start.symbol ?? namer.symbolizeInstruction(start.guest, start.supervisor, start.pc, ring.physOf(seq))}`
		: instructionText(namer, start.guest, start.supervisor, start.pc, ring.physOf(seq), start.symbol);
	const j = start.journey === undefined ? undefined : journeys.get(start.journey);
	if (!j) {
		// A version 1 trace (or a journey opened before anyone listened): the core did not say.
		const none = (k: number, title: string): CooperationStep => ({n: k, title, what: k === 1 ? first : '—', cost: '—', done: k === 1});
		return {
			...base,
			journey: null,
			continuation: null,
			steps: [none(1, 'fetch-execute (CPU)'), none(2, 'exception'), none(3, 'fetch-execute (CPU)'), none(4, 'fetch-execute (OS)'), none(5, 'return from exception')],
			total: 'no journey recorded for this exception (a version 1 trace): re-record it to see each level’s cost',
			complete: true,
		};
	}
	const end = j.end;
	// A trap's instruction retires inside its journey: the first instruction the journey counts.
	const trapInstr = start.type === 'trap' && end && part(end.cost, 'cpu') >= costsInstruction ? 1 : 0;
	const step1: CooperationStep = {
		n: 1,
		title: 'fetch-execute (CPU)',
		// One word for one thing (issue 16 §2): the history marks this instruction `(trapped)` too; fault or trap is said at step 2.
		what: interrupt || !start.type ? first : `${first} (trapped)`,
		cost: trapInstr ? `1 instr, ${cyc(costsInstruction)}` : '—',
		done: true,
	};
	const rows = (entry: JourneyEntry, prefix: string): string[] =>
		entry.rows
			.map((s) => ring.get(s))
			.filter((e) => e !== undefined && e.kind.startsWith(prefix) && e.kind !== 'vmm.intercept' && e.kind !== 'vmm.resume')
			.map((e) => {
				const cells = formatRow(e!, Number.NaN, namer);
				return cells.os || cells.vmm || cells.host;
			});
	const intercept = j.rows.map((s) => ring.get(s)).find((e) => e?.kind === 'vmm.intercept') as EventOf<'vmm.intercept'> | undefined;
	const delivered = j.rows.map((s) => ring.get(s)).find((e) => e?.kind === 'exception.delivered') as EventOf<'exception.delivered'> | undefined;
	const next = end?.next === undefined ? undefined : journeys.get(end.next);

	if (intercept && end?.next !== undefined) return guestException(ring, journeys, namer, base, step1, j, intercept, next, costsInstruction);

	const instr = (e: EventOf<'journey.end'> | undefined): number => (e ? part(e.cost, 'cpu') / costsInstruction - trapInstr : 0);
	const handlerAt = delivered ? namer.symbolize(start.guest, true, delivered.handler) : undefined;
	const returnRow = end ? closingRow(ring, j, namer) : undefined;
	const raised = start.type && !interrupt ? `${vector} (${start.type})` : vector;
	const steps: CooperationStep[] = intercept
		? [
				step1,
				{
					n: 2,
					title: 'exception',
					what: `${raised} → VMM intercepts (${intercept.reason})${end?.cost.host ? '; the host OS passes it on (its cycles here)' : ''}`,
					cost: end?.cost.host ? cyc(end.cost.host) : '—',
					done: true,
				},
				{
					n: 3,
					title: 'fetch-execute (CPU)',
					// The VMM is modelled as host code with a cycle cost: the real CPU runs it, and its cycles are step 4's.
					what: 'the real CPU runs the VMM’s code (its cycles: step 4); the guest makes no progress',
					cost: cyc(part(end?.cost, 'cpu') - trapInstr * costsInstruction),
					done: end !== undefined,
				},
				{
					n: 4,
					title: 'fetch-execute (VMM)',
					what: summarize(rows(j, 'vmm.'), 'the VMM’s own work'),
					cost: end ? cyc(part(end.cost, 'vmm', 'idle', 'nested', 'preempted', 'exception', 'return')) : RUNNING,
					done: end !== undefined,
				},
				{n: 5, title: 'return from exception', what: returnRow ? `${returnRow}: the guest continues` : 'still in the VMM', cost: end ? 'in step 4' : RUNNING, done: end !== undefined},
			]
		: [
				step1,
				{
					n: 2,
					title: 'exception',
					what: delivered ? `${raised} → IDT → ${handlerAt}` : `${raised} raised`,
					cost: end ? cyc(part(end.cost, 'exception')) : RUNNING,
					done: delivered !== undefined,
				},
				{
					n: 3,
					title: 'fetch-execute (CPU)',
					what: !delivered ? 'not delivered yet' : end ? `${n(instr(end))} instr from ${handlerAt}` : `the handler runs from ${handlerAt}`,
					cost: end ? `${n(instr(end))} instr, ${cyc(part(end.cost, 'cpu') - trapInstr * costsInstruction)}` : RUNNING,
					done: delivered !== undefined,
				},
				{
					n: 4,
					title: 'fetch-execute (OS)',
					what: summarize(rows(j, 'os.'), 'no OS-level event (handler code only)') + nestedText(j),
					cost: end ? cyc(part(end.cost, 'nested', 'idle', 'preempted', 'vmm', 'host')) : RUNNING,
					done: end !== undefined,
				},
				{n: 5, title: 'return from exception', what: returnRow ?? 'still in the handler', cost: end ? cyc(part(end.cost, 'return')) : RUNNING, done: end !== undefined},
			];
	return {
		...base,
		journey: j.id,
		continuation: null,
		steps,
		total: end ? `total ${cyc(span(end))} = cycle ${n(end.start.cycle)} → ${n(end.cycle)} (journey ${j.id})` : `journey ${j.id} still running`,
		complete: end !== undefined,
	};
}

/** i. real exception → VMM (steps 1–2), ii. virtual exception → guest OS (steps 3–5). */
function guestException(
	ring: EventRing,
	journeys: JourneyIndex,
	namer: Namer,
	base: {seq: number; vector: string; guest: number},
	step1: CooperationStep,
	real: JourneyEntry,
	intercept: EventOf<'vmm.intercept'>,
	virtual: JourneyEntry | undefined,
	costsInstruction: number,
): CooperationView {
	const i = real.end!;
	const ii = virtual?.end;
	const reflect = real.rows.map((s) => ring.get(s)).find((e) => e?.kind === 'vmm.reflect') as EventOf<'vmm.reflect'> | undefined;
	const iCycles = span(i);
	const iiInstr = ii ? part(ii.cost, 'cpu') / costsInstruction : 0;
	// The return of a virtual exception is the guest's `iret`, itself a journey into the VMM: the last one nested.
	const closing = virtual && ii ? virtual.children.map((c) => journeys.get(c)?.end).find((e) => e !== undefined && e.cycle === ii.cycle) : undefined;
	const closingEntry = closing ? journeys.get(closing.journey) : undefined;
	// The OS level reads the call off the delivery the VMM makes (in i); the guest OS runs it in ii.
	const os = [...osRows(ring, namer, real), ...(virtual ? osRows(ring, namer, virtual) : [])];
	const start = ring.get(base.seq) as EventOf<'exception.raised'>;
	const raised = start.type && start.type !== 'interrupt' ? `${base.vector} (${start.type})` : base.vector;
	const steps: CooperationStep[] = [
		{...step1, interpretation: 'i.', cost: '—'},
		{
			n: 2,
			interpretation: 'i.',
			title: 'exception → VMM',
			what: `${raised} → VMM intercepts (${intercept.reason})${reflect ? reflectText(real, ring, intercept, reflect) : ''}`,
			cost: cyc(iCycles),
			done: true,
		},
		{
			n: 3,
			interpretation: 'ii.',
			title: 'fetch-execute (CPU)',
			what: !ii ? `the guest OS runs${reflect ? ` from ${reflect.symbol}` : ''}` : reflect ? `${n(iiInstr)} instr from ${reflect.symbol} (guest OS)` : `${n(iiInstr)} instr of the guest OS`,
			cost: ii ? `${n(iiInstr)} instr, ${cyc(part(ii.cost, 'cpu'))}` : RUNNING,
			done: ii !== undefined,
		},
		{
			n: 4,
			interpretation: 'ii.',
			title: 'fetch-execute (guest OS)',
			what: summarize(os, 'no OS-level event (handler code only)') + (virtual ? nestedText(virtual, closing?.journey) : ''),
			cost: ii ? cyc(part(ii.cost, 'nested', 'idle', 'preempted', 'vmm', 'host', 'exception', 'return') - (closing ? span(closing) : 0)) : RUNNING,
			done: ii !== undefined,
		},
		{
			n: 5,
			interpretation: 'ii.',
			title: 'return from exception',
			what: closingEntry ? virtualReturn(ring, closingEntry, namer) : virtual && ii ? uncaughtReturn(ring, virtual, namer) : 'still in the guest OS',
			// Without a nested journey (hvm interprets the guest kernel's iret) the return's cycles are the VMM's, in step 4.
			cost: closing ? cyc(span(closing)) : ii ? 'in step 4' : RUNNING,
			done: ii !== undefined,
		},
	];
	const total = ii
		? `i. real exception → VMM: ${cyc(iCycles)} · ii. virtual exception → guest OS: ${n(iiInstr)} instr, ${cyc(span(ii))} · total ${cyc(ii.cycle - i.start.cycle)} = cycle ${n(i.start.cycle)} → ${n(ii.cycle)}`
		: `i. real exception → VMM: ${cyc(iCycles)} · ii. virtual exception → guest OS: running`;
	return {...base, journey: real.id, continuation: virtual?.id ?? null, steps, total, complete: ii !== undefined};
}

function osRows(ring: EventRing, namer: Namer, entry: JourneyEntry): string[] {
	return entry.rows
		.map((s) => ring.get(s))
		.filter((e) => e !== undefined && e.kind.startsWith('os.'))
		.map((e) => formatRow(e!, Number.NaN, namer).os);
}

/** The row that ended a journey: its `iret` or `vmm.resume` (without the VMM entry's cycles: the cost column says those). */
function closingRow(ring: EventRing, entry: JourneyEntry, namer: Namer): string | undefined {
	for (let k = entry.rows.length - 1; k >= 0; k--) {
		const e = ring.get(entry.rows[k]!);
		if (e?.kind === 'iret') return formatRow(e, Number.NaN, namer).exception;
		if (e?.kind === 'vmm.resume') return formatRow(e, Number.NaN, namer).vmm.replace(/ \([\d,]+ cycles\)$/, '');
	}
	return undefined;
}

/** The guest OS's `iret`, itself a journey into the VMM: trapped (privileged) or a hypercall (pv). */
function virtualReturn(ring: EventRing, entry: JourneyEntry, namer: Namer): string {
	const intercept = entry.rows.map((s) => ring.get(s)).find((e) => e?.kind === 'vmm.intercept') as EventOf<'vmm.intercept'> | undefined;
	const how = intercept?.category === 'hypercall' ? 'is a hypercall' : 'traps';
	const resume = closingRow(ring, entry, namer);
	return `the guest OS’s iret ${how} (journey ${entry.id}); the VMM emulates it${resume ? `: ${resume}` : ''}`;
}

/** A virtual journey that ended without a nested one: the VMM interpreted the iret (hvm), or the run stopped. */
function uncaughtReturn(ring: EventRing, entry: JourneyEntry, namer: Namer): string {
	// A virtual journey closes at the guest's iret (trapped: a nested journey; interpreted: an `iret` row) or at the stop.
	const iret = closingRow(ring, entry, namer);
	return iret?.startsWith('iret') ? `${iret}: the VMM interprets the guest kernel’s iret` : 'the guest OS never returned: the run stopped';
}

function nestedText(entry: JourneyEntry, except?: number): string {
	const k = entry.children.filter((c) => c !== except).length;
	return k === 0 ? '' : `; ${k} nested journe${k === 1 ? 'y' : 'ys'}`;
}

/** Up to six of a level’s events (a process switch is part of the story), then how many more; the step's line wraps. */
function summarize(work: string[], none: string): string {
	if (work.length === 0) return none;
	const shown = work.slice(0, SHOWN).join('; ');
	return work.length > SHOWN ? `${shown}; +${work.length - SHOWN} more` : shown;
}

const SHOWN = 6;

/**
 * How the VMM passes the exit on to the guest: it reflects the exception itself, or — when it emulated the trapped
 * instruction — delivers a virtual interrupt that was pending.
 */
function reflectText(real: JourneyEntry, ring: EventRing, intercept: EventOf<'vmm.intercept'>, reflect: EventOf<'vmm.reflect'>): string {
	return deliversPending(intercept, real.rows.map((s) => ring.get(s)))
		? `, emulates it, then delivers the pending ${vectorName(reflect.vector)} → ${reflect.symbol}`
		: `, reflects ${vectorName(reflect.vector)} → ${reflect.symbol}`;
}
