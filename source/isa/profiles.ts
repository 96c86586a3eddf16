/**
 * ISA profiles (docs/v32.md §6): which instructions are privileged.
 *
 * `classic` is virtualizable (every sensitive instruction is privileged);
 * `pentium` leaves `pushf popf sidt smsw` unprivileged, as on the Intel Pentium
 * (Robin & Irvine). A profile may also come from a file, for `vmtop check`.
 */
import * as v from 'valibot';
import {explain, formatPath, show} from '../schema/explain.js';
import {JsonTextError, parseStrictJson} from '../schema/strict-json.js';
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

const privilegeText = 'true or false ("privileged" or "unprivileged")';
const privilege = v.union([v.boolean(), v.literal('privileged'), v.literal('unprivileged')], privilegeText);
/** The wrapped form; the flat form is the same entries at the top level beside "name". */
const wrappedSchema = v.strictObject(
	{name: v.optional(v.string('a string')), privileged: v.record(v.string(), privilege, 'an object mapping instruction names to true or false')},
	'an object like {"name": "mine", "privileged": {"cli": false}}',
);
const isPrivilege = (value: unknown): boolean => v.is(privilege, value);

/**
 * Parse a profile file. Two forms, one entry per instruction (docs/v32.md §6.3):
 *   {"name": "mine", "privileged": {"cli": false, "add": true}}
 *   {"name": "mine", "cli": "unprivileged", "add": "privileged"}   (or true/false)
 * Instructions not named keep their `classic` privilege. Unknown names are an
 * error that lists them all; a top-level key that is neither an instruction
 * nor a privilege entry (`"privilegd": {…}`) is an unknown key.
 */
export function parseProfile(text: string, file: string): Profile {
	let data: unknown;
	try {
		data = parseStrictJson(text);
	} catch (error) {
		if (error instanceof JsonTextError) throw new ProfileError(`${file}: ${error.message}`);
		throw error;
	}
	if (typeof data !== 'object' || data === null || Array.isArray(data)) {
		throw new ProfileError(`${file}: expected an object like {"name": "mine", "privileged": {"cli": false}}`);
	}
	const record = data as Record<string, unknown>;
	const name = record['name'] ?? file;
	if (typeof name !== 'string') throw new ProfileError(`${file}: "name" must be a string, got ${show(name)}`);
	const wrapped = 'privileged' in record;
	if (wrapped) {
		const issue = explain(wrappedSchema, record);
		if (issue?.kind === 'unknown') throw new ProfileError(`${file}: unknown key '${formatPath(issue.path)}' (expected "name" and "privileged")`);
		if (issue && issue.path.length < 2) throw new ProfileError(`${file}: "privileged" must be an object mapping instruction names to true or false`);
	}
	const entries = (wrapped ? record['privileged'] : Object.fromEntries(Object.entries(record).filter(([k]) => k !== 'name'))) as Record<string, unknown>;
	const known = new Set<string>(mnemonics);
	if (!wrapped) {
		// A top-level key that is no instruction and holds no privilege value is a misspelt key, not an instruction.
		const misplaced = Object.keys(entries).find((k) => !known.has(k.toLowerCase()) && !isPrivilege(entries[k]));
		if (misplaced !== undefined) {
			throw new ProfileError(`${file}: unknown key '${misplaced}' (expected "name", "privileged", or instruction names mapped to true or false)`);
		}
	}
	const unknown = Object.keys(entries).filter((k) => !known.has(k.toLowerCase()));
	if (unknown.length > 0) {
		throw new ProfileError(`${file}: unknown instruction name${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`);
	}
	const privileged = new Set(classic.privileged);
	for (const [key, value] of Object.entries(entries)) {
		if (!isPrivilege(value)) {
			const where = wrapped ? `"privileged"."${key}"` : `"${key}"`;
			throw new ProfileError(`${file}: ${where} must be ${privilegeText}, got ${JSON.stringify(value)}`);
		}
		const m = key.toLowerCase() as Mnemonic;
		if (value === true || value === 'privileged') privileged.add(m);
		else privileged.delete(m);
	}
	return {name, privileged};
}
