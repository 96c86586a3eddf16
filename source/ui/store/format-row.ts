/**
 * One event → the text of its row, one cell per level, so an exception's
 * journey reads across the columns: the faulting instruction under CPU, the
 * exception under Exceptions, the handler under OS or VMM.
 */
import type {Level, VmEvent} from '../../bus/events.js';
import {vectorName} from '../../isa/opcodes.js';
import type {RunDescription} from '../../sim/simulation.js';
import {BT_VECTOR} from '../../vmm/translator.js';
import {builtinProfiles, pentiumSensitive} from '../../isa/profiles.js';

export type RowCells = Record<Level, string>;

/** What formatting needs from the source: names and disassembly. */
export interface Namer {
	/** Code by the (virtual) mode it runs in: an exception handler, an `iret` target. */
	symbolize(guest: number, supervisor: boolean, pc: number): string;
	/**
	 * The instruction at `pc`, fetched from physical `phys` (NaN when unknown), named by the program
	 * whose image is there: the real mode cannot tell, a VMM's guest kernel runs in user mode.
	 */
	symbolizeInstruction(guest: number, supervisor: boolean, pc: number, phys: number): string;
	/** A user address of process `pid`, by its program's labels (whoever runs when the row is drawn). */
	symbolizeProcess(guest: number, pid: number, pc: number): string;
	disassemble(phys: number): string | undefined;
	/** Nested runs (issue 17 §2): the VMM level that handles this event, as a row tag like `L1/2`; undefined otherwise. */
	depthTag?(e: VmEvent): string | undefined;
	/**
	 * Under a VMM: is the code at real physical `phys` the guest's kernel (true: virtual S), one of its
	 * processes (false: virtual U), or unknown (undefined)? Absent natively.
	 */
	virtualSupervisor?(guest: number, phys: number): boolean | undefined;
	/**
	 * Under a VMM, for a sensitive instruction that is not privileged on this profile (so it ran directly,
	 * no trap): what the guest saw instead of its virtual state. Absent or undefined otherwise.
	 */
	sensitiveNote?(mnemonic: string): string | undefined;
}

/**
 * The depth tag of a nested run's row (issue 17 §2): `L1/2` = the level-1 VMM (on the real machine) of a
 * stack of 2. Rows of vmtop's VMM, and on the bare machine the real exceptions (each one an exit of the
 * outermost mini-vmm), belong to level 1; the inner levels run as guest code and have no rows of their own.
 */
export function nestedDepthTag(d: RunDescription, e: VmEvent): string | undefined {
	const levels = d.nesting;
	if (!levels || levels.length === 0) return undefined;
	const vmmRow = e.kind.startsWith('vmm.') || (e.kind === 'exception.raised' && d.vmm === 'none');
	return vmmRow ? `L1/${levels.length}` : undefined;
}

/** What a sensitive but unprivileged instruction gives a guest run directly (docs/v32.md §6). */
export const sensitiveEffects: Record<string, string> = {
	pushf: 'pushed the real FLAGS (real mode U, real IF)',
	popf: 'left IF and S silently unchanged',
	sidt: 'read the real idt (the VMM’s)',
	smsw: 'the guest saw the real mode (U)',
};

/** The same, had it run directly: why binary translation patches it (journey mode). */
export const wouldEffects: Record<string, string> = {
	pushf: 'it would push the real FLAGS (real mode U, real IF)',
	popf: 'its change of IF would be silently lost',
	sidt: 'it would read the real idt (the VMM’s)',
	smsw: 'the guest would see the real mode (U)',
};

export function shortHex(value: number): string {
	return '0x' + (value >>> 0).toString(16);
}

const empty = (): RowCells => ({cpu: '', exception: '', os: '', vmm: '', host: ''});

/**
 * `U main+0x8  add r1, r1, 0x1`: the real mode (U for a VMM's guest kernel too), symbol, disassembly.
 * `symbol`: the name the event carries (given when it happened, trace v2); without it (version 1), named now.
 */
export function instructionText(namer: Namer, guest: number, supervisor: boolean, pc: number, phys: number, symbol?: string): string {
	const where = symbol ?? namer.symbolizeInstruction(guest, supervisor, pc, phys);
	const text = namer.disassemble(phys);
	return `${modeText(namer, guest, supervisor, phys)} ${where}${text ? '  ' + text : ''}`;
}

/** `S`, `U`, or under a VMM both modes: `U/vS` (the guest's kernel: real U, virtual S), `U/vU`. */
export function modeText(namer: Namer, guest: number, supervisor: boolean, phys: number): string {
	if (supervisor) return 'S';
	const virtual = Number.isFinite(phys) ? namer.virtualSupervisor?.(guest, phys) : undefined;
	return virtual === undefined ? 'U' : virtual ? 'U/vS' : 'U/vU';
}

/** `⚠ …` for a sensitive unprivileged instruction that ran directly under a VMM; '' otherwise. */
function sensitiveMark(namer: Namer, phys: number): string {
	if (!namer.sensitiveNote) return '';
	const mnemonic = (namer.disassemble(phys) ?? '').split(/\s+/)[0] ?? '';
	const note = mnemonic ? namer.sensitiveNote(mnemonic) : undefined;
	return note ? `  ⚠ ${note}` : '';
}

/**
 * `sensitive, not privileged on pentium: ran directly — the guest saw the real mode (U)` for a sensitive
 * instruction the run's profile leaves unprivileged, under a VMM that lets it run (trap: nothing
 * patches it); undefined otherwise. A profile from a file is not known here: no mark.
 */
export function sensitiveNote(d: {vmm: string; isa: string}, mnemonic: string): string | undefined {
	if (d.vmm !== 'trap') return undefined;
	const profile = builtinProfiles[d.isa];
	if (!profile || !(pentiumSensitive as readonly string[]).includes(mnemonic) || profile.privileged.has(mnemonic as never)) return undefined;
	return `sensitive, not privileged on ${d.isa}: ran directly — ${sensitiveEffects[mnemonic]}`;
}

/** A patch of the binary translator: the instruction at `phys` is not the `int` the CPU raised. */
function patched(namer: Namer, vector: number, phys: number): boolean {
	if (vector !== BT_VECTOR) return false;
	const text = namer.disassemble(phys);
	return text !== undefined && !text.startsWith('int ');
}

function printable(value: number): string {
	const c = value & 0xff;
	if (c === 10) return " '\\n'";
	return c >= 32 && c < 127 ? ` '${String.fromCharCode(c)}'` : '';
}

/** An event as row text. The core says what it needs to know: an interrupt is `type: 'interrupt'` (trace v2). */
export function formatRow(e: VmEvent, phys: number, namer: Namer): RowCells {
	const cells = empty();
	switch (e.kind) {
		case 'instruction':
			cells.cpu = instructionText(namer, e.guest, e.supervisor, e.pc, e.phys) + sensitiveMark(namer, e.phys);
			break;
		case 'exception.raised':
			cells.cpu = instructionText(namer, e.guest, e.supervisor, e.pc, phys, e.symbol);
			// The instruction appears once, on this row: it trapped (its own `instruction` row is hidden).
			if (e.type === 'interrupt') cells.cpu = `before ${cells.cpu}`;
			else if (patched(namer, e.vector, phys)) cells.cpu = `${cells.cpu} ⇒ int 0x${BT_VECTOR.toString(16)} (patched)`;
			else if (e.type !== undefined) cells.cpu = `${cells.cpu} (trapped)`;
			// The journey it opens (trace v2): the id `f journey:N` and the cooperation panel's title use.
			cells.exception = `${vectorName(e.vector)} raised${e.type ? ` (${e.type})` : ''}${e.vector === 13 ? ` @${shortHex(e.badaddr)}` : ''}${
				e.journey === undefined ? '' : ` · journey ${e.journey}`
			}`;
			break;
		case 'exception.delivered':
			cells.exception = `${vectorName(e.vector)} → ${namer.symbolize(e.guest, true, e.handler)}`;
			break;
		case 'iret':
			// Named when it happened (trace v2), else by where `to` is in memory when the event says so:
			// the process returned to, not whichever one runs when the row is drawn.
			cells.exception = `iret → ${e.toSupervisor ? 'S' : 'U'} ${
				e.symbol !== undefined
					? e.symbol
					: e.toPhys === undefined
					? namer.symbolize(e.guest, e.toSupervisor, e.to)
					: namer.symbolizeInstruction(e.guest, e.toSupervisor, e.to, e.toPhys)
			}`;
			break;
		case 'interrupt.raised':
			cells.exception = `IRQ${e.irq} pending`;
			break;
		case 'interrupt.taken':
			cells.exception = `IRQ${e.irq} taken (${vectorName(e.vector)})`;
			break;
		case 'io': {
			const access = e.direction === 'out' ? `out ${shortHex(e.port)} ← ${shortHex(e.value)}${printable(e.value)}` : `in ${shortHex(e.port)} → ${shortHex(e.value)}`;
			// A guest never reaches a real port: the VMM did this on the guest's virtual device (source/vmm/devices.ts),
			// after a trap, a hypercall or interpretation — the instruction did not run on the real CPU.
			cells.cpu = e.guest >= 0 ? `virtual device: ${access}` : access;
			break;
		}
		case 'halt':
			cells.cpu = e.state === 'waiting' ? 'hlt: waiting for an interrupt' : 'woke from hlt';
			break;
		case 'stop':
			cells.cpu = `■ ${e.message}`;
			break;
		case 'console':
			cells.cpu = `console ${JSON.stringify(e.text)}`;
			break;
		case 'os.handler':
			cells.os = `handler ${e.symbol} (${vectorName(e.vector)})`;
			break;
		case 'os.syscall':
			cells.os = `pid ${e.pid}: ${e.name}(${e.args.map(shortHex).join(', ')})`;
			break;
		case 'os.switch':
			cells.os = `switch pid ${e.from} → ${e.to}`;
			break;
		case 'os.return':
			// Named when it happened (trace v2); a version 1 trace is named by the pid's program now.
			cells.os = `return to pid ${e.pid} @ ${e.symbol ?? namer.symbolizeProcess(e.guest, e.pid, e.pc)}`;
			break;
		case 'os.kill':
			cells.os = `kill pid ${e.pid} (${vectorName(e.vector)} @ ${shortHex(e.epc)})`;
			break;
		case 'os.exit':
			cells.os = `pid ${e.pid} exits (${e.code})`;
			break;
		case 'vmm.intercept':
			cells.vmm = `intercept ${e.reason} (${e.category})`;
			break;
		case 'vmm.emulate':
			cells.vmm = `emulate ${e.mnemonic}${e.effect ? ': ' + e.effect : ''}`;
			break;
		case 'vmm.reflect':
			cells.vmm = `reflect ${vectorName(e.vector)} → ${e.symbol || shortHex(e.handler)}`;
			break;
		case 'vmm.translate':
			cells.vmm = `translate ${shortHex(e.block)} (${e.length} instr, ${e.patches} patched)`;
			break;
		case 'vmm.hypercall':
			cells.vmm = `hypercall ${e.name}`;
			break;
		case 'vmm.resume':
			cells.vmm = `resume @ ${shortHex(e.pc)} (${e.cost.toLocaleString('en-US')} cycles)`;
			break;
		case 'vmm.worldswitch':
			cells.vmm = `world switch g${e.from} → g${e.to}`;
			break;
		case 'vmm.interpret':
			cells.vmm = `interpret ${e.count} kernel instr from ${shortHex(e.pc)} (${e.cost.toLocaleString('en-US')} cycles)`;
			break;
		case 'vmm.attach':
			cells.vmm = `attach ${e.technique} (Type ${e.hosted ? 'II' : 'I'}) under the running kernel (${e.cost.toLocaleString('en-US')} cycles)`;
			break;
		case 'vmm.detach':
			cells.vmm = `detach ${e.technique}: the kernel runs natively again (${e.cost.toLocaleString('en-US')} cycles, ${e.entries} entries)`;
			break;
		case 'host.enter':
			cells.host = `enter: ${e.reason}`;
			break;
		case 'host.exit':
			cells.host = `exit (${e.cost.toLocaleString('en-US')} cycles)`;
			break;
	}
	const tag = namer.depthTag?.(e);
	if (tag !== undefined) {
		if (cells.vmm) cells.vmm = `[${tag}] ${cells.vmm}`;
		else if (e.kind === 'exception.raised') cells.exception = `${cells.exception} [${tag}]`;
	}
	return cells;
}

/** All cells in one line, for the filter's regular expression. */
export function rowText(cells: RowCells): string {
	return `${cells.cpu} ${cells.exception} ${cells.os} ${cells.vmm} ${cells.host}`;
}
