/** Reserved names: registers, control registers, mnemonics (all case-insensitive). */
import {type Mnemonic, Cr, Op, aliases, controlRegisters} from '../opcodes.js';

/** Register number of `r0`..`r15` or `sp`, any case; undefined otherwise. */
export function registerNumber(name: string): number | undefined {
	const lower = name.toLowerCase();
	if (lower === 'sp') return 15;
	const m = /^r(1[0-5]|[0-9])$/.exec(lower);
	return m ? Number(m[1]) : undefined;
}

/** Control-register number of `epc`..`usp`, any case. */
export function controlRegisterNumber(name: string): number | undefined {
	const lower = name.toLowerCase();
	return (controlRegisters as readonly string[]).includes(lower) ? Cr[lower as keyof typeof Cr] : undefined;
}

/** The canonical mnemonic for a name (aliases resolved), any case. */
export function lookupMnemonic(name: string): Mnemonic | undefined {
	const lower = name.toLowerCase();
	if (Object.hasOwn(Op, lower)) return lower as Mnemonic;
	return Object.hasOwn(aliases, lower) ? aliases[lower] : undefined;
}

/** Why `name` cannot be a label or `.equ` name, or undefined when it can. */
export function reservedNameError(name: string): string | undefined {
	if (registerNumber(name) !== undefined) return `'${name}' is a register name and cannot be a label`;
	if (controlRegisterNumber(name) !== undefined) return `'${name}' is a control register name and cannot be a label`;
	if (lookupMnemonic(name) !== undefined) return `'${name}' is a mnemonic and cannot be a label`;
	return undefined;
}

export function registerName(reg: number): string {
	return reg === 15 ? 'sp' : `r${reg}`;
}
