/**
 * User code cannot forge hardware interrupts (issue 13 §6): the sample kernel
 * marks the timer and console gates kernel-only, so a process's `int 32` is a
 * #GP and the kernel kills it — natively and under every VMM technique, where
 * the VMM checks the guest's own IDT as the CPU would.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {root, vmtop} from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmtop-forge-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** 5,000 forged timer ticks (`int 32`), then exit(7) — which it must never reach. */
const forge = join(dir, 'forge.s');
writeFileSync(
	forge,
	`_start: mov r4, 0
forge:  int 32
        add r4, r4, 1
        cmp r4, 5000
        jl forge
        mov r0, SYS_EXIT
        mov r1, 7
        int 0x80
.include "${join(root, 'samples/user/lib.inc')}"
`,
);

describe('a process forging timer interrupts with int 32', () => {
	test.each(['none', 'trap', 'bt', 'pv', 'hvm'])('--vmm %s: killed by #GP at the int, no tick forged', (vmm) => {
		const r = vmtop(['run', '--headless', '--user', forge, '--vmm', vmm]);
		expect(r.stdout).toContain('[kernel] pid 1 killed: #GP at 0x00000008');
		expect(r.stdout.match(/\[kernel\] pid 1 /g)).toHaveLength(1); // killed once, nothing else of it
		expect(r.code).toBe(0);
	});
});
