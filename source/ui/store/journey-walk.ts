/**
 * Journey mode (`J`, `--journey`): one exception's journey as a walk across
 * the levels, one *level step* at a time — CPU fetch-execute, exception
 * raised, VMM intercept, VMM emulate/reflect, the virtual exception delivered
 * to the guest OS, the guest OS's handler, the return — each with a line in
 * the lecture's words saying what that level does and why.
 *
 * Built from the journey the core recorded (cpu/journey.ts, store/journeys.ts):
 * nothing is guessed from timing. Pure: the same journey gives the same walk.
 */
import type {EventOf, Level, VmEvent} from '../../bus/events.js';
import {vectorName} from '../../isa/opcodes.js';
import {BT_VECTOR} from '../../vmm/translator.js';
import {type Namer, formatRow, instructionText, sensitiveEffects, shortHex} from './format-row.js';
import type {JourneyEntry, JourneyIndex} from './journeys.js';
import type {EventRing} from './ring.js';

export interface WalkStep {
	level: Level;
	/** The step's name: `CPU fetch-execute`, `VMM intercept`, … */
	title: string;
	/** What the level's column shows for it (the row's text). */
	cell: string;
	/** One line in the lecture's words: what the level does here, and why. */
	explain: string;
}

export interface WalkContext {
	/** The VMM technique (`none` natively). */
	vmm: string;
	/** The ISA profile's name. */
	isa: string;
}

type Raised = EventOf<'exception.raised'>;

const code = (s: string): string => `\`${s}\``;

/** The mnemonic of a disassembled instruction (`smsw r0` → `smsw`). */
function mnemonicOf(text: string | undefined): string {
	return (text ?? '').trim().split(/\s+/)[0] ?? '';
}

function events(ring: EventRing, entry: JourneyEntry | undefined): VmEvent[] {
	if (!entry) return [];
	return entry.rows.map((s) => ring.get(s)).filter((e): e is VmEvent => e !== undefined);
}

function find<K extends VmEvent['kind']>(list: VmEvent[], kind: K): EventOf<K> | undefined {
	return list.find((e) => e.kind === kind) as EventOf<K> | undefined;
}

/**
 * The walk of the journey opened by the `exception.raised` at ring sequence
 * `seq`, or null when that row is gone or opened no journey the core numbered.
 */
export function journeyWalk(ring: EventRing, journeys: JourneyIndex, seq: number, namer: Namer, ctx: WalkContext): WalkStep[] | null {
	const raised = ring.get(seq);
	if (raised?.kind === 'instruction') return sensitiveWalk(raised, namer, ctx);
	if (raised?.kind !== 'exception.raised' || raised.journey === undefined) return null;
	const real = journeys.get(raised.journey);
	if (!real) return null;
	const mine = events(ring, real);
	const intercept = find(mine, 'vmm.intercept');
	const virtual = real.end?.next === undefined ? undefined : journeys.get(real.end.next);
	const steps: WalkStep[] = [cpuStep(raised, ring.physOf(seq), namer, ctx, intercept), raisedStep(raised, mine, namer, intercept)];
	const host = mine.filter((e) => e.kind === 'host.enter' || e.kind === 'host.exit');
	if (host.length > 0) {
		steps.push({
			level: 'host',
			title: 'host OS',
			cell: host.map((e) => formatRow(e, Number.NaN, namer).host).join('; '),
			explain: 'Type II: the VMM runs as a process of a host OS, so the host OS takes the exception first and passes it to the VMM (an extra level on every exit).',
		});
	}
	if (!intercept) return [...steps, ...nativeSteps(raised, mine, real, namer)];
	steps.push({
		level: 'vmm',
		title: 'VMM intercept',
		cell: formatRow(intercept, Number.NaN, namer).vmm,
		explain: `The VMM intercepts (${intercept.reason}): it alone runs in real supervisor mode, so every exception of a guest comes to it first.`,
	});
	const reflect = find(mine, 'vmm.reflect');
	if (reflect && virtual) return [...steps, ...reflectedSteps(raised, mine, reflect, virtual, ring, journeys, namer)];
	return [...steps, ...emulatedSteps(mine, namer, intercept, real)];
}

function cpuStep(raised: Raised, phys: number, namer: Namer, ctx: WalkContext, intercept: EventOf<'vmm.intercept'> | undefined): WalkStep {
	const text = instructionText(namer, raised.guest, raised.supervisor, raised.pc, phys, raised.symbol);
	const instr = namer.disassemble(phys);
	const mn = mnemonicOf(instr);
	const title = 'CPU fetch-execute';
	if (raised.type === 'interrupt') {
		return {
			level: 'cpu',
			title,
			cell: `before ${text}`,
			explain: `Between two instructions the CPU finds ${vectorName(raised.vector)} pending with interrupts enabled: it takes it before fetching ${code(mn || 'the next instruction')}.`,
		};
	}
	if (raised.vector === BT_VECTOR && mn !== '' && mn !== 'int') {
		return {
			level: 'cpu',
			title,
			cell: `${text} ⇒ int 0x${BT_VECTOR.toString(16)} (patched)`,
			explain: `${code(mn)} is sensitive but not privileged on ${ctx.isa}: run directly it would show the guest the real state, so the binary translator patched it to ${code(`int 0x${BT_VECTOR.toString(16)}`)}, which traps to the VMM.`,
		};
	}
	if (intercept?.category === 'privileged') {
		return {
			level: 'cpu',
			title,
			cell: `${text} (trapped)`,
			explain: `${code(mn)} is privileged on ${ctx.isa} and the guest's kernel runs in real user mode: the CPU refuses it and traps — Popek & Goldberg's Theorem 1: with every sensitive instruction privileged, each one traps to the VMM.`,
		};
	}
	if (raised.type === 'trap') {
		return {
			level: 'cpu',
			title,
			cell: text,
			explain: `The CPU fetches and executes ${code(instr ?? mn)} in ${raised.supervisor ? 'supervisor' : 'user'} mode: a trap, raised on purpose — the instruction completes, then the exception is taken.`,
		};
	}
	return {
		level: 'cpu',
		title,
		cell: `${text} (trapped)`,
		explain: `The CPU cannot complete ${code(instr ?? mn)}: a fault, raised before the instruction takes effect (its handler decides whether it runs again).`,
	};
}

function raisedStep(raised: Raised, mine: VmEvent[], namer: Namer, intercept: EventOf<'vmm.intercept'> | undefined): WalkStep {
	// The journey's number is in the walk's title.
	const cell = formatRow(raised, Number.NaN, namer).exception.replace(/ · journey \d+$/, '');
	if (intercept) {
		return {
			level: 'exception',
			title: 'exception raised',
			cell,
			explain: 'The real exception goes through the real IDT, which is the VMM’s, not the guest’s: the lecture’s interpretation i, real exception → VMM.',
		};
	}
	const delivered = find(mine, 'exception.delivered');
	const handler = delivered ? namer.symbolize(raised.guest, true, delivered.handler) : undefined;
	return {
		level: 'exception',
		title: 'exception raised',
		cell: delivered ? `${cell} → ${handler}` : cell,
		explain: handler
			? `The CPU switches to supervisor mode, saves where to return (epc) and jumps through the IDT to the OS’s handler ${code(handler)}.`
			: 'The CPU switches to supervisor mode, saves where to return (epc) and jumps through the IDT to the OS’s handler.',
	};
}

function osStep(os: VmEvent[], namer: Namer, nested: number, guest: boolean): WalkStep {
	const cell = os.map((e) => formatRow(e, Number.NaN, namer).os).join('; ');
	const call = find(os, 'os.syscall');
	const who = guest ? 'The guest OS' : 'The OS';
	const trapped =
		nested === 0 ? '' : ` Meanwhile ${nested} of its privileged instruction${nested === 1 ? '' : 's'} trapped to the VMM, each a journey of its own.`;
	const does = call
		? `${who} handles the system call ${code(call.name)} for pid ${call.pid}${guest ? ' as on a real machine, in its virtual supervisor mode (U/vS).' : ' in supervisor mode: the operating-system machine (level 3) interprets it.'}`
		: `${who}’s handler runs${guest ? ' in its virtual supervisor mode (U/vS).' : ' in supervisor mode.'}`;
	return {level: 'os', title: guest ? 'guest OS handler' : 'OS handler', cell: cell || '(handler code only)', explain: does + trapped};
}

function nativeSteps(raised: Raised, mine: VmEvent[], real: JourneyEntry, namer: Namer): WalkStep[] {
	const os = mine.filter((e) => e.kind.startsWith('os.') && e.kind !== 'os.return');
	const steps = [osStep(os, namer, real.children.length, false)];
	const iret = [...mine].reverse().find((e) => e.kind === 'iret') as EventOf<'iret'> | undefined;
	if (iret) {
		steps.push({
			level: 'exception',
			title: 'return',
			cell: formatRow(iret, Number.NaN, namer).exception,
			explain: `${code('iret')} restores the saved mode and pc: ${
				raised.type === 'fault' ? 'a fault returns to the instruction to run it again' : 'the trap’s instruction completed, so the program goes on after it'
			}.`,
		});
	} else steps.push(unfinished(real));
	return steps;
}

function emulatedSteps(mine: VmEvent[], namer: Namer, intercept: EventOf<'vmm.intercept'>, real: JourneyEntry): WalkStep[] {
	const steps: WalkStep[] = [];
	const emulate = find(mine, 'vmm.emulate');
	const hypercall = find(mine, 'vmm.hypercall');
	if (emulate) {
		steps.push({
			level: 'vmm',
			title: 'VMM emulate',
			cell: formatRow(emulate, Number.NaN, namer).vmm,
			explain: `The guest was in its virtual supervisor mode, so ${code(emulate.mnemonic)} is legal for it: the VMM interprets it on the virtual CPU (${emulate.effect}) — what a real machine would do (equivalence), while the real machine stays the VMM’s (resource control).`,
		});
	} else if (hypercall) {
		steps.push({
			level: 'vmm',
			title: 'VMM hypercall',
			cell: formatRow(hypercall, Number.NaN, namer).vmm,
			explain: `A paravirtualized guest asks the VMM directly (${hypercall.name}) instead of executing a sensitive instruction: nothing to decode or emulate.`,
		});
	} else {
		const other = mine.filter((e) => e.kind.startsWith('vmm.') && e !== intercept && e.kind !== 'vmm.resume');
		steps.push({
			level: 'vmm',
			title: 'VMM work',
			cell: other.map((e) => formatRow(e, Number.NaN, namer).vmm).join('; ') || '(no guest-visible work)',
			explain: `The VMM handles the exit itself (${intercept.category}): the guest never sees it.`,
		});
	}
	const resume = [...mine].reverse().find((e) => e.kind === 'vmm.resume') as EventOf<'vmm.resume'> | undefined;
	if (resume) {
		steps.push({
			level: 'vmm',
			title: 'return',
			cell: formatRow(resume, Number.NaN, namer).vmm,
			explain: `The VMM resumes the guest at ${shortHex(resume.pc)}: for the guest it is as if the instruction had run on a real machine — ${resume.cost} cycles instead of one instruction’s (the price of interpretation).`,
		});
	} else steps.push(unfinished(real));
	return steps;
}

function reflectedSteps(
	raised: Raised,
	mine: VmEvent[],
	reflect: EventOf<'vmm.reflect'>,
	virtual: JourneyEntry,
	ring: EventRing,
	journeys: JourneyIndex,
	namer: Namer,
): WalkStep[] {
	const steps: WalkStep[] = [
		{
			level: 'vmm',
			title: 'VMM reflect',
			cell: formatRow(reflect, Number.NaN, namer).vmm,
			explain: `The exception is the guest’s to handle: the VMM reflects it — switches the virtual CPU to virtual supervisor mode and enters ${code(reflect.symbol)}, the handler in the guest’s own (virtual) IDT.`,
		},
	];
	const delivered = find(mine, 'exception.delivered');
	if (delivered) {
		steps.push({
			level: 'exception',
			title: 'virtual exception',
			cell: formatRow(delivered, Number.NaN, namer).exception,
			explain: 'The virtual exception reaches the guest OS as a real one would (the real CPU stays in user mode: U/vS): the lecture’s interpretation ii, virtual exception → guest OS.',
		});
	}
	// The guest OS's work: read off the delivery (in i) and its own journey (ii).
	const os = [...mine, ...events(ring, virtual)].filter((e) => e.kind.startsWith('os.') && e.kind !== 'os.return');
	const ii = virtual.end;
	const closing = ii ? virtual.children.map((c) => journeys.get(c)).find((c) => c?.end !== undefined && c.end.cycle === ii.cycle) : undefined;
	steps.push(osStep(os, namer, virtual.children.length - (closing ? 1 : 0), true));
	const iret = closing ? (events(ring, closing).find((e) => e.kind === 'iret') as EventOf<'iret'> | undefined) : undefined;
	if (closing && iret) {
		steps.push({
			level: 'vmm',
			title: 'return',
			cell: `${formatRow(iret, Number.NaN, namer).exception} (emulated)`,
			explain: `The guest OS’s ${code('iret')} is privileged: it trapped (journey ${closing.id}), and the VMM emulated it — virtual user mode again — resuming the program at ${iret.symbol ?? shortHex(iret.to)}.`,
		});
	} else steps.push(unfinished(virtual));
	void raised;
	return steps;
}

/** A sensitive instruction the profile leaves unprivileged, run directly: one step, and why it matters. */
function sensitiveWalk(e: EventOf<'instruction'>, namer: Namer, ctx: WalkContext): WalkStep[] {
	const mn = mnemonicOf(namer.disassemble(e.phys));
	return [
		{
			level: 'cpu',
			title: 'CPU fetch-execute',
			cell: formatRow(e, e.phys, namer).cpu,
			explain: `${code(mn)} is sensitive but not privileged on ${ctx.isa}: it ran directly and ${sensitiveEffects[mn] ?? 'the guest saw the real state'} — no trap, so the VMM never saw it (Popek & Goldberg’s condition fails: Robin & Irvine).`,
		},
	];
}

function unfinished(entry: JourneyEntry): WalkStep {
	return {
		level: 'exception',
		title: 'return',
		cell: entry.end ? '(no return: the run stopped)' : '… still running',
		explain: entry.end ? 'The machine stopped before the handler returned.' : 'The handler has not returned yet.',
	};
}
