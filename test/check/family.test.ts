/** `vmtop check` says what family virtualization (a guest ISA on another host ISA) means for the profile checked. */
import {describe, expect, it} from 'vitest';
import type {CheckReport} from '../../source/check/report.js';
import {familyLines} from '../../source/check/format.js';
import {classic, pentium} from '../../source/isa/profiles.js';

const reportOf = (name: string, privileged: Iterable<string>) => ({profile: {name, privileged: [...privileged]}}) as unknown as CheckReport;

describe('family virtualization in the check report', () => {
	it("a classic guest on a pentium machine: the instructions only classic privileges run directly in its processes", () => {
		const text = familyLines(reportOf('classic', classic.privileged)).join('\n');
		expect(text).toContain("on 'pentium':");
		const line = text.split('\n').find((l) => l.includes("privileged in 'classic', not on 'pentium'"));
		expect(line).toBeDefined();
		for (const m of ['pushf', 'popf', 'sidt', 'smsw']) expect(line).toContain(m);
		expect(text).not.toContain("on 'classic':");
	});

	it('a pentium guest on a classic machine: nothing runs directly that would trap on pentium; the four are emulated', () => {
		const text = familyLines(reportOf('pentium', pentium.privileged)).join('\n');
		expect(text).toContain("every instruction privileged in 'pentium' is privileged on 'classic'");
		const line = text.split('\n').find((l) => l.includes("privileged on 'classic', not in 'pentium'"));
		for (const m of ['pushf', 'popf', 'sidt', 'smsw']) expect(line).toContain(m);
	});
});
