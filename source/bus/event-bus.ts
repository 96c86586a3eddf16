/**
 * A synchronous, typed event bus with one topic per event kind.
 *
 * Nobody pays for what nobody listens to (Parnas): producers ask `wants(kind)`
 * (a field read) before building an event, and the CPU picks its per-instruction
 * path once per batch, so with no `instruction` subscriber no event object is
 * allocated and no per-instruction work is done.
 */
import {type EventKind, type EventOf, type VmEvent, eventKinds} from './events.js';

type Handler<K extends EventKind> = (event: EventOf<K>) => void;
type AnyHandler = (event: VmEvent) => void;

/**
 * An `instruction` listener that takes the event's fields as arguments (`journey` 0: none), so
 * the traced fetch-execute loop hands an instruction over without building an object — the
 * recorder at detail `full` is the one (millions of events a second).
 */
export type InstructionSink = (pc: number, phys: number, supervisor: boolean, header: number, cycle: number, instret: number, guest: number, journey: number) => void;

export class EventBus {
	/** Per-kind "has at least one listener", read by producers on the hot path. */
	readonly wanted: Record<EventKind, boolean>;
	// Stored as handlers of any event: `on` only files a handler under its own kind.
	private readonly handlers = new Map<EventKind, AnyHandler[]>();
	private dispatching = false;
	/** Events emitted by listeners during a dispatch: the first `queued` slots (an array whose length is never set: that is a slow call each time). */
	private readonly queue: Array<VmEvent | undefined> = [];
	private queued = 0;
	/** Bumped on every (un)subscription so batch loops can notice a change cheaply. */
	version = 0;
	/** The `instruction` listeners when every one is an InstructionSink (then no object is built), else null. */
	private instructionSinks: InstructionSink[] | null = null;
	/** The InstructionSink behind each handler `onInstruction` filed. */
	private readonly sinks = new Map<AnyHandler, InstructionSink>();

	constructor() {
		this.wanted = Object.fromEntries(eventKinds.map((k) => [k, false])) as Record<EventKind, boolean>;
	}

	wants(kind: EventKind): boolean {
		return this.wanted[kind];
	}

	/** Subscribe to one kind. Returns the unsubscribe function. */
	on<K extends EventKind>(kind: K, handler: Handler<K>): () => void {
		const list = [...(this.handlers.get(kind) ?? []), handler as unknown as AnyHandler];
		this.handlers.set(kind, list);
		this.refresh(kind);
		return () => {
			const current = this.handlers.get(kind) ?? [];
			this.handlers.set(
				kind,
				current.filter((h) => h !== (handler as unknown as AnyHandler)),
			);
			this.refresh(kind);
		};
	}

	/** Subscribe to several kinds (default: all but `instruction`) with one handler. */
	onMany(kinds: readonly EventKind[], handler: AnyHandler): () => void {
		const offs = kinds.map((k) => this.on(k, handler as Handler<typeof k>));
		return () => {
			for (const off of offs) off();
		};
	}

	/**
	 * Subscribe to `instruction` with a sink that takes the fields (InstructionSink). It gets
	 * every instruction event in subscription order with the other listeners, built as an
	 * object only when one of those wants it (`emit` of an object still reaches the sink).
	 */
	onInstruction(sink: InstructionSink): () => void {
		const handler: AnyHandler = (e) => {
			if (e.kind === 'instruction') sink(e.pc, e.phys, e.supervisor, e.header, e.cycle, e.instret, e.guest, e.journey ?? 0);
		};
		this.sinks.set(handler, sink);
		const off = this.on('instruction', handler);
		return () => {
			off();
			this.sinks.delete(handler);
		};
	}

	/**
	 * The `instruction` event, its fields as arguments: passed straight to the sinks when only
	 * sinks listen, else built once and emitted. Same order and queueing as `emit`.
	 */
	emitInstruction(pc: number, phys: number, supervisor: boolean, header: number, cycle: number, instret: number, guest: number, journey: number): void {
		const sinks = this.instructionSinks;
		if (sinks === null || this.dispatching) {
			this.emit(
				journey === 0
					? {kind: 'instruction', pc, phys, supervisor, header, cycle, instret, guest}
					: {kind: 'instruction', pc, phys, supervisor, header, cycle, instret, guest, journey},
			);
			return;
		}
		this.dispatching = true;
		try {
			for (let i = 0; i < sinks.length; i++) sinks[i]!(pc, phys, supervisor, header, cycle, instret, guest, journey);
			for (let i = 0; i < this.queued; i++) this.deliver(this.queue[i]!);
		} finally {
			if (this.queued !== 0) this.clearQueue();
			this.dispatching = false;
		}
	}

	/**
	 * Deliver an event to the listeners of its kind, in subscription order.
	 * An event emitted by a listener (the OS observer derives `os.*` events from
	 * `exception.delivered`) waits until the current one has reached every
	 * listener, so every subscriber sees causes before their effects.
	 */
	emit(event: VmEvent): void {
		if (this.dispatching) {
			this.queue[this.queued++] = event;
			return;
		}
		this.dispatching = true;
		try {
			this.deliver(event);
			// Listeners of a queued event may queue more: `queued` is read again each time.
			for (let i = 0; i < this.queued; i++) this.deliver(this.queue[i]!);
		} finally {
			if (this.queued !== 0) this.clearQueue();
			this.dispatching = false;
		}
	}

	/** Empty the queue, keeping no event alive. */
	private clearQueue(): void {
		for (let i = 0; i < this.queued; i++) this.queue[i] = undefined;
		this.queued = 0;
	}

	private deliver(event: VmEvent): void {
		const list = this.handlers.get(event.kind);
		if (list === undefined) return;
		// The array is replaced, never mutated, on (un)subscribe: iterating a snapshot is safe. Most kinds
		// have one listener (the dashboard's store): called without a loop.
		if (list.length === 1) {
			list[0]!(event);
			return;
		}
		for (let i = 0; i < list.length; i++) list[i]!(event);
	}

	private refresh(kind: EventKind): void {
		const list = this.handlers.get(kind) ?? [];
		this.wanted[kind] = list.length > 0;
		if (kind === 'instruction') {
			const sinks = list.map((h) => this.sinks.get(h));
			this.instructionSinks = list.length > 0 && sinks.every((s) => s !== undefined) ? (sinks as InstructionSink[]) : null;
		}
		this.version++;
	}
}

/** Every kind except the per-instruction one. */
export const kindsExceptInstruction: EventKind[] = eventKinds.filter((k) => k !== 'instruction');
