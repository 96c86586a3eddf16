import {describe, expect, test} from 'vitest';
import {BOOT_MAGIC, BootInfo, LoaderError, REGION_SIZE, buildImage} from '../../source/os/loader.js';
import {KERNEL, file, sample, user} from './helpers.js';

describe('buildImage', () => {
	const kernel = file(KERNEL);
	const hello = sample('hello');
	const hanoi = sample('hanoi');

	test('kernel at 0, one region of 64 KiB per program above it, boot information at boot_info', () => {
		const boot = buildImage(kernel, [hello, hanoi], 1 << 20);
		expect(boot.image.length).toBe(1 << 20);
		expect(boot.entry).toBe(kernel.entry);
		expect([...boot.image.slice(0, 64)]).toEqual([...kernel.bytes.slice(0, 64)]);
		expect(boot.regions.map((r) => [r.pid, r.base, r.size, r.entry])).toEqual([
			[1, REGION_SIZE, REGION_SIZE, hello.entry],
			[2, 2 * REGION_SIZE, REGION_SIZE, hanoi.entry],
		]);
		expect([...boot.image.slice(2 * REGION_SIZE, 2 * REGION_SIZE + hanoi.bytes.length)]).toEqual([...hanoi.bytes]);
		const view = new DataView(boot.image.buffer);
		const word = (offset: number) => view.getUint32(boot.bootInfo + offset, true);
		expect(boot.bootInfo).toBe(kernel.labels.get('boot_info'));
		expect(word(BootInfo.magic)).toBe(BOOT_MAGIC);
		expect(word(BootInfo.memorySize)).toBe(1 << 20);
		expect(word(BootInfo.count)).toBe(2);
		expect(word(BootInfo.procs + BootInfo.entrySize + BootInfo.base)).toBe(2 * REGION_SIZE);
		expect(word(BootInfo.procs + BootInfo.entrySize + BootInfo.size)).toBe(REGION_SIZE);
		expect(word(BootInfo.procs + BootInfo.entrySize + BootInfo.entry)).toBe(hanoi.entry);
	});

	test('the layout constants agree with the kernel', () => {
		const s = kernel.symbols;
		expect([s.get('BOOT_MAGIC'), s.get('BI_MEMSIZE'), s.get('BI_COUNT'), s.get('BI_PROCS'), s.get('BI_ENTRY_SIZE')]).toEqual([
			BOOT_MAGIC,
			BootInfo.memorySize,
			BootInfo.count,
			BootInfo.procs,
			BootInfo.entrySize,
		]);
		expect(s.get('BOOT_INFO_SIZE')).toBe(BootInfo.procs + s.get('MAX_PROCS')! * BootInfo.entrySize);
	});

	test('a program bigger than a region gets more, in whole 64 KiB granules', () => {
		const big = user('_start: jmp _start\n.space 70000\n');
		const boot = buildImage(kernel, [big, hello], 1 << 20);
		expect(boot.regions.map((r) => [r.base, r.size])).toEqual([
			[REGION_SIZE, 2 * REGION_SIZE],
			[3 * REGION_SIZE, REGION_SIZE],
		]);
	});

	test('errors', () => {
		expect(() => buildImage(user('_start: nop\n'), [hello], 1 << 20)).toThrow(/has no label 'boot_info'/);
		expect(() => buildImage(kernel, Array(9).fill(hello), 1 << 20)).toThrow('9 user programs, but the kernel runs at most 8 (MAX_PROCS)');
		expect(() => buildImage(kernel, [hello, hello], 3 * REGION_SIZE - 4)).toThrow(LoaderError);
		expect(() => buildImage(kernel, [hello, hello], 3 * REGION_SIZE - 4)).toThrow(
			'196604 bytes of memory are too small for the kernel and 2 process regions: 196608 bytes needed',
		);
		expect(() => buildImage(kernel, [hello], 1001)).toThrow(/multiple of 4/);
	});
});
