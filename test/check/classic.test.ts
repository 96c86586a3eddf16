import {beforeAll, describe, expect, it} from 'vitest';
import type {CheckReport} from '../../source/check/report.js';
import {classic} from '../../source/isa/profiles.js';
import {CHECK_TIMEOUT, evidence, instruction, reportFor} from './helpers.js';

describe('vmtop check --isa classic', () => {
	let report: CheckReport;
	beforeAll(() => {
		report = reportFor(classic);
	}, CHECK_TIMEOUT);

	it('is virtualizable: all three theorems hold', () => {
		expect(report.conclusion).toBe('virtualizable');
		expect(report.verdicts.theorem1.holds).toBe(true);
		expect(report.verdicts.theorem2.holds).toBe(true);
		expect(report.verdicts.theorem3.holds).toBe(true);
		expect(report.verdicts.theorem1.offenders).toEqual([]);
	});

	it('finds exactly the profile privileged, and every sensitive instruction privileged', () => {
		const privileged = report.instructions.filter((r) => r.privileged).map((r) => r.mnemonic);
		expect(new Set(privileged)).toEqual(new Set(classic.privileged));
		for (const r of report.instructions) if (r.sensitive) expect(r.privileged, r.mnemonic).toBe(true);
		const sensitive = report.instructions.filter((r) => r.sensitive).map((r) => r.mnemonic);
		expect(new Set(sensitive)).toEqual(new Set(classic.privileged));
	});

	it('cli: privileged (#GP in user mode, IF 1→0 in supervisor mode) and control-sensitive', () => {
		const cli = instruction(report, 'cli');
		expect(cli.classes).toEqual(['privileged', 'control-sensitive']);
		const p = evidence(cli, 'privileged');
		expect(p.states).toEqual(['user, IF=1', 'supervisor, IF=1']);
		expect(p.observed).toMatch(/^traps #GP vs no trap \(IF 1→0/);
		expect(evidence(cli, 'control-sensitive').observed).toContain('IF 1→0');
		expect(cli.traps.user).toEqual({when: 'always', vectors: ['#GP']});
		expect(cli.traps.supervisor.when).toBe('never');
	});

	it('smsw: privileged, and mode-sensitive as shown with its privilege lifted', () => {
		const smsw = instruction(report, 'smsw');
		expect(smsw.privileged).toBe(true);
		expect(smsw.dependsOn).toEqual(['mode']);
		const e = evidence(smsw, 'behaviour-sensitive', 'mode');
		expect(e.hypothetical).toBe(true);
		expect(e.observed).toBe('r1 0x1234→1 vs 0x1234→0');
	});

	it('sidt and mfcr: their results depend on the real idt / ubase (supervisor-mode pairs, no trap)', () => {
		const sidt = evidence(instruction(report, 'sidt'), 'behaviour-sensitive', 'idt');
		expect(sidt.hypothetical).toBe(false);
		expect(sidt.observed).toMatch(/r1 0x1234→0x3000 vs 0x1234→0x3400/);
		const mfcr = instruction(report, 'mfcr');
		expect(mfcr.dependsOn).toEqual(expect.arrayContaining(['idt', 'relocation', 'control']));
		expect(evidence(mfcr, 'behaviour-sensitive', 'relocation').form).toBe('mfcr r1, ubase');
	});

	it('iret, mtcr, lidt are control-sensitive: they change the mode, the trap state, the IDT', () => {
		expect(instruction(report, 'iret').resourcesChanged).toEqual(expect.arrayContaining(['S', 'IF']));
		expect(instruction(report, 'mtcr').resourcesChanged).toEqual(expect.arrayContaining(['ubase', 'ulimit', 'idt', 'epc']));
		expect(instruction(report, 'lidt').resourcesChanged).toEqual(['idt']);
		expect(instruction(report, 'out').resourcesChanged).toEqual(['console output', 'timer period', 'power']);
	});

	it('ld, st, push, pop, call, ret, jmp are innocuous: the same under every relocation', () => {
		for (const m of ['ld', 'st', 'push', 'pop', 'call', 'ret', 'jmp']) {
			const r = instruction(report, m);
			expect(r.classes, m).toEqual(['innocuous']);
			expect(r.pairs.relocation.compared, m).toBeGreaterThan(0);
			expect(r.pairs.relocation.differing, m).toBe(0);
			expect(r.pairs.mode.differing, m).toBe(0);
			expect(r.notes.join(' '), m).toMatch(/not location-sensitive/);
			// `never` under traps is of the probed states: the note says an access beyond ulimit is a #GP.
			expect(r.notes.join(' '), m).toMatch(/beyond it a user-mode access, or the fetch at a jump's target, raises #GP/);
		}
		expect(instruction(report, 'add').notes.join(' ')).not.toMatch(/location/);
	});

	it('int and brk trap in both modes: not privileged, not sensitive', () => {
		const int = instruction(report, 'int');
		expect(int.privileged).toBe(false);
		expect(int.classes).toEqual(['innocuous']);
		expect(int.traps.user.when).toBe('always');
		expect(int.traps.user.vectors).toContain('#GP'); // int n < 32 from user mode
		expect(int.traps.supervisor.vectors).toContain('#BP'); // int 3 in supervisor mode is vector 3
		expect(int.notes[0]).toMatch(/traps in every state/);
		expect(instruction(report, 'brk').classes).toEqual(['innocuous']);
	});

	it('div traps on a zero divisor in either mode: an ordinary fault, not privilege', () => {
		const div = instruction(report, 'div');
		expect(div.privileged).toBe(false);
		expect(div.traps.user).toEqual({when: 'sometimes', vectors: ['#DE']});
		expect(div.traps.supervisor).toEqual({when: 'sometimes', vectors: ['#DE']});
	});

	it('in is timing-dependent (port 0x21), and Theorem 2 says what decides recursion', () => {
		const inp = instruction(report, 'in');
		expect(inp.timingDependent).toBe(true);
		expect(evidence(inp, 'timing-dependent', 'time').form).toBe('in r1, 0x21');
		const others = report.instructions.filter((r) => r.timingDependent && r.mnemonic !== 'in');
		expect(others).toEqual([]);
		const t2 = report.verdicts.theorem2.reasons.join('\n');
		expect(t2).toMatch(/port 0x21/);
		expect(t2).toMatch(/instructions that program the timer: out \(privileged\)/);
	});

	it('is plain data (the dashboard renders it)', () => {
		expect(JSON.parse(JSON.stringify(report))).toEqual(report);
	});
});
