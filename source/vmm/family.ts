/**
 * Family virtualization: a guest whose ISA profile differs from the real
 * machine's (`vms[i].isa`). What that means follows from the two privilege
 * sets alone, and `vmtop stats` says it:
 *
 *   privileged on the host, not in the guest's ISA — the real CPU traps them;
 *     the VMM emulates them with the guest ISA's meaning (in a guest process:
 *     their user-mode meaning), so the guest sees its own ISA;
 *   privileged in the guest's ISA, not on the host — a guest process runs them
 *     directly, without the #GP its own ISA would raise (no technique here
 *     translates process code): not equivalent if a process uses one; in the
 *     guest kernel they run directly under trap, bt patches them, pv avoids them.
 */
import {mnemonics} from '../isa/opcodes.js';
import type {Profile} from '../isa/profiles.js';

export interface FamilyNote {
	guest: number;
	name: string;
	isa: string;
	host: string;
	/** Trap on the host, unprivileged for the guest: emulated with the guest's meaning. */
	emulated: string[];
	/** Privileged for the guest, not on the host: run directly in its processes. */
	direct: string[];
}

export function familyNote(guest: number, name: string, guestIsa: Profile, host: Profile): FamilyNote | undefined {
	if (guestIsa === host || guestIsa.name === host.name) return undefined;
	const emulated = mnemonics.filter((m) => host.privileged.has(m) && !guestIsa.privileged.has(m));
	const direct = mnemonics.filter((m) => guestIsa.privileged.has(m) && !host.privileged.has(m));
	return {guest, name, isa: guestIsa.name, host: host.name, emulated, direct};
}

export function formatFamilyNote(n: FamilyNote): string[] {
	const lines = [`family virtualization: guest ${n.guest} (${n.name}) runs ISA '${n.isa}' on the real machine's '${n.host}'`];
	lines.push(
		n.emulated.length > 0
			? `  ${n.emulated.join(', ')}: privileged on '${n.host}', not in '${n.isa}' — the real CPU traps them and the VMM emulates them with '${n.isa}''s meaning (in a process: its user-mode meaning)`
			: `  every instruction '${n.host}' traps is privileged in '${n.isa}' too: nothing to emulate for the guest's processes`,
	);
	lines.push(
		n.direct.length > 0
			? `  ${n.direct.join(', ')}: privileged in '${n.isa}', not on '${n.host}' — a guest process runs them directly, without the #GP its ISA raises: not equivalent if a process uses one`
			: `  every instruction privileged in '${n.isa}' is privileged on '${n.host}': the guest's processes trap where they would natively`,
	);
	return lines;
}
