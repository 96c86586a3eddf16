/**
 * Where each program's image lies in physical memory, and naming code by the
 * physical address it was fetched from.
 *
 * The CPU's mode does not say whose code runs: under a VMM the guest kernel
 * runs in real user mode, like its processes. A physical address does: it
 * lies in the kernel's image or in one process's region (source/os/loader.ts),
 * inside one guest's partition (source/vmm/partition.ts). The map is plain
 * data, so a trace header keeps it and a replay names code as the live run did.
 */
import {type Program, Symbolizer, hex} from '../isa/program.js';
import type {ProcessRegion} from '../os/loader.js';

/** One program's image in real memory. */
export interface CodeArea {
	/** Real physical address of the image's byte 0 (its labels count from there). */
	start: number;
	/** Bytes of the image. */
	size: number;
	/** Its label table: a key of `Simulation.symbolTables()` (a trace header's `symbols`). */
	symbols: string;
	/** The guest whose memory holds it (-1: the bare machine). */
	guest: number;
	/** The process that runs it (the loader's pid), 0 for the kernel or a bare program. */
	pid: number;
}

/** The kernel at guest-physical 0 and each process in its region, as the loader placed them. */
export function bootCodeMap(kernel: Program, regions: readonly ProcessRegion[]): CodeArea[] {
	return [
		{start: 0, size: kernel.bytes.length, symbols: kernel.file, guest: -1, pid: 0},
		...regions.map((r) => ({start: r.base, size: r.program.bytes.length, symbols: r.program.file, guest: -1, pid: r.pid})),
	];
}

export class CodeNames {
	private readonly areas: Array<CodeArea & {names: Symbolizer}>;

	constructor(map: readonly CodeArea[], tables: Record<string, Record<string, number>>) {
		const byTable = new Map<string, Symbolizer>();
		const names = (key: string): Symbolizer => {
			let s = byTable.get(key);
			if (!s) byTable.set(key, (s = new Symbolizer(new Map(Object.entries(tables[key] ?? {})))));
			return s;
		};
		this.areas = map.map((a) => ({...a, names: names(a.symbols)}));
	}

	/** No map at all (a simulation that does not say where its programs are). */
	get empty(): boolean {
		return this.areas.length === 0;
	}

	/** `schedule+0x8` for the code at a real physical address; undefined when no image holds it. */
	physical(phys: number): string | undefined {
		const at = phys >>> 0;
		// Events name the same few addresses over and over (flat out, a hundred thousand a second).
		const known = this.named.get(at);
		if (known !== undefined || this.named.has(at)) return known;
		const area = this.areas.find((a) => at >= a.start && at < a.start + a.size);
		const name = area?.names.name(at - area.start);
		if (this.named.size >= NAMES_KEPT) this.named.clear();
		this.named.set(at, name);
		return name;
	}

	private readonly named = new Map<number, string | undefined>();

	/** The process whose image holds real physical `phys` (0: the kernel); undefined when no image holds it. */
	pidAt(phys: number): number | undefined {
		const at = phys >>> 0;
		return this.areas.find((a) => at >= a.start && at < a.start + a.size)?.pid;
	}

	/** A user address of process `pid` of `guest`, by its program's labels; undefined for a pid not in the map. */
	process(guest: number, pid: number, pc: number): string | undefined {
		if (pid <= 0) return undefined;
		return this.areas.find((a) => a.guest === guest && a.pid === pid)?.names.name(pc >>> 0);
	}
}

/**
 * The name of the instruction at `pc` fetched from `phys`: by the image that
 * holds `phys` (a hex `pc` outside every image), or by `fallback` when the
 * physical address or the map is not known.
 */
export function instructionName(names: CodeNames | undefined, phys: number, pc: number, fallback: () => string): string {
	return imageName(names, phys, pc) ?? fallback();
}

/** instructionName without the fallback: undefined when the physical address or the map is not known (no closure to make per event). */
export function imageName(names: CodeNames | undefined, phys: number, pc: number): string | undefined {
	if (names === undefined || names.empty || !Number.isFinite(phys)) return undefined;
	return names.physical(phys) ?? hex(pc);
}

/** Names kept per map (the code of a run has a few hundred addresses that raise, return or are named). */
const NAMES_KEPT = 4096;
