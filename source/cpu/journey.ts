/**
 * Exception journeys: the core says which events belong to one exception and
 * what each level cost (issue 12; docs/trace-format.md "Journeys").
 *
 * A journey opens when the CPU raises an exception or takes an interrupt and
 * closes with its return: the `iret` natively, the VMM's `vmm.resume` when the
 * VMM handled the exit itself. When the VMM reflects the exception into a
 * guest, the real exception's journey (the lecture's interpretation i, CPU →
 * VMM) closes at the resume and the virtual exception's journey
 * (interpretation ii, VMM → guest OS) opens there, until the guest's `iret`.
 *
 * Exact by construction: a journey's cycles are charged part by part from
 * the three counters the cycle counter is made of (instructions, extra cycles,
 * idle), so its parts add up to the cycle counter's change. Work happens only
 * at exception boundaries and only while someone listens to `journey.end`
 * (the dashboard, the recorder, `run --journeys`): the fast loop never sees it.
 * Events carry journey ids only then.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {EventOf, JourneyCost, JourneyPart, JourneyType} from '../bus/events.js';

type JourneyEnd = EventOf<'journey.end'>;

/** What the tracker reads of the machine: its clock's three counters. */
export interface Clock {
	instret: number;
	extraCycles: number;
	idle: number;
	guest: number;
	readonly cycles: number;
	readonly costs: {instruction: number};
	bus: EventBus | null;
}

/** Where the extra cycles of a phase go: delivery, VMM work, host OS, return; `handler`: binary translation (VMM). */
export type Phase = 'exception' | 'vmm' | 'host' | 'return' | 'handler' | 'preempted';

interface Frame {
	id: number;
	parent: number | null;
	vector: number;
	type: JourneyType;
	guest: number;
	virtual: boolean;
	/** The real exception's journey this virtual one continues (interpretation i of ii). */
	cause: number | null;
	/** Where it opened (the end's `start`, made when it closes: a frame is reused, the end keeps its own). */
	startCycle: number;
	startInstret: number;
	/** Cycles per part, by PARTS' index (0 until charged). */
	parts: number[];
	/** The parts charged so far, in the order first charged (4 bits each, the first highest): the end's `cost` keeps that order. */
	order: number;
	/** Bit i: part i was charged. */
	seen: number;
	phase: Phase;
	/** The phase to go back to when a preempted frame runs again. */
	resumePhase: Phase;
	markInstret: number;
	markExtra: number;
	markIdle: number;
	markCycle: number;
	/** The VMM reflected an exception into the guest: at the resume, a virtual journey opens. */
	reflected: {vector: number; guest: number} | null;
	/** The guest's `iret` was emulated in this entry: close the parents it returns from too. */
	returns: number;
}

/** Deeper than this, a handler is not returning (a bare program that never `iret`s): close them all. */
const MAX_DEPTH = 256;

export class JourneyTracker {
	/** Last id given; ids increase from 1 per run. */
	private last = 0;
	/** Open journeys of the world running now, innermost last. */
	private stack: Frame[] = [];
	/** Which guest's world `stack` is (-1: the real machine). */
	private world = -1;
	/** Open journeys of the worlds not running (a VMM's other guests). */
	private readonly parked = new Map<number, Frame[]>();
	/** Was the exception raised from (virtual) user mode? No handler can then be open: close stale ones. */
	fromUser: () => boolean;

	constructor(private readonly m: Clock, fromUser: () => boolean) {
		this.fromUser = fromUser;
	}

	/** Someone listens to journeys: only then is there bookkeeping. */
	get on(): boolean {
		return this.m.bus?.wanted['journey.end'] === true;
	}

	/** The journey the machine is in (0: none); events carry it. */
	get current(): number {
		const s = this.stack;
		return s.length === 0 ? 0 : s[s.length - 1]!.id;
	}

	/** The journey an exception raised now would open (for the `exception.raised` event). */
	open(vector: number, type: JourneyType): Frame | null {
		if (!this.on) return null;
		this.follow();
		if (this.fromUser() || this.stack.length >= MAX_DEPTH) {
			this.closeAll();
			this.flushEnds();
		}
		const parent = this.top();
		if (parent) this.charge(parent);
		return this.push(vector, type, false, parent?.id ?? null, null, 'exception');
	}

	/** The extra cycles from now on are `phase`'s. */
	phase(phase: Phase): void {
		const f = this.top();
		if (!f) return;
		this.charge(f);
		f.phase = phase;
	}

	/** The VMM delivered `vector` into guest `guest` (reflect): interpretation ii opens at the resume. */
	reflected(vector: number, guest: number): void {
		const f = this.top();
		if (f) f.reflected = {vector, guest};
	}

	/**
	 * The guest's `iret` (emulated by the VMM): the virtual journeys it returns
	 * from close with the current entry — the innermost, or all of them when it
	 * returns to user mode.
	 */
	guestReturned(toUser: boolean): void {
		const f = this.top();
		if (!f) return;
		let below = 0;
		for (let i = this.stack.length - 2; i >= 0 && this.stack[i]!.virtual; i--) below++;
		f.returns = toUser ? below : Math.min(1, below);
	}

	/** Native `iret`: the innermost journey ends here (all of them when it returns to user mode). */
	returned(toUser: boolean): void {
		if (this.stack.length === 0) return;
		if (toUser) this.closeAll();
		else this.closeAndRelease(this.stack.pop()!);
		this.flushEnds();
	}

	/** `vmm.resume`: the entry's journey ends; a reflected exception continues as a virtual journey. */
	resumed(): void {
		const f = this.stack.pop();
		if (!f) return;
		const end = this.close(f);
		for (let k = 0; k < f.returns && this.stack.length > 0; k++) this.closeAndRelease(this.stack.pop()!);
		if (f.reflected) {
			const {vector, guest} = f.reflected;
			const type: JourneyType = vector === f.vector ? f.type : vector === 32 || vector === 33 ? 'interrupt' : vector === 8 ? 'fault' : 'trap';
			// The virtual journey belongs to the guest it was delivered to, which may not be the one resumed.
			this.follow(guest);
			const parent = this.top();
			if (parent) this.charge(parent);
			end.next = this.push(vector, type, true, parent?.id ?? null, f.id, 'handler').id;
		}
		this.release(f);
		this.follow();
		this.flushEnds();
	}

	/** The machine stopped: every open journey ends. */
	stopped(): void {
		this.closeAll();
		for (const world of [...this.parked.keys()]) {
			this.follow(world);
			this.closeAll();
		}
		this.follow();
		this.flushEnds();
	}

	// ---- internals -------------------------------------------------------------------

	/** Ends waiting for the event that closed them to go out first (two lists swapped, so a flush allocates nothing). */
	private ends: JourneyEnd[] = [];
	private spare: JourneyEnd[] = [];

	private top(): Frame | undefined {
		const s = this.stack;
		// Never `s[-1]`: an index below 0 is a property lookup by name, V8's slow path (every VMM entry asks).
		return s.length === 0 ? undefined : s[s.length - 1];
	}

	private push(vector: number, type: JourneyType, virtual: boolean, parent: number | null, cause: number | null, phase: Phase): Frame {
		const m = this.m;
		// A closed frame is reused; a new one starts blank, in the same shape.
		const f = this.free.pop() ?? blankFrame();
		f.id = ++this.last;
		f.parent = parent;
		f.vector = vector;
		f.type = type;
		f.guest = this.world;
		f.virtual = virtual;
		f.cause = cause;
		f.startCycle = m.cycles;
		f.startInstret = m.instret;
		// Zeroed by a loop, not `fill` (a call into the runtime that cost more than the rest of this function).
		const parts = f.parts;
		for (let i = 0; i < parts.length; i++) parts[i] = 0;
		f.order = 0;
		f.seen = 0;
		f.phase = phase;
		f.resumePhase = phase;
		f.markInstret = m.instret;
		f.markExtra = m.extraCycles;
		f.markIdle = m.idle;
		f.markCycle = m.cycles;
		f.reflected = null;
		f.returns = 0;
		this.stack.push(f);
		return f;
	}

	/** Charge what happened since the frame's marks to its parts. */
	private charge(f: Frame): void {
		const m = this.m;
		const phase = f.phase;
		if (phase === 'preempted') {
			add(f, PREEMPTED, m.cycles - f.markCycle);
		} else {
			add(f, CPU, (m.instret - f.markInstret) * m.costs.instruction);
			add(f, IDLE, m.idle - f.markIdle);
			// In the handler the only extra cycles are the binary translator's scans: VMM work.
			add(f, phase === 'handler' ? VMM : phase === 'exception' ? EXCEPTION : phase === 'vmm' ? VMM : phase === 'host' ? HOST : RETURN, m.extraCycles - f.markExtra);
		}
		this.mark(f);
	}

	/**
	 * The instruction counter was re-based (a transient VMM's detach makes the guest's clock the
	 * real one and moves the emulated instructions' cycles out of the extra cycles, the total
	 * unchanged): shift every open journey's marks with it, so no part is charged the jump.
	 */
	reclock(instretDelta: number, extraDelta: number): void {
		for (const frames of [this.stack, ...this.parked.values()]) {
			for (const f of frames) {
				f.markInstret += instretDelta;
				f.markExtra += extraDelta;
			}
		}
	}

	private mark(f: Frame): void {
		const m = this.m;
		f.markInstret = m.instret;
		f.markExtra = m.extraCycles;
		f.markIdle = m.idle;
		f.markCycle = m.cycles;
	}

	private close(f: Frame): JourneyEnd {
		this.charge(f);
		const m = this.m;
		const parent = this.top();
		if (parent && parent.id === f.parent) {
			// Nested journeys count inside their parent, which waited meanwhile.
			add(parent, NESTED, m.cycles - f.startCycle);
			this.mark(parent);
		}
		const end: JourneyEnd = {
			kind: 'journey.end',
			journey: f.id,
			parent: f.parent,
			vector: f.vector,
			type: f.type,
			virtual: f.virtual,
			cause: f.cause,
			start: {cycle: f.startCycle, instret: f.startInstret},
			cost: costOf(f),
			cycle: m.cycles,
			instret: m.instret,
			guest: f.guest,
		};
		this.ends.push(end);
		return end;
	}

	private closeAll(): void {
		while (this.stack.length > 0) this.closeAndRelease(this.stack.pop()!);
	}

	private closeAndRelease(f: Frame): void {
		this.close(f);
		this.release(f);
	}

	/**
	 * A closed frame, no longer referenced, is kept for the next journey (with its parts array):
	 * flat out they come by the ten thousand a second, and each was two allocations.
	 */
	private release(f: Frame): void {
		if (this.free.length < MAX_DEPTH) this.free.push(f);
	}

	private readonly free: Frame[] = [];

	/** Go to the world of `guest` (default: the one the machine runs): the other one's journeys wait, preempted. */
	private follow(guest = this.m.guest): void {
		if (guest === this.world) return;
		const out = this.top();
		if (out) {
			this.charge(out);
			out.resumePhase = out.phase;
			out.phase = 'preempted';
		}
		if (this.stack.length > 0) this.parked.set(this.world, this.stack);
		this.world = guest;
		this.stack = this.parked.get(guest) ?? [];
		this.parked.delete(guest);
		const back = this.top();
		if (back) {
			this.charge(back);
			back.phase = back.resumePhase;
		}
	}

	/** Ends are emitted after the event that closed them, in the order they closed. */
	private flushEnds(): void {
		const list = this.ends;
		if (list.length === 0) return;
		// Swap first: a listener may close journeys while these go out.
		this.ends = this.spare;
		this.spare = list;
		const bus = this.m.bus;
		if (bus?.wanted['journey.end']) for (let i = 0; i < list.length; i++) bus.emit(list[i]!);
		// Emptied by pops (inlined), not by setting `length` (a slow call, once per exception).
		while (list.length > 0) list.pop();
	}
}

function blankFrame(): Frame {
	return {
		id: 0,
		parent: null,
		vector: 0,
		type: 'trap',
		guest: -1,
		virtual: false,
		cause: null,
		startCycle: 0,
		startInstret: 0,
		parts: [0, 0, 0, 0, 0, 0, 0, 0],
		order: 0,
		seen: 0,
		phase: 'exception',
		resumePhase: 'exception',
		markInstret: 0,
		markExtra: 0,
		markIdle: 0,
		markCycle: 0,
		reflected: null,
		returns: 0,
	};
}

/**
 * The parts a journey's cycles are charged to, by index. Charged as numbers in a fixed array:
 * adding keys to a cost object as parts turned up gave every journey's object its own shape
 * (the tracker's main cost flat out); the object is built once, at the end.
 */
const PARTS: readonly JourneyPart[] = ['cpu', 'exception', 'vmm', 'host', 'return', 'idle', 'nested', 'preempted'];
const CPU = 0;
const EXCEPTION = 1;
const VMM = 2;
const HOST = 3;
const RETURN = 4;
const IDLE = 5;
const NESTED = 6;
const PREEMPTED = 7;

function add(f: Frame, part: number, cycles: number): void {
	if (cycles === 0) return;
	f.parts[part]! += cycles;
	if ((f.seen & (1 << part)) === 0) {
		f.seen |= 1 << part;
		f.order = f.order * 16 + part + 1;
	}
}

/**
 * The journey's cost, its parts in the order first charged (a trace keeps that order: `replay
 * --verify` compares it). One builder per order, made once: a few orders occur, and each builder's
 * objects share one shape (keys added one by one in a loop cost a slow lookup each).
 */
function costOf(f: Frame): JourneyCost {
	let build = costBuilders.get(f.order);
	if (build === undefined) costBuilders.set(f.order, (build = costBuilder(f.order)));
	return build(f.parts);
}

const costBuilders = new Map<number, (parts: number[]) => JourneyCost>();

function costBuilder(order: number): (parts: number[]) => JourneyCost {
	const indices: number[] = [];
	for (let digits = order; digits > 0; digits = Math.floor(digits / 16)) indices.unshift((digits % 16) - 1);
	// The keys are JourneyPart names, never input: the source is ours.
	const fields = indices.map((i) => `${PARTS[i]!}: parts[${i}]`).join(', ');
	return new Function('parts', `return {${fields}};`) as (parts: number[]) => JourneyCost;
}
