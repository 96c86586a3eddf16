/**
 * The lecture's requirement 3 for a virtualizable ISA level — "interception of
 * sensitive instructions" — comes in four kinds, and each sensitive V32
 * instruction is named by the kinds its probed effects fall under:
 *
 *   3.a alter/query system state            the mode (S), the interrupt flag, halting
 *   3.b alter/query state of reserved entities  the IDT register, the trap-state registers,
 *                                           the banked sp, and — as the lecture lists
 *                                           SMSW, PUSHF, POPF here — the status word and FLAGS
 *   3.c reference to the protection system  the relocation-bounds registers (ubase/ulimit)
 *   3.d I/O                                 the console, the timer, the power switch
 */
import type {InstructionResult} from './report.js';

export type Requirement = '3.a' | '3.b' | '3.c' | '3.d';

export const requirementNames: Record<Requirement, string> = {
	'3.a': 'alter/query system state',
	'3.b': 'alter/query state of reserved entities',
	'3.c': 'reference to the protection system',
	'3.d': 'I/O',
};

const systemState = new Set(['S', 'IF', 'halted']);
const reserved = new Set(['idt', 'epc', 'eflags', 'cause', 'badaddr', "other mode's sp"]);
const protection = new Set(['ubase', 'ulimit']);
const io = new Set(['console output', 'console input pending', 'timer period', 'power']);
/** They read or write the status word or FLAGS as a whole (the lecture's SMSW, PUSHF, POPF under 3.b). */
const flagsWords = new Set(['smsw', 'pushf', 'popf']);

/** The kinds of requirement 3 a sensitive instruction falls under (none for an innocuous one). */
export function requirementsOf(r: Pick<InstructionResult, 'mnemonic' | 'sensitive' | 'resourcesChanged' | 'dependsOn'>): Requirement[] {
	if (!r.sensitive) return [];
	const changed = (set: Set<string>) => r.resourcesChanged.some((x) => set.has(x));
	const depends = (...dims: string[]) => r.dependsOn.some((d) => dims.includes(d));
	const out: Requirement[] = [];
	if (changed(systemState) || depends('mode', 'if')) out.push('3.a');
	if (changed(reserved) || depends('idt', 'control') || flagsWords.has(r.mnemonic)) out.push('3.b');
	if (changed(protection) || depends('relocation')) out.push('3.c');
	if (changed(io) || depends('time')) out.push('3.d');
	return out;
}
