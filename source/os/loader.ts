/**
 * The boot loader of the sample kernel: builds the initial memory image that
 * the machine (or a VMM's guest partition) starts from.
 *
 * It is the part of booting that real machines leave to firmware and a boot
 * loader (GRUB and its multiboot information): put the kernel at 0, copy each
 * user program into a region of its own, and tell the kernel where they are
 * through a boot-information table at the kernel's label `boot_info`.
 * The kernel, not the loader, builds the processes from that table.
 *
 * Pure: no machine, no files. Layout and format: docs/os.md.
 */
import type {Program} from '../isa/program.js';
import {UserError} from '../user-error.js';

/** The granule and minimum size of a process region (docs/v32.md §7.1: at least 64 KiB). */
export const REGION_SIZE = 0x10000;
/** Room kept above a program's image for its stack, at least. */
export const MIN_STACK = 0x1000;
/** "V32B" as a little-endian word: the kernel checks it to know the table is there. */
export const BOOT_MAGIC = 0x42323356;

/** Boot-information layout (words), mirrored by the kernel's BI_* constants. */
export const BootInfo = {
	magic: 0,
	memorySize: 4,
	count: 8,
	/** Per-process entries start here, `entrySize` bytes each: base, size, entry. */
	procs: 12,
	entrySize: 16,
	base: 0,
	size: 4,
	entry: 8,
} as const;

/** A process's region: where its program lives in (guest-)physical memory. */
export interface ProcessRegion {
	/** The kernel gives process i (0-based, in program order) pid i + 1. */
	pid: number;
	/** Physical start of the region (the process's `ubase`). */
	base: number;
	/** Bytes in the region (its `ulimit`; its `sp` starts here). */
	size: number;
	/** Where it starts, a user address (its `_start`, else 0). */
	entry: number;
	program: Program;
}

export interface BootImage {
	/** The whole (guest-)physical memory, `memorySize` bytes. */
	image: Uint8Array;
	memorySize: number;
	/** Where the CPU starts, in supervisor mode: the kernel's entry. */
	entry: number;
	/** Address of the boot-information table (the kernel's `boot_info`). */
	bootInfo: number;
	regions: ProcessRegion[];
}

export class LoaderError extends UserError {
	override name = 'LoaderError';
}

/**
 * Lay out memory: the kernel at 0, then one region per user program, each
 * starting on a REGION_SIZE boundary above the kernel and REGION_SIZE bytes
 * long (more, in whole granules, for a program that needs it), then write the
 * boot information. Throws LoaderError when the kernel has no `boot_info`,
 * when there are more programs than the kernel's `MAX_PROCS`, or when memory
 * is too small.
 */
export function buildImage(kernel: Program, users: readonly Program[], memorySize: number): BootImage {
	if (!Number.isInteger(memorySize) || memorySize <= 0 || memorySize % 4 !== 0) {
		throw new LoaderError(`memory size must be a positive multiple of 4, got ${memorySize}`);
	}
	const bootInfo = kernel.labels.get('boot_info');
	if (bootInfo === undefined) {
		throw new LoaderError(`${kernel.file}: the kernel has no label 'boot_info', so it cannot be told about its processes`);
	}
	if (bootInfo % 4 !== 0) throw new LoaderError(`${kernel.file}: 'boot_info' at ${bootInfo} is not word-aligned`);
	const maxProcs = kernel.symbols.get('MAX_PROCS');
	if (maxProcs !== undefined && users.length > maxProcs) {
		throw new LoaderError(`${users.length} user programs, but the kernel runs at most ${maxProcs} (MAX_PROCS)`);
	}
	const infoEnd = bootInfo + BootInfo.procs + BootInfo.entrySize * users.length;
	if (infoEnd > kernel.bytes.length) {
		throw new LoaderError(`${kernel.file}: the boot information for ${users.length} processes runs past the kernel's image`);
	}
	if (kernel.bytes.length > memorySize) {
		throw new LoaderError(`the kernel (${kernel.bytes.length} bytes) does not fit in ${memorySize} bytes of memory`);
	}

	const regions: ProcessRegion[] = [];
	let next = Math.max(REGION_SIZE, alignUp(kernel.bytes.length, REGION_SIZE));
	users.forEach((program, i) => {
		const size = Math.max(REGION_SIZE, alignUp(program.bytes.length + MIN_STACK, REGION_SIZE));
		regions.push({pid: i + 1, base: next, size, entry: program.entry, program});
		next += size;
	});
	if (next > memorySize) {
		throw new LoaderError(
			`${memorySize} bytes of memory are too small for the kernel and ${users.length} process regions: ${next} bytes needed`,
		);
	}

	const image = new Uint8Array(memorySize);
	image.set(kernel.bytes, 0);
	for (const r of regions) image.set(r.program.bytes, r.base);
	const view = new DataView(image.buffer);
	const word = (at: number, value: number) => view.setUint32(at, value >>> 0, true);
	word(bootInfo + BootInfo.magic, BOOT_MAGIC);
	word(bootInfo + BootInfo.memorySize, memorySize);
	word(bootInfo + BootInfo.count, regions.length);
	regions.forEach((r, i) => {
		const at = bootInfo + BootInfo.procs + i * BootInfo.entrySize;
		word(at + BootInfo.base, r.base);
		word(at + BootInfo.size, r.size);
		word(at + BootInfo.entry, r.entry);
	});
	return {image, memorySize, entry: kernel.entry, bootInfo, regions};
}

function alignUp(value: number, granule: number): number {
	return Math.ceil(value / granule) * granule;
}
