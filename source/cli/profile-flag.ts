/** `--isa classic|pentium|FILE.json`. */
import {readFileSync} from 'node:fs';
import {type Profile, ProfileError, builtinProfiles, parseProfile} from '../isa/profiles.js';
import {UsageError} from '../user-error.js';

export function loadProfile(value: string | undefined): Profile {
	if (value === undefined) return builtinProfiles['classic']!;
	const builtin = builtinProfiles[value];
	if (builtin) return builtin;
	if (!value.endsWith('.json')) {
		throw new UsageError(`--isa expects classic, pentium or a profile FILE.json; got '${value}'`);
	}
	let text: string;
	try {
		text = readFileSync(value, 'utf8');
	} catch (error) {
		throw new UsageError(`--isa: cannot read ${value}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	try {
		return parseProfile(text, value);
	} catch (error) {
		if (error instanceof ProfileError) throw new UsageError(error.message);
		throw error;
	}
}
