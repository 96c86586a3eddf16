/**
 * Hostile sources (issue 13 §4 and issue 13 §5): literals that never close, bytes that are
 * not UTF-8, an empty file, a BOM, numbers that do not fit, files that are not
 * sources (a device, a trace), each reported at its place with what was expected.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import {afterAll, describe, expect, test} from 'vitest';
import {assembleFile} from '../../source/isa/assembler/index.js';
import {readSource} from '../../source/isa/assembler/source-file.js';
import {formatAsmError} from '../../source/isa/program.js';
import {errors} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vmtop-asm-hostile-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const file = (name: string, content: string | Buffer): string => {
	const p = join(dir, name);
	writeFileSync(p, content);
	return p;
};
const fileErrors = (p: string): string[] => {
	const r = assembleFile(p);
	return r.ok ? [] : r.errors.map(formatAsmError);
};

describe('literals', () => {
	test.each([
		['.ascii "ab\\', 'test.s:1:8: unterminated string: the backslash at column 11 escapes the end of the line'],
		["mov r1, '\\", 'test.s:1:9: unterminated character literal: the backslash at column 10 escapes the end of the line'],
		['.ascii "ab\\\nnop', 'test.s:1:8: unterminated string: the backslash at column 11 escapes the end of the line'],
	])('%j', (source, message) => {
		expect(errors(source)).toEqual([message]);
	});
});

describe('numbers and directives say what is wrong', () => {
	test.each([
		['.align 1073741824', 'test.s:1:8: .align 1073741824: at most 67108864 (the 64 MiB image limit)'],
		['.org -1', 'test.s:1:6: .org -1: an address cannot be negative'],
		['mov r1, 100000000000000000000000000000000000000', 'test.s:1:9: number 100000000000000000000000000000000000000 is too large (V32 values have 32 bits: at most 4294967295)'],
		['mov r1, 9007199254740991 + 9007199254740991', 'test.s:1:9: immediate beyond 2^53 out of range (expected -2147483648 to 4294967295)'],
	])('%s', (source, message) => {
		expect(errors(source)).toEqual([message]);
	});
});

describe('the file itself', () => {
	test('a UTF-8 byte order mark is skipped, not an invisible "unexpected character"', () => {
		const p = file('bom.s', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('_start: hlt\n')]));
		expect(fileErrors(p)).toEqual([]);
	});

	test('a byte that is not UTF-8 inside a string is reported at its line and column', () => {
		const p = file('latin1.s', Buffer.concat([Buffer.from('_start: hlt\n.ascii "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
		expect(fileErrors(p)).toEqual([`${p}:2:12: byte 0xe9 is not UTF-8: sources are UTF-8 text (write other bytes with .byte)`]);
	});

	test('an empty source is reported, not run into a triple fault', () => {
		const p = file('empty.s', '');
		expect(fileErrors(p)).toEqual([`${p}:1:1: '${p}' has no code or data: nothing to run`]);
		expect(fileErrors(file('comments.s', '; nothing here\n.equ X, 5\n'))).toHaveLength(1);
	});

	test('.include "/dev/zero" is refused at once (a device, not a regular file)', () => {
		const p = file('zero.s', '_start: hlt\n.include "/dev/zero"\n');
		expect(fileErrors(p)).toEqual([`${p}:2:10: '/dev/zero' is not a regular file (a device, a FIFO or a socket): a source must be a file`]);
	});

	test('.include of a file over the size limit is refused before it is read', () => {
		const big = file('big.inc', Buffer.alloc(1025, 0x20));
		expect(() => readSource(big, 1024)).toThrow(/is 1,025 bytes; a source may have at most 1,024/);
	});

	test('a vmtop trace, plain or gzip, is named as one, with the command that replays it', () => {
		const header = '{"type":"header","format":"vmtop-trace","version":1}\n{"kind":"instruction"}\n'.repeat(200);
		const plain = file('def.jsonl', header);
		const errs = fileErrors(plain);
		expect(errs).toEqual([`${plain}:1:1: '${plain}' is a vmtop trace, not assembly or a scenario — 'vmtop replay ${plain}' replays it`]);
		const gz = file('def.jsonl.gz', gzipSync(header));
		expect(fileErrors(gz)).toEqual([`${gz}:1:1: '${gz}' is a vmtop trace, not assembly or a scenario — 'vmtop replay ${gz}' replays it`]);
		const other = file('x.gz', gzipSync('hello'));
		expect(fileErrors(other)).toEqual([`${other}:1:1: '${other}' is gzip data, not assembly`]);
	});
});
