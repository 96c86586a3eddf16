import {readFileSync, readdirSync} from 'node:fs';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {describe, expect, test} from 'vitest';
import {assemble, assembleOrThrow} from '../../source/isa/assembler/index.js';
import {disassemble, disassembleInstruction} from '../../source/isa/disassembler.js';
import {decodeBytes, encode} from '../../source/isa/encoding.js';
import {formatAsmError} from '../../source/isa/program.js';
import {asm, one} from './helpers.js';

/** Assembles a listing; fails the test with the errors if it does not assemble. */
function reassemble(listing: string): Uint8Array {
	const r = assemble(listing, {file: 'listing.s'});
	if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n') + '\n--- listing:\n' + listing);
	return r.program.bytes;
}

function bytesOfWords(ws: number[]): Uint8Array {
	const out = new Uint8Array(ws.length * 4);
	const view = new DataView(out.buffer);
	ws.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
	return out;
}

describe('disassembleInstruction', () => {
	test.each([
		['add r1, r2, 0x10', 'add r1, r2, 0x10'],
		['add r1, r2, r3', 'add r1, r2, r3'],
		['mov r0, -1', 'mov r0, 0xffffffff'],
		['ld r1, [sp+8]', 'ld r1, [sp+0x8]'],
		['ld r1, [r15]', 'ld r1, [sp]'],
		['st r2, [r3-4]', 'st r2, [r3-0x4]'],
		['ldb r2, [0x100]', 'ldb r2, [0x100]'],
		['mfcr r0, epc', 'mfcr r0, epc'],
		['mtcr usp, r3', 'mtcr usp, r3'],
		['out 0x10, r1', 'out 0x10, r1'],
		["out 0x10, 'A'", 'out 0x10, 0x41'],
		['in r0, 0x11', 'in r0, 0x11'],
		['int 0x80', 'int 0x80'],
		['je 0x40', 'jz 0x40'],
		['jmp r4', 'jmp r4'],
		['push 3', 'push 0x3'],
		['pop r2', 'pop r2'],
		['lidt r1', 'lidt r1'],
		['smsw r3', 'smsw r3'],
		['cmp r1, r2', 'cmp r1, r2'],
		['iret', 'iret'],
	])('%s', (source, text) => {
		expect(disassembleInstruction(one(source))).toBe(text);
	});

	test('jump targets print as labels', () => {
		expect(disassembleInstruction(one('call 0x40'), new Map([[0x40, 'sys_write']]))).toBe('call sys_write');
		expect(disassembleInstruction(one('call 0x44'), new Map([[0x40, 'sys_write']]))).toBe('call 0x44');
	});
});

describe('disassemble', () => {
	const program = `
_start:	mov r1, msg
loop:	ldb r2, [r1]
	cmp r2, 0
	jz done
	out 0x10, r2
	add r1, r1, 1
	jmp loop
done:	out 0xf0, 0
	hlt
msg:	.asciz "hello; world\\n"
	.align 8
table:	.word loop, done, 0, 0, 0, 7
	.byte 1, 2, 3
end:
`;

	test('listing with labels reassembles to the same bytes and labels', () => {
		const p = asm(program);
		const listing = disassemble(p.bytes, {labels: p.labels});
		expect(listing).toContain('\tjz done\n');
		expect(listing).toContain('table:\n');
		const r = assemble(listing, {file: 'l.s'});
		expect(r.ok && [...r.program.bytes]).toEqual([...p.bytes]);
		expect(r.ok && r.program.labels).toEqual(p.labels);
	});

	test('without labels, and with address comments', () => {
		const p = asm(program);
		expect([...reassemble(disassemble(p.bytes))]).toEqual([...p.bytes]);
		expect([...reassemble(disassemble(p.bytes, {addresses: true}))]).toEqual([...p.bytes]);
	});

	test('data: zero runs, tails, labels at unaligned addresses and past the end', () => {
		const bytes = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6]);
		const listing = disassemble(bytes, {labels: new Map([['odd', 13], ['after', 40]])});
		expect(listing).toBe(
			'\t.space 12\n\t.byte 0x1\nodd:\n\t.byte 0x2, 0x3, 0x4\n\t.byte 0x5, 0x6\n\t.org 0x28\nafter:\n',
		);
		const r = assemble(listing, {file: 'l.s'});
		expect(r.ok && [...r.program.bytes]).toEqual([...bytes]);
		expect(r.ok && r.program.labels.get('after')).toBe(40);
	});

	test('a label inside an instruction splits it into data', () => {
		const p = asm('mov r1, 5');
		const listing = disassemble(p.bytes, {labels: new Map([['mid', 4]])});
		// The second word (5) happens to decode as `mul r0, r0, r0`: fine, same bytes.
		expect(listing.startsWith('\t.word 0x100102\nmid:\n')).toBe(true);
		expect([...reassemble(listing)]).toEqual([...p.bytes]);
	});

	test('empty image', () => {
		expect(disassemble(new Uint8Array(0))).toBe('');
	});
});

/** Every `.s` file under samples/ (others add them in parallel), found at test time. */
function sampleFiles(dir: string): string[] {
	let entries;
	try {
		entries = readdirSync(dir, {withFileTypes: true});
	} catch {
		return [];
	}
	return entries.flatMap((e) => {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) return sampleFiles(p);
		return e.name.endsWith('.s') ? [p] : [];
	});
}

describe('samples round-trip through the disassembler', () => {
	// Found from this file, not the working directory: run from anywhere, the samples are there.
	const files = sampleFiles(fileURLToPath(new URL('../../samples', import.meta.url)));

	test('there are samples to check (kernel, bare programs, user programs)', () => {
		const names = files.map((f) => path.basename(f));
		expect(names).toEqual(expect.arrayContaining(['kernel.s', 'hello.s', 'hanoi.s', 'traps.s']));
	});

	test.each(files)('%s', (file) => {
		// Every sample assembles as it is (includes resolved from its directory): one that does not fails here.
		const {bytes, labels} = assembleOrThrow(readFileSync(file, 'utf8'), {file});
		expect([...reassemble(disassemble(bytes, {labels}))]).toEqual([...bytes]);
		expect([...reassemble(disassemble(bytes))]).toEqual([...bytes]);
	});
});

describe('properties', () => {
	/** Random words, half of them with a valid opcode in the low byte so they often decode. */
	const word = fc.oneof(
		fc.integer(),
		fc.tuple(fc.integer({min: 1, max: 48}), fc.integer()).map(([op, w]) => (w & ~0xff & ~(3 << 22)) | op),
	);

	test('an absolute memory operand with a base-register field is invalid', () => {
		const ins = decodeBytes(bytesOfWords([0x100f, 0x20]), 0);
		expect(ins).toBeUndefined();
	});

	test('decode then encode returns the same words', () => {
		fc.assert(
			fc.property(fc.integer({min: 0, max: 0xff}), fc.integer(), fc.integer(), fc.integer(), (op, header, w1, w2) => {
				// Mix a real opcode into a random header so valid encodings are common.
				const h = (header & ~0xff & ~(3 << 22)) | op;
				const bytes = bytesOfWords([h, w1, w2]);
				const ins = decodeBytes(bytes, 0);
				if (ins === undefined) return;
				expect(encode(ins)).toEqual([h | 0, w1 | 0, w2 | 0].slice(0, ins.size / 4));
			}),
			{numRuns: 3000},
		);
	});

	test('assemble(disassemble(bytes)) is bytes, for random words and bytes', () => {
		fc.assert(
			fc.property(fc.array(word, {maxLength: 40}), fc.uint8Array({maxLength: 7}), (ws, tail) => {
				const bytes = new Uint8Array([...bytesOfWords(ws), ...tail]);
				expect([...reassemble(disassemble(bytes))]).toEqual([...bytes]);
			}),
			{numRuns: 300},
		);
	});

	const reg = fc.integer({min: 0, max: 15}).map((r) => (r === 15 && Math.random() < 0.5 ? 'sp' : `r${r}`));
	const imm = fc.integer({min: -0x80000000, max: 0xffffffff}).map(String);
	const src = fc.oneof(reg, imm);
	const mem = fc.oneof(
		reg.map((r) => `[${r}]`),
		fc.tuple(reg, fc.integer({min: 0, max: 0x7fffffff})).map(([r, d]) => `[${r}+${d}]`),
		fc.tuple(reg, fc.integer({min: 0, max: 0x7fffffff})).map(([r, d]) => `[${r}-${d}]`),
		imm.map((i) => `[${i}]`),
	);
	const cr = fc.constantFrom('epc', 'eflags', 'cause', 'badaddr', 'idt', 'ubase', 'ulimit', 'usp');
	const line = fc.oneof(
		fc.tuple(fc.constantFrom('add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr', 'sar', 'div', 'rem'), reg, reg, src).map(
			([m, a, b, c]) => `${m} ${a}, ${b}, ${c}`,
		),
		fc.tuple(fc.constantFrom('mov', 'cmp'), reg, src).map(([m, a, s]) => `${m} ${a}, ${s}`),
		fc.tuple(fc.constantFrom('ld', 'st', 'ldb', 'stb'), reg, mem).map(([m, a, s]) => `${m} ${a}, ${s}`),
		fc.tuple(fc.constantFrom('jmp', 'jz', 'jne', 'jl', 'jae', 'call', 'push'), src).map(([m, s]) => `${m} ${s}`),
		fc.tuple(fc.constantFrom('pop', 'lidt', 'sidt', 'smsw'), reg).map(([m, r]) => `${m} ${r}`),
		fc.constantFrom('nop', 'ret', 'brk', 'iret', 'cli', 'sti', 'hlt', 'pushf', 'popf'),
		fc.integer({min: 0, max: 255}).map((n) => `int ${n}`),
		fc.tuple(reg, cr).map(([r, c]) => `mfcr ${r}, ${c}`),
		fc.tuple(cr, reg).map(([c, r]) => `mtcr ${c}, ${r}`),
		fc.tuple(reg, imm).map(([r, p]) => `in ${r}, ${p}`),
		fc.tuple(imm, src).map(([p, s]) => `out ${p}, ${s}`),
		fc.uint8Array({minLength: 1, maxLength: 5}).map((b) => `.byte ${[...b].join(', ')}`),
		fc.string({maxLength: 6}).map((s) => `.ascii ${JSON.stringify(s.replace(/[^ -~]/g, '?'))}`),
	);

	test('random valid programs: assemble(disassemble(bytes)) is bytes', () => {
		fc.assert(
			fc.property(fc.array(line, {minLength: 1, maxLength: 30}), (lines) => {
				const source = lines.map((l, i) => `l${i}: ${l}`).join('\n');
				const p = asm(source);
				expect([...reassemble(disassemble(p.bytes, {labels: p.labels}))]).toEqual([...p.bytes]);
				expect([...reassemble(disassemble(p.bytes))]).toEqual([...p.bytes]);
			}),
			{numRuns: 200},
		);
	});
});
