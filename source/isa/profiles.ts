/**
 * ISA profiles (docs/v32.md §6): which instructions are privileged.
 *
 * `classic` is virtualizable (every sensitive instruction is privileged);
 * `pentium` leaves `pushf popf sidt smsw` unprivileged, as on the Intel Pentium
 * (Robin & Irvine). A profile may also come from a file, for `vmtop check`.
 */
import {type Mnemonic, Op, mnemonics} from './opcodes.js';
import {UserError} from '../user-error.js';

export interface Profile {
	name: string;
	/** Privileged instructions raise #GP in user mode and do nothing else. */
	privileged: ReadonlySet<Mnemonic>;
}

const alwaysPrivileged: Mnemonic[] = ['iret', 'cli', 'sti', 'hlt', 'lidt', 'mfcr', 'mtcr', 'in', 'out'];
export const pentiumSensitive: Mnemonic[] = ['pushf', 'popf', 'sidt', 'smsw'];

export const classic: Profile = {name: 'classic', privileged: new Set([...alwaysPrivileged, ...pentiumSensitive])};
export const pentium: Profile = {name: 'pentium', privileged: new Set(alwaysPrivileged)};

export const builtinProfiles: Record<string, Profile> = {classic, pentium};

/** Per-opcode privilege table for the CPU's hot path. */
export function privilegeTable(profile: Profile): Uint8Array {
	const table = new Uint8Array(256);
	for (const m of profile.privileged) table[Op[m]] = 1;
	return table;
}

export class ProfileError extends UserError {}

/**
 * Parse a profile file. Two forms, one entry per instruction (docs/v32.md §6.3):
 *   {"name": "mine", "privileged": {"cli": false, "add": true}}
 *   {"name": "mine", "cli": "unprivileged", "add": "privileged"}   (or true/false)
 * Instructions not named keep their `classic` privilege. Unknown names are an
 * error that lists them all.
 */
export function parseProfile(text: string, file: string): Profile {
	let data: unknown;
	try {
		data = JSON.parse(text);
	} catch (error) {
		throw new ProfileError(`${file}: not valid JSON (${(error as Error).message})`);
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		throw new ProfileError(`${file}: expected an object like {"name": "mine", "privileged": {"cli": false}}`);
	}
	const record = data as Record<string, unknown>;
	const name = record['name'] ?? file;
	if (typeof name !== 'string') throw new ProfileError(`${file}: "name" must be a string`);
	const wrapped = 'privileged' in record;
	if (wrapped) {
		for (const key of Object.keys(record)) {
			if (key !== 'name' && key !== 'privileged') {
				throw new ProfileError(`${file}: unknown key '${key}' (expected "name" and "privileged")`);
			}
		}
	}
	const entries = wrapped ? record['privileged'] : Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'name'));
	if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
		throw new ProfileError(`${file}: "privileged" must be an object mapping instruction names to true or false`);
	}
	const known = new Set<string>(mnemonics);
	const unknown = Object.keys(entries).filter((k) => !known.has(k.toLowerCase()));
	if (unknown.length > 0) {
		throw new ProfileError(`${file}: unknown instruction name${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
	}
	const privileged = new Set(classic.privileged);
	for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
		const where = wrapped ? `"privileged"."${key}"` : `"${key}"`;
		const isPrivileged = value === true || value === 'privileged' ? true : value === false || value === 'unprivileged' ? false : undefined;
		if (isPrivileged === undefined) {
			throw new ProfileError(
				`${file}: ${where} must be true or false ("privileged" or "unprivileged"), got ${JSON.stringify(value)}`,
			);
		}
		const m = key.toLowerCase() as Mnemonic;
		if (isPrivileged) privileged.add(m);
		else privileged.delete(m);
	}
	return {name, privileged};
}
