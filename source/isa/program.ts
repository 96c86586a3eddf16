/** An assembled program: bytes to load, where to start, and its symbol table. */
import {UserError} from '../user-error.js';
export interface Program {
	/** The file it came from (for messages and symbol names). */
	file: string;
	/** The memory image, starting at address 0 (`.org` leaves zero bytes). */
	bytes: Uint8Array;
	/** Where execution starts: label `_start` if defined, else 0. */
	entry: number;
	/** Labels and `.equ` names → values. Labels are addresses. */
	symbols: Map<string, number>;
	/** Only the labels (code/data addresses), for naming code: `sys_write+0x8`. */
	labels: Map<string, number>;
	/** Source line of each emitted instruction or data item, by address. */
	lines: Map<number, number>;
}

/** An assembler error: `file.s:LINE:COL: message`. Lines and columns count from 1. */
export interface AsmError {
	file: string;
	line: number;
	col: number;
	message: string;
}

export function formatAsmError(e: AsmError): string {
	return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

/** Thrown (by callers that prefer exceptions) when a file does not assemble. */
export class AssemblyFailed extends UserError {
	constructor(readonly errors: AsmError[]) {
		super(errors.map(formatAsmError).join('\n'));
		this.name = 'AssemblyFailed';
	}
}

/** Names a Symbolizer remembers (the labels never change: a name, once made, stays right). */
const NAMES_KEPT = 4096;

/**
 * Names an address by the nearest label at or below it: `sys_write+0x8`.
 * Built once per program; lookups are a binary search.
 */
export class Symbolizer {
	private readonly addrs: number[];
	private readonly names: string[];

	constructor(labels: Map<string, number>, offset = 0) {
		const entries = [...labels.entries()].sort((x, y) => x[1] - y[1] || x[0].localeCompare(y[0]));
		this.addrs = entries.map((e) => e[1] + offset);
		this.names = entries.map((e) => e[0]);
	}

	/** The label and offset for `addr`, or a hex address when no label precedes it. */
	name(addr: number): string {
		// Events name the same few return addresses and handlers over and over: each is formatted once.
		let known = this.named.get(addr);
		if (known === undefined) {
			if (this.named.size >= NAMES_KEPT) this.named.clear();
			this.named.set(addr, (known = this.lookup(addr)));
		}
		return known;
	}

	private readonly named = new Map<number, string>();

	private lookup(addr: number): string {
		let lo = 0;
		let hi = this.addrs.length - 1;
		let found = -1;
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (this.addrs[mid]! <= addr) {
				found = mid;
				lo = mid + 1;
			} else hi = mid - 1;
		}
		if (found < 0) return hex(addr);
		const delta = addr - this.addrs[found]!;
		return delta === 0 ? this.names[found]! : `${this.names[found]}+0x${delta.toString(16)}`;
	}

	/** The exact address of a label, if any. */
	addressOf(name: string): number | undefined {
		const i = this.names.indexOf(name);
		return i < 0 ? undefined : this.addrs[i];
	}
}

export function hex(value: number, digits = 8): string {
	return '0x' + (value >>> 0).toString(16).padStart(digits, '0');
}
