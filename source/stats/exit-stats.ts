/**
 * VMM exit statistics, as kvm_stat and `perf kvm stat` show them: every VMM
 * entry counted by reason, per guest, with its mean cost in cycles. A bus
 * subscriber: it sees `vmm.intercept` (an entry and its reason) and
 * `vmm.resume` (back to the guest, with the cycles the entry cost). An entry is
 * one journey (cpu/journey.ts): its intercept and resume carry the same id.
 * Imported and version 1 traces have none: their entries pair up per guest.
 */
import type {EventBus} from '../bus/event-bus.js';
import type {EventOf, ExitCategory} from '../bus/events.js';

export interface ExitRow {
	reason: string;
	category: ExitCategory;
	/** Guest index, or -1 for all guests together. */
	guest: number;
	count: number;
	/** Share of all entries (0–1) within the same guest scope. */
	share: number;
	/** Entries per simulated second (nominal clock: 1 cycle = 1 ns). */
	perSecond: number;
	/** Mean cycles per entry, from intercept to resume. */
	meanCycles: number;
	totalCycles: number;
}

/** The exit row of the hybrid VMM's interpreted instructions (the reason source/vmm/interpret.ts names). */
export const INTERPRET_ROW = 'interpret: kernel instruction';

/** Simulated clock used for rates, so headless output is deterministic. */
export const CYCLES_PER_SECOND = 1e9;

interface Cell {
	category: ExitCategory;
	count: number;
	cycles: number;
}

export class ExitStats {
	private readonly byGuest = new Map<number, Map<string, Cell>>();
	/** Entries not resumed yet, by journey id (`g` + guest without one). */
	private readonly open = new Map<number | string, {reason: string; cycle: number; guest: number}>();
	private lastCycle = 0;
	private firstCycle = -1;
	private readonly offs: Array<() => void> = [];

	constructor(bus?: EventBus) {
		if (bus) this.attach(bus);
	}

	attach(bus: EventBus): void {
		this.offs.push(
			bus.on('vmm.intercept', (e) => this.intercept(e)),
			bus.on('vmm.resume', (e) => this.resume(e)),
			bus.on('vmm.interpret', (e) => this.interpret(e)),
		);
	}

	/**
	 * The hybrid VMM interpreted guest-kernel instructions: one row, `interpret: kernel
	 * instruction`, counting instructions (not entries — nothing trapped) and their cycles.
	 */
	interpret(e: EventOf<'vmm.interpret'>): void {
		const cells = this.byGuest.get(e.guest) ?? new Map<string, Cell>();
		this.byGuest.set(e.guest, cells);
		const cell = cells.get(INTERPRET_ROW) ?? {category: 'interpret', count: 0, cycles: 0};
		cells.set(INTERPRET_ROW, cell);
		cell.count += e.count;
		cell.cycles += e.cost;
		if (this.firstCycle < 0) this.firstCycle = e.cycle;
		this.lastCycle = Math.max(this.lastCycle, e.cycle);
	}

	detach(): void {
		for (const off of this.offs.splice(0)) off();
	}

	intercept(e: EventOf<'vmm.intercept'>): void {
		const cells = this.byGuest.get(e.guest) ?? new Map<string, Cell>();
		this.byGuest.set(e.guest, cells);
		const cell = cells.get(e.reason) ?? {category: e.category, count: 0, cycles: 0};
		cells.set(e.reason, cell);
		cell.count++;
		this.open.set(e.journey ?? `g${e.guest}`, {reason: e.reason, cycle: e.cycle, guest: e.guest});
		if (this.firstCycle < 0) this.firstCycle = e.cycle;
		this.lastCycle = Math.max(this.lastCycle, e.cycle);
	}

	resume(e: EventOf<'vmm.resume'>): void {
		const key = e.journey ?? `g${e.guest}`;
		const open = this.open.get(key);
		if (!open) return;
		this.open.delete(key);
		const cell = this.byGuest.get(open.guest)?.get(open.reason);
		if (cell) cell.cycles += e.cycle - open.cycle;
		this.lastCycle = Math.max(this.lastCycle, e.cycle);
	}

	reset(): void {
		this.byGuest.clear();
		this.open.clear();
		this.firstCycle = -1;
		this.lastCycle = 0;
	}

	/** Total entries (all guests, or one): interpreted instructions are not entries. */
	total(guest?: number): number {
		let sum = 0;
		for (const [g, cells] of this.byGuest) {
			if (guest !== undefined && g !== guest) continue;
			for (const cell of cells.values()) if (cell.category !== 'interpret') sum += cell.count;
		}
		return sum;
	}

	/**
	 * Rows per reason, most frequent first. `guest` undefined: all guests
	 * merged (guest = -1 in the rows); a number: that guest only. `elapsedCycles`
	 * sets the rate's time base (default: the cycles the run has seen).
	 */
	rows(guest?: number, elapsedCycles?: number): ExitRow[] {
		const merged = new Map<string, Cell>();
		for (const [g, cells] of this.byGuest) {
			if (guest !== undefined && g !== guest) continue;
			for (const [reason, cell] of cells) {
				const m = merged.get(reason) ?? {category: cell.category, count: 0, cycles: 0};
				m.count += cell.count;
				m.cycles += cell.cycles;
				merged.set(reason, m);
			}
		}
		// Shares are of entries; the interpreter's row counts instructions, its share is left at 0.
		const total = [...merged.values()].reduce((s, c) => s + (c.category === 'interpret' ? 0 : c.count), 0);
		const span = elapsedCycles ?? this.lastCycle;
		const seconds = span > 0 ? span / CYCLES_PER_SECOND : 0;
		return [...merged.entries()]
			.map(([reason, c]) => ({
				reason,
				category: c.category,
				guest: guest ?? -1,
				count: c.count,
				share: total > 0 && c.category !== 'interpret' ? c.count / total : 0,
				perSecond: seconds > 0 ? c.count / seconds : 0,
				meanCycles: c.count > 0 ? c.cycles / c.count : 0,
				totalCycles: c.cycles,
			}))
			.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
	}

	/** Guests seen, in order. */
	guests(): number[] {
		return [...this.byGuest.keys()].sort((a, b) => a - b);
	}
}
