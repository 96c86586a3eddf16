/**
 * The journeys of a run, as `vmtop run --json --journeys` prints them: one
 * object per journey, read from the core's `journey.end` events (cpu/journey.ts).
 */
import type {EventBus} from '../bus/event-bus.js';
import type {EventOf, JourneyCost, JourneyType} from '../bus/events.js';

export interface JourneyRecord {
	id: number;
	/** The journey this one is nested in, or null. */
	parent: number | null;
	vector: number;
	kind: JourneyType;
	start: {cycle: number; instret: number};
	end: {cycle: number; instret: number};
	/** Level → cycles; the parts add up to `end.cycle − start.cycle`. */
	cost: JourneyCost;
	guest: number;
	/** The VMM's delivery into a guest (interpretation ii), continuing journey `cause`. */
	virtual: boolean;
	cause: number | null;
}

export function journeyRecord(e: EventOf<'journey.end'>): JourneyRecord {
	return {
		id: e.journey,
		parent: e.parent,
		vector: e.vector,
		kind: e.type,
		start: {cycle: e.start.cycle, instret: e.start.instret},
		end: {cycle: e.cycle, instret: e.instret},
		cost: {...e.cost},
		guest: e.guest,
		virtual: e.virtual,
		cause: e.cause,
	};
}

/** Sum of a journey's parts (what must equal its cycle span). */
export function costTotal(cost: JourneyCost): number {
	let sum = 0;
	for (const v of Object.values(cost)) sum += v ?? 0;
	return sum;
}

/** Collects every journey that ends, in id order at the end. */
export class JourneyLog {
	private readonly list: JourneyRecord[] = [];
	private readonly off: () => void;

	constructor(bus: EventBus) {
		this.off = bus.on('journey.end', (e) => this.list.push(journeyRecord(e)));
	}

	/** Journeys by id (they end innermost first). */
	get journeys(): JourneyRecord[] {
		return [...this.list].sort((a, b) => a.id - b.id);
	}

	dispose(): void {
		this.off();
	}
}
