/**
 * The translating engine: the lecture's line between interpretation and
 * translation, applied to the simulator itself. Code starts interpreted; every
 * block entry is counted, and an entry reached HOT times becomes a region
 * (region.ts) compiled to one JavaScript function (compile.ts). Later entries
 * there run the function instead of the interpreter.
 *
 * A translation is dropped when any slot it was made from changes — a store
 * (self-modifying code, the VMM writing guest memory), a binary-translation
 * patch, a reload — through the decoded cache's own invalidation, so the
 * interpreter and translated code always run the same decoded instructions and
 * the decode hook fires at the same moments under both engines.
 *
 * Slices: `execute(count)` stands for the interpreter's `interpret(count)` and
 * ends the slice wherever the interpreter's would observably end (a fault, a
 * system instruction the interpreter runs, an interrupt made takeable), so
 * time, interrupts and exception loops are counted the same.
 */
import {Op} from '../../isa/opcodes.js';
import type {Machine} from '../machine.js';
import {UNDECODED} from '../decoded-cache.js';
import {EXIT_COUNT} from '../engine.js';
import {END_SLICE, LEFT, type RegionFunction, compileRegion} from './compile.js';
import {type Where, findRegion} from './region.js';

/** Block entries before a region is translated. */
const HOT = 16;
/** hits[] value for an entry never to translate (untranslatable, or dropped too often). */
const NEVER = 255;
/** Translations of one entry dropped this often (self-modifying code) stop being retried. */
const MAX_DROPS = 4;
/** More regions than this and all are dropped (a program that keeps finding new code). */
const MAX_REGIONS = 4096;
/** Interpreted blocks are cut at this many instructions, to count the entries after them. */
const MAX_INTERPRETED_BLOCK = 64;

interface Region {
	key: number;
	/** Its index in `Translation.slots`. */
	slot: number;
	/** Physical word of its entry. */
	entry: number;
	fn: RegionFunction;
	supervisor: boolean;
	base: number;
	/** The end of its last instruction: the fetch limit must not be below it. */
	maxEnd: number;
	/** Words whose change drops it (the marks it holds in `code.translated`). */
	words: Int32Array;
}

export interface TranslationStats {
	/** Regions compiled. */
	compiled: number;
	/** Regions dropped because code they were made from changed. */
	dropped: number;
	/** Instructions executed by translated code. */
	translated: number;
}

export class Translation {
	/** How the last region function returned (compile.ts: LEFT, BUDGET, HANDOFF, END_SLICE). */
	status = LEFT;
	/** Bumped whenever a region is dropped: translated code that sees it change after a store leaves. */
	gen = 0;
	readonly stats: TranslationStats = {compiled: 0, dropped: 0, translated: 0};
	private readonly regions = new Map<number, Region>();
	/**
	 * The hot lookup: per entry word × 2 + supervisor, 1 + the region's slot, 0 for none.
	 * A typed array read instead of a Map lookup on every transition between regions.
	 */
	private readonly entries: Int32Array;
	private readonly slots: Array<Region | null> = [];
	/**
	 * Per slot, what `execute` reads on every transition, kept apart from the Region objects (one
	 * array read each, no object to load): the function, its base (| 0) and the end of its code
	 * (at most the memory size: a region's code lies below its fetch limit).
	 */
	private fns: RegionFunction[] = [];
	private slotBase: Int32Array = new Int32Array(64);
	private slotEnd: Int32Array = new Int32Array(64);
	private readonly freeSlots: number[] = [];
	/** fetchLimit() for the ubase/ulimit it was computed from (they change rarely: mtcr, a world switch). */
	private limitFor = {ubase: -1, ulimit: -1, limit: 0};
	/** Block entries seen, per physical word (saturating; NEVER = do not translate). */
	private readonly hits: Uint8Array;
	private readonly drops = new Map<number, number>();
	private readonly marks: Uint16Array;

	constructor(
		private readonly m: Machine,
		private readonly hot = HOT,
	) {
		const words = m.code.words;
		this.hits = new Uint8Array(words);
		this.marks = new Uint16Array(words);
		this.entries = new Int32Array(words * 2);
		m.code.translated = this.marks;
		m.code.onTranslatedChange = (w) => this.dropCovering(w);
	}

	/** Run up to `count` instructions of one slice (the interpreter's `interpret`, faster). */
	execute(count: number): void {
		const m = this.m;
		const entries = this.entries;
		const size = m.memorySize;
		let left = count;
		let translated = 0;
		// After a region hands over (BUDGET, HANDOFF), the interpreter runs next, at the new pc.
		let handedOver = false;
		while (left > 0) {
			const supervisor = m.supervisor;
			const pc = m.pc >>> 0;
			const base = supervisor ? 0 : m.ubase >>> 0;
			const phys = base + pc;
			const w = phys >>> 2;
			const aligned = (pc & 3) === 0 && phys + 4 <= size;
			if (aligned && !handedOver) {
				const slot = entries[(w << 1) | (supervisor ? 1 : 0)]! - 1;
				if (slot >= 0 && this.slotBase[slot] === (base | 0) && (supervisor || this.slotEnd[slot]! <= this.fetchLimit())) {
					const ran = this.fns[slot]!(m, left);
					left -= ran;
					translated += ran;
					const status = this.status;
					if (status === LEFT) continue;
					if (status === END_SLICE) break;
					// BUDGET or HANDOFF: the interpreter takes over, in this slice.
					handedOver = true;
					continue;
				} else if (this.hits[w]! < NEVER && ++this.hits[w]! >= this.hot) {
					if (this.translate(pc, phys, supervisor, base)) continue;
				}
			}
			const before = m.instret;
			handedOver = false;
			const exit = m.interpret(Math.min(left, aligned ? this.blockLength(w) : 1));
			left -= m.instret - before;
			if (exit !== EXIT_COUNT) break;
		}
		this.stats.translated += translated;
	}

	/** Drop every translation (a new profile changes what is privileged). */
	flush(): void {
		for (const region of [...this.regions.values()]) this.remove(region);
		this.hits.fill(0);
	}

	/** Compile the region at `pc`; false (and never again) when nothing there can be translated. */
	private translate(pc: number, phys: number, supervisor: boolean, base: number): boolean {
		const m = this.m;
		const where: Where = {supervisor, base, limit: supervisor ? m.memorySize : this.fetchLimit()};
		const mode = supervisor ? 1 : 0;
		const blocks = findRegion(m, pc, where, (to) => {
			const r = this.regions.get((base + to) * 2 + mode);
			return r !== undefined && r.base === base;
		});
		const w = phys >>> 2;
		if (blocks.length === 0 || blocks[0]!.entry !== pc) {
			this.hits[w] = NEVER;
			return false;
		}
		if (this.regions.size >= MAX_REGIONS) this.flush();
		const key = phys * 2 + (supervisor ? 1 : 0);
		const old = this.regions.get(key);
		if (old) this.remove(old);
		const words: number[] = [];
		let maxEnd = 0;
		for (const block of blocks) {
			for (const ins of block.insns) {
				// A store to any word the instruction takes drops its slot (decoded-cache.ts): each is marked.
				for (let k = 0; k < ins.size >>> 2; k++) words.push(ins.w + k);
				maxEnd = Math.max(maxEnd, ins.pc + ins.size);
			}
		}
		const region: Region = {
			key,
			slot: this.freeSlots.pop() ?? this.slots.length,
			entry: w,
			fn: compileRegion(blocks, where, m.memorySize),
			supervisor,
			base,
			maxEnd,
			words: Int32Array.from(words.filter((x) => x < this.marks.length)),
		};
		for (const x of region.words) this.marks[x]!++;
		this.regions.set(key, region);
		this.slots[region.slot] = region;
		this.setSlot(region.slot, region.fn, base, maxEnd);
		this.entries[w * 2 + (supervisor ? 1 : 0)] = region.slot + 1;
		this.stats.compiled++;
		return true;
	}

	private setSlot(slot: number, fn: RegionFunction, base: number, end: number): void {
		if (slot >= this.slotBase.length) {
			const grow = (a: Int32Array): Int32Array => {
				const b = new Int32Array(a.length * 2);
				b.set(a);
				return b;
			};
			this.slotBase = grow(this.slotBase);
			this.slotEnd = grow(this.slotEnd);
		}
		this.fns[slot] = fn;
		this.slotBase[slot] = base | 0;
		this.slotEnd[slot] = end;
	}

	/** The interpreter's fetch limit in user mode (machine.ts `interpret`). */
	private fetchLimit(): number {
		const m = this.m;
		const known = this.limitFor;
		if (known.ubase === m.ubase && known.ulimit === m.ulimit) return known.limit;
		const size = m.memorySize;
		const base = m.ubase >>> 0;
		known.ubase = m.ubase;
		known.ulimit = m.ulimit;
		known.limit = Math.max(0, Math.min(Math.min(m.ulimit >>> 0, size), size - base)) & ~3;
		return known.limit;
	}

	/**
	 * Instructions up to the end of the basic block at word w, read from the
	 * decoded cache (an undecoded slot counts as one and ends it: the
	 * interpreter decodes it). The interpreter stops by itself at system
	 * instructions.
	 */
	private blockLength(w: number): number {
		const code = this.m.code;
		const op = code.op;
		const words = code.words;
		let length = 0;
		while (length < MAX_INTERPRETED_BLOCK && w < words) {
			const o = op[w]!;
			length++;
			// Anything but nop … pop ends the block: a branch, a system instruction, undecoded.
			if (o === UNDECODED || o > Op.pop) break;
			w += code.size[w]! >>> 2;
		}
		return Math.max(1, length);
	}

	/** A slot translated code was made from changed: drop every region holding word w. */
	private dropCovering(w: number): void {
		for (const region of [...this.regions.values()]) {
			if (!region.words.includes(w)) continue;
			this.remove(region);
			this.stats.dropped++;
			const entry = region.entry;
			const drops = (this.drops.get(entry) ?? 0) + 1;
			this.drops.set(entry, drops);
			// Code that keeps rewriting itself stays interpreted.
			this.hits[entry] = drops >= MAX_DROPS ? NEVER : 0;
		}
	}

	private remove(region: Region): void {
		if (this.regions.get(region.key) !== region) return;
		this.regions.delete(region.key);
		this.entries[region.entry * 2 + (region.supervisor ? 1 : 0)] = 0;
		this.slots[region.slot] = null;
		this.freeSlots.push(region.slot);
		for (const x of region.words) this.marks[x]!--;
		this.gen++;
	}
}
