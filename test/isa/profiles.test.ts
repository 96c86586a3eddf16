import {describe, expect, it} from 'vitest';
import {ProfileError, classic, parseProfile} from '../../source/isa/profiles.js';

describe('profile files (docs/v32.md §6.3: one entry per instruction, privileged or not)', () => {
	it('the wrapped form: {"privileged": {mnemonic: boolean}}', () => {
		const p = parseProfile(JSON.stringify({name: 'mine', privileged: {cli: false, nop: true}}), 'p.json');
		expect(p.name).toBe('mine');
		expect(p.privileged.has('cli')).toBe(false);
		expect(p.privileged.has('nop')).toBe(true);
		expect(p.privileged.has('iret')).toBe(true); // unnamed: as classic
	});

	it('the flat form with words or booleans, case-insensitive names', () => {
		const p = parseProfile(JSON.stringify({PUSHF: 'unprivileged', popf: false, add: 'privileged'}), 'flat.json');
		expect(p.name).toBe('flat.json');
		expect(p.privileged.has('pushf')).toBe(false);
		expect(p.privileged.has('popf')).toBe(false);
		expect(p.privileged.has('add')).toBe(true);
		expect(p.privileged.size).toBe(classic.privileged.size - 2 + 1);
	});

	it('errors name the file, the entry and what was expected', () => {
		expect(() => parseProfile('{"cli": "maybe"}', 'f.json')).toThrow(
			new ProfileError('f.json: "cli" must be true or false ("privileged" or "unprivileged"), got "maybe"'),
		);
		expect(() => parseProfile('{"frob": true, "lar": false}', 'f.json')).toThrow(/f\.json: unknown instruction names: frob, lar/);
		expect(() => parseProfile('[1]', 'f.json')).toThrow(/f\.json: expected an object/);
		expect(() => parseProfile('{', 'f.json')).toThrow(/f\.json: not valid JSON/);
	});

	it('a misspelt top-level key is an unknown key, not an unknown instruction', () => {
		expect(() => parseProfile('{"name": "mine", "privilegd": {"cli": false}}', 'f.json')).toThrow(
			new ProfileError(`f.json: unknown key 'privilegd' (expected "name", "privileged", or instruction names mapped to true or false)`),
		);
		expect(() => parseProfile('{"privileged": {"cli": false}, "descripton": "x"}', 'f.json')).toThrow(
			new ProfileError(`f.json: unknown key 'descripton' (expected "name" and "privileged")`),
		);
	});

	it('an instruction named twice is reported with its line', () => {
		expect(() => parseProfile('{"privileged": {\n"cli": false,\n"cli": true}}', 'f.json')).toThrow(
			new ProfileError('f.json: line 3, column 1: key "cli" is given twice (JSON keeps only the last; remove one)'),
		);
	});
});
