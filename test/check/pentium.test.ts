import {beforeAll, describe, expect, it} from 'vitest';
import {formatReport} from '../../source/check/format.js';
import type {CheckReport} from '../../source/check/report.js';
import {pentium} from '../../source/isa/profiles.js';
import {CHECK_TIMEOUT, evidence, instruction, reportFor} from './helpers.js';

describe('vmtop check --isa pentium', () => {
	let report: CheckReport;
	beforeAll(() => {
		report = reportFor(pentium);
	}, CHECK_TIMEOUT);

	it('is not virtualizable: pushf, popf, sidt, smsw are sensitive and unprivileged', () => {
		expect(report.conclusion).toBe('not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold)');
		expect(report.verdicts.theorem1.holds).toBe(false);
		expect([...report.verdicts.theorem1.offenders].sort()).toEqual(['popf', 'pushf', 'sidt', 'smsw']);
		for (const m of ['pushf', 'popf', 'sidt', 'smsw']) {
			const r = instruction(report, m);
			expect(r.sensitive, m).toBe(true);
			expect(r.privileged, m).toBe(false);
			expect(r.breaksTheorem1, m).toBe(true);
			expect(r.evidence.length, m).toBeGreaterThan(0);
			expect(r.evidence.every((e) => !e.hypothetical), m).toBe(true);
		}
	});

	it('pushf pushes S: FLAGS 0x1200 in supervisor mode, 0x0200 in user mode', () => {
		const e = evidence(instruction(report, 'pushf'), 'behaviour-sensitive', 'mode');
		expect(e.states).toEqual(['supervisor, IF=1', 'user, IF=1']);
		expect(e.observed).toBe('[sp-4 = 0x0efc] ←0x1200 vs ←0x0200');
		const byIf = evidence(instruction(report, 'pushf'), 'behaviour-sensitive', 'if');
		expect(byIf.user).toBe(true);
	});

	it('popf loads IF in supervisor mode and silently not in user mode', () => {
		const popf = instruction(report, 'popf');
		expect(popf.classes).toEqual(['control-sensitive', 'behaviour-sensitive']);
		const e = evidence(popf, 'behaviour-sensitive', 'mode');
		expect(e.states).toEqual(['supervisor, IF=0', 'user, IF=0']);
		expect(e.observed).toBe('IF 0→1 vs unchanged 0');
	});

	it('sidt reads the real idt, smsw the real mode', () => {
		const sidt = evidence(instruction(report, 'sidt'), 'behaviour-sensitive', 'idt');
		expect(sidt.user).toBe(true);
		expect(sidt.observed).toBe('r1 0x1234→0x3000 vs 0x1234→0x3400');
		expect(evidence(instruction(report, 'smsw'), 'behaviour-sensitive', 'mode').observed).toBe('r1 0x1234→1 vs 0x1234→0');
	});

	it('Theorem 3’s condition does not hold either: pushf and sidt are sensitive between user-mode states; popf and smsw only through supervisor mode', () => {
		const t3 = report.verdicts.theorem3;
		expect(t3.holds).toBe(false);
		expect([...t3.offenders].sort()).toEqual(['pushf', 'sidt']);
		expect(t3.reasons.join('\n')).toMatch(/smsw, popf: sensitive only through supervisor mode/);
		expect(instruction(report, 'smsw').userSensitive).toBe(false);
		expect(instruction(report, 'popf').userSensitive).toBe(false);
	});

	it('Theorem 2 fails for want of Theorem 1', () => {
		expect(report.verdicts.theorem2.holds).toBe(false);
		expect(report.verdicts.theorem2.conclusion).toMatch(/not virtualizable to begin with/);
	});

	it("lists Robin & Irvine's instructions and which V32 models", () => {
		const ri = report.robinIrvine;
		expect(ri.map((e) => e.pentium)).toEqual([
			'SGDT', 'SIDT', 'SLDT', 'SMSW', 'PUSHF', 'POPF', 'LAR', 'LSL', 'VERR', 'VERW',
			'POP', 'PUSH', 'CALL', 'JMP', 'INT n', 'RET', 'STR', 'MOV',
		]);
		const modelled = ri.filter((e) => e.modelled).map((e) => e.pentium);
		expect(modelled).toEqual(['SIDT', 'SMSW', 'PUSHF', 'POPF', 'POP', 'PUSH', 'CALL', 'JMP', 'INT n', 'RET', 'MOV']);
		expect(ri.find((e) => e.pentium === 'PUSHF')!.status).toBe('pushf: sensitive, unprivileged');
		expect(ri.find((e) => e.pentium === 'PUSH')!.status).toBe('push: innocuous');
		expect(ri.find((e) => e.pentium === 'SGDT')!.note).toMatch(/not modelled/);
	});

	it('prints the table, the evidence and the verdict', () => {
		const text = formatReport(report);
		expect(text).toMatch(/^pushf +no +behaviour \(mode, IF\) +✗ sensitive, unprivileged/m);
		expect(text).toMatch(/^popf +no +control \(IF\); behaviour \(mode\) +✗ sensitive, unprivileged/m);
		expect(text).toMatch(/^sidt +no +behaviour \(idt\) +✗/m);
		expect(text).toMatch(/^smsw +no +behaviour \(mode\) +✗/m);
		expect(text).toContain('supervisor, IF=1  vs  user, IF=1: [sp-4 = 0x0efc] ←0x1200 vs ←0x0200');
		expect(text).toContain("Conclusion: 'pentium' is not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold) — sensitive but unprivileged: sidt, smsw, pushf, popf");
		expect(text).toContain('Theorem 3’s condition does not hold either: user-sensitive but unprivileged: sidt, pushf — a guest process runs them directly');
		expect(text).toContain('Robin & Irvine (USENIX Security 2000)');
	});
});

describe("the lecture's requirement 3, by kind", () => {
	let report: CheckReport;
	beforeAll(() => {
		report = reportFor(pentium);
	}, CHECK_TIMEOUT);
	it('names 3.a–3.d per sensitive instruction: sidt reserved entities, in/out I/O, mtcr the protection system', () => {
		const req = (m: string) => instruction(report, m).requirements;
		expect(req('sidt')).toEqual(['3.b']);
		expect(req('popf')).toEqual(['3.a', '3.b']);
		expect(req('cli')).toEqual(['3.a']);
		expect(req('in')).toEqual(['3.d']);
		expect(req('out')).toEqual(['3.d']);
		expect(req('mtcr')).toContain('3.c');
		expect(req('add')).toEqual([]);
		const text = formatReport(report);
		expect(text).toMatch(/^ {2}3\.b alter\/query state of reserved entities: .*sidt ✗ not intercepted/m);
		expect(text).toMatch(/^ {2}3\.d I\/O: in, out$/m);
		expect(text).toMatch(/^ {2}sidt +behaviour-sensitive \(idt\) \[requirement 3\.b\]: `sidt r1`/m);
	});
	it("Theorem 2's condition is on the VMM (no timing dependencies), not on what a guest reads of time", () => {
		const t2 = report.verdicts.theorem2;
		expect(t2.condition).toBe('virtualizable, and a VMM without timing dependencies can be constructed');
		expect(t2.reasons.join('\n')).toMatch(/a condition on the VMM, not on its guests/);
		expect(t2.reasons.join('\n')).not.toMatch(/runs unchanged under a copy of itself/);
	});
});
