/**
 * Rewrite a kernel's `.ifdef PV` sites into the one-for-one form of
 * docs/hypercalls.md, generated from each site's native branch: every
 * sensitive or privileged instruction becomes exactly one guest instruction
 * (`int 0x82` + descriptor, or ld/st on the shared vCPU page `pv_vcpu`).
 * A test fixture: it shows what the VMM does with a PV build that keeps native
 * time, whatever form samples/os/kernel.s uses today.
 */
import {readFileSync} from 'node:fs';
import * as path from 'node:path';

const crs = ['epc', 'eflags', 'cause', 'badaddr', 'idt', 'ubase', 'ulimit', 'usp'];
const simple: Record<string, number> = {iret: 1, cli: 2, sti: 3, pushf: 4, popf: 5, hlt: 6};

/** `.equ` values of a source and the files it includes (numbers only). */
function equates(file: string, text: string, into = new Map<string, number>()): Map<string, number> {
	for (const line of text.split('\n')) {
		const inc = /^\s*\.include\s+"([^"]+)"/.exec(line);
		if (inc) {
			const f = path.resolve(path.dirname(file), inc[1]!);
			equates(f, readFileSync(f, 'utf8'), into);
		}
		const eq = /^\s*\.equ\s+(\w+)\s*,\s*(0x[0-9a-fA-F]+|\d+)/.exec(line);
		if (eq) into.set(eq[1]!, Number(eq[2]));
	}
	return into;
}

const reg = (r: string) => (r.toLowerCase() === 'sp' ? 15 : Number(r.slice(1)));

function convert(line: string, values: Map<string, number>): string[] {
	const code = line.replace(/;.*/, '');
	const m = /^(\s*(?:\w+:)?\s*)(\w+)\s*(.*)$/.exec(code);
	if (!m) return [line];
	const [, lead, mnemonic, rest] = m as unknown as [string, string, string, string];
	const ops = rest.split(',').map((s) => s.trim()).filter(Boolean);
	const num = (s: string) => (/^(0x[0-9a-f]+|\d+)$/i.test(s) ? Number(s) : values.get(s));
	const hc = (d: number) => [`${lead}int 0x82`, `        .word 0x${(d >>> 0).toString(16)}`];
	const op = mnemonic.toLowerCase();
	if (op in simple) return hc(simple[op]! << 8);
	if (op === 'smsw') return [`${lead}ld ${ops[0]}, [pv_vcpu+32]`];
	if (op === 'sidt') return [`${lead}ld ${ops[0]}, [pv_vcpu+16]`];
	if (op === 'lidt') return [`${lead}st ${ops[0]}, [pv_vcpu+16]`];
	if (op === 'mfcr') return [`${lead}ld ${ops[0]}, [pv_vcpu+${4 * crs.indexOf(ops[1]!.toLowerCase())}]`];
	if (op === 'mtcr') return [`${lead}st ${ops[1]}, [pv_vcpu+${4 * crs.indexOf(ops[0]!.toLowerCase())}]`];
	if (op === 'in') return hc((7 << 8) + reg(ops[0]!) * 0x10000 + num(ops[1]!)! * 0x1000000);
	if (op === 'out') {
		const port = num(ops[0]!)!;
		if (/^(r\d+|sp)$/i.test(ops[1]!)) return hc((8 << 8) + reg(ops[1]!) * 0x10000 + port * 0x1000000);
		return [...hc((9 << 8) + port * 0x1000000), `        .word ${ops[1]}`];
	}
	return [line];
}

/** The kernel source with every `.ifdef PV … .else NATIVE .endif` site in the one-for-one form. */
export function oneForOneKernel(file: string): string {
	const text = readFileSync(file, 'utf8');
	const values = equates(file, text);
	const out: string[] = [];
	let state: 'code' | 'pv' | 'native' = 'code';
	let native: string[] = [];
	for (const line of text.split('\n')) {
		const t = line.trim().toLowerCase();
		if (state === 'code' && t === '.ifdef pv') state = 'pv';
		else if (state === 'pv' && t === '.else') state = 'native';
		else if (state === 'native' && t === '.endif') {
			out.push('.ifdef PV', ...native.flatMap((l) => convert(l, values)), '.else', ...native, '.endif');
			native = [];
			state = 'code';
		} else if (state === 'native') native.push(line);
		else if (state === 'code') {
			if (/^kernel_stack:/.test(line.trim())) out.push('.ifdef PV', 'pv_vcpu: .space 36', '.endif');
			out.push(line);
		}
	}
	return out.join('\n');
}
