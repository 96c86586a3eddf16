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
import {type Namer, formatRow, instructionText, sensitiveEffects, shortHex, wouldEffects} from './format-row.js';
import {type JourneyEntry, type JourneyIndex, deliversPending} from './journeys.js';
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
	/** Type I (on the real machine) or II (a process of a host OS); default I. */
	type?: 1 | 2;
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
	const phys = ring.physOf(seq);
	const steps: WalkStep[] = [cpuStep(raised, phys, namer, ctx, intercept), raisedStep(raised, mine, namer, intercept, ctx)];
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
		explain:
			ctx.type === 2
				? `The VMM intercepts (${intercept.reason}): the host OS, which owns real supervisor mode and the real IDT, passed the exception to the VMM, its process — the guest sees none of it.`
				: `The VMM intercepts (${intercept.reason}): it alone runs in real supervisor mode, so every exception of a guest comes to it first.`,
	});
	const reflect = find(mine, 'vmm.reflect');
	if (reflect && virtual) return [...steps, ...reflectedSteps(raised, phys, mine, reflect, virtual, ring, journeys, namer, ctx, intercept)];
	return [...steps, ...emulatedSteps(raised, phys, mine, namer, intercept, real)];
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
			explain: `${code(mn)} is sensitive but not privileged on ${ctx.isa}: run directly, ${wouldEffects[mn] ?? 'the guest would see or change the real state'}, unseen by the VMM — so the binary translator patched it to ${code(`int 0x${BT_VECTOR.toString(16)}`)}, which traps to the VMM.`,
		};
	}
	if (intercept?.category === 'privileged') {
		return {
			level: 'cpu',
			title,
			cell: `${text} (trapped)`,
			explain: `${code(mn)} is privileged on ${ctx.isa} and the guest's kernel runs in real user mode: the CPU refuses it and traps to the VMM, which emulates it — trap-and-emulate, which catches every sensitive instruction only when all of them are privileged (Popek & Goldberg's Theorem 1).`,
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

function raisedStep(raised: Raised, mine: VmEvent[], namer: Namer, intercept: EventOf<'vmm.intercept'> | undefined, ctx: WalkContext): WalkStep {
	// The journey's number is in the walk's title.
	const cell = formatRow(raised, Number.NaN, namer).exception.replace(/ · journey \d+$/, '');
	if (intercept) {
		return {
			level: 'exception',
			title: 'exception raised',
			cell,
			explain:
				ctx.type === 2
					? 'The real exception goes through the real IDT, which is the host OS’s (the VMM runs as its process), not the guest’s: the lecture’s interpretation i, real exception → VMM.'
					: 'The real exception goes through the real IDT, which is the VMM’s, not the guest’s: the lecture’s interpretation i, real exception → VMM.',
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

function osStep(os: VmEvent[], namer: Namer, nested: number, guest: boolean, ctx?: WalkContext): WalkStep {
	const cell = os.map((e) => formatRow(e, Number.NaN, namer).os).join('; ');
	const call = find(os, 'os.syscall');
	const who = guest ? 'The guest OS' : 'The OS';
	const trapped =
		nested === 0 ? '' : ` Meanwhile ${nested} of its privileged instruction${nested === 1 ? '' : 's'} trapped to the VMM, each a journey of its own.`;
	// Under the hybrid VMM no guest-kernel instruction runs on the real CPU: the VMM interprets them.
	const mode = ctx?.vmm === 'hvm' ? 'in its virtual supervisor mode, every instruction interpreted by the VMM (hvm).' : 'in its virtual supervisor mode (U/vS).';
	const does = call
		? `${who} handles the system call ${code(call.name)} for pid ${call.pid}${guest ? ` as on a real machine, ${mode}` : ' in supervisor mode: the operating-system machine (level 3) interprets it.'}`
		: `${who}’s handler runs${guest ? ` ${mode}` : ' in supervisor mode.'}`;
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

/** The VMM's work on a trapped instruction: emulated for a guest kernel, or for a guest process of another ISA (family). */
function emulateStep(raised: Raised, phys: number, emulate: EventOf<'vmm.emulate'>, namer: Namer): WalkStep {
	const cell = formatRow(emulate, Number.NaN, namer).vmm;
	// A guest process (virtual user mode) gets an instruction emulated only when its own ISA lets it run there.
	if (namer.virtualSupervisor?.(raised.guest, phys) === false) {
		return {
			level: 'vmm',
			title: 'VMM emulate',
			cell,
			explain: `The guest's program ran ${code(emulate.mnemonic)} in user mode, where its own ISA allows it and this machine's does not: the VMM emulates it with the guest ISA's meaning (${emulate.effect}) — family virtualization.`,
		};
	}
	return {
		level: 'vmm',
		title: 'VMM emulate',
		cell,
		explain: `The guest was in its virtual supervisor mode, so ${code(emulate.mnemonic)} is legal for it: the VMM interprets it on the virtual CPU (${emulate.effect}) — what a real machine would do (equivalence), while the real machine stays the VMM’s (resource control).`,
	};
}

function emulatedSteps(raised: Raised, phys: number, mine: VmEvent[], namer: Namer, intercept: EventOf<'vmm.intercept'>, real: JourneyEntry): WalkStep[] {
	const steps: WalkStep[] = [];
	const emulate = find(mine, 'vmm.emulate');
	const hypercall = find(mine, 'vmm.hypercall');
	// A para-virtualized kernel's hypercall: no instruction of its was trapped, whatever the VMM then does for it.
	const asked = intercept.category === 'hypercall';
	if (asked) {
		steps.push({
			level: 'vmm',
			title: 'VMM hypercall',
			cell: [hypercall, emulate].flatMap((e) => (e ? [formatRow(e, Number.NaN, namer).vmm] : [])).join('; ') || formatRow(intercept, Number.NaN, namer).vmm,
			explain: `The para-virtualized kernel asks the VMM directly (${hypercall?.name ?? intercept.reason.replace(/^hypercall: /, '')}) instead of executing a sensitive instruction: no instruction to trap and decode — the VMM performs the requested operation${emulate ? ` (${emulate.effect})` : ''}.`,
		});
	} else if (emulate) steps.push(emulateStep(raised, phys, emulate, namer));
	else {
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
			explain: asked
				? `The VMM resumes the kernel at ${shortHex(resume.pc)}: it goes on as after the native instruction the hypercall replaced (equivalence at the OS level, not the ISA's) — ${resume.cost.toLocaleString('en-US')} cycles.`
				: `The VMM resumes the guest at ${shortHex(resume.pc)}: for the guest it is as if the instruction had run on a real machine — ${resume.cost.toLocaleString('en-US')} cycles instead of one instruction’s (the price of interpretation).`,
		});
	} else steps.push(unfinished(real));
	return steps;
}

function reflectedSteps(
	raised: Raised,
	phys: number,
	mine: VmEvent[],
	reflect: EventOf<'vmm.reflect'>,
	virtual: JourneyEntry,
	ring: EventRing,
	journeys: JourneyIndex,
	namer: Namer,
	ctx: WalkContext,
	intercept: EventOf<'vmm.intercept'>,
): WalkStep[] {
	const steps: WalkStep[] = [];
	const pending = deliversPending(intercept, mine);
	if (pending) steps.push(emulateStep(raised, phys, find(mine, 'vmm.emulate')!, namer));
	steps.push({
		level: 'vmm',
		title: 'VMM reflect',
		cell: formatRow(reflect, Number.NaN, namer).vmm,
		explain: pending
			? `A virtual interrupt (${vectorName(reflect.vector)}) was pending for the guest and can be taken now: the VMM delivers it — switches the virtual CPU to virtual supervisor mode and enters ${code(reflect.symbol)}, the handler in the guest’s own (virtual) IDT.`
			: `The exception is the guest’s to handle: the VMM reflects it — switches the virtual CPU to virtual supervisor mode and enters ${code(reflect.symbol)}, the handler in the guest’s own (virtual) IDT.`,
	});
	const delivered = find(mine, 'exception.delivered');
	if (delivered) {
		steps.push({
			level: 'exception',
			title: 'virtual exception',
			cell: formatRow(delivered, Number.NaN, namer).exception,
			explain:
				ctx.vmm === 'hvm'
					? 'The virtual exception reaches the guest OS as a real one would; its handler runs in virtual supervisor mode, which the hybrid VMM interprets: the lecture’s interpretation ii, virtual exception → guest OS.'
					: 'The virtual exception reaches the guest OS as a real one would (the real CPU stays in user mode: U/vS): the lecture’s interpretation ii, virtual exception → guest OS.',
		});
	}
	// The guest OS's work: read off the delivery (in i) and its own journey (ii).
	const os = [...mine, ...events(ring, virtual)].filter((e) => e.kind.startsWith('os.') && e.kind !== 'os.return');
	const ii = virtual.end;
	const closing = ii ? virtual.children.map((c) => journeys.get(c)).find((c) => c?.end !== undefined && c.end.cycle === ii.cycle) : undefined;
	steps.push(osStep(os, namer, virtual.children.length - (closing ? 1 : 0), true, ctx));
	const closingEvents = closing ? events(ring, closing) : [];
	const iret = closingEvents.find((e) => e.kind === 'iret') as EventOf<'iret'> | undefined;
	if (closing && iret) {
		const byHypercall = (find(closingEvents, 'vmm.intercept')?.category ?? '') === 'hypercall';
		const to = iret.symbol ?? shortHex(iret.to);
		steps.push({
			level: 'vmm',
			title: 'return',
			cell: `${formatRow(iret, Number.NaN, namer).exception} (${byHypercall ? 'hypercall' : 'emulated'})`,
			explain: byHypercall
				? `The para-virtualized guest OS returns with a hypercall (journey ${closing.id}) instead of the privileged ${code('iret')}: the VMM performs it — virtual user mode again — resuming the program at ${to}.`
				: `The guest OS’s ${code('iret')} is privileged: it trapped (journey ${closing.id}), and the VMM emulated it — virtual user mode again — resuming the program at ${to}.`,
		});
		return steps;
	}
	// No nested journey: the hybrid VMM interpreted the guest kernel's `iret` (an `iret` row of this journey).
	const interpreted = ii ? ([...events(ring, virtual)].reverse().find((e) => e.kind === 'iret') as EventOf<'iret'> | undefined) : undefined;
	if (interpreted) {
		steps.push({
			level: 'vmm',
			title: 'return',
			cell: `${formatRow(interpreted, Number.NaN, namer).exception} (interpreted)`,
			explain: `The hybrid VMM interprets the guest kernel’s ${code('iret')} as it interprets all of virtual supervisor mode — virtual user mode again — and the program runs directly from ${interpreted.symbol ?? shortHex(interpreted.to)} on (Popek & Goldberg’s hybrid VMM, Theorem 3).`,
		});
	} else steps.push(unfinished(virtual));
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
