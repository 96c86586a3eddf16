import {describe, expect, test} from 'vitest';
import {boot, sample} from './helpers.js';

/** The lecture's note(): printf("%20u. step: move disk %u from rod %u to rod %u\n"), steps from 1. */
function reference(n: number): string {
	const lines: string[] = [];
	let step = 1;
	const move = (disk: number, from: number, to: number, spare: number): void => {
		if (disk === 0) return;
		move(disk - 1, from, spare, to);
		lines.push(`${String(step++).padStart(20)}. step: move disk ${disk} from rod ${from} to rod ${to}\n`);
		move(disk - 1, spare, to, from);
	};
	move(n, 1, 3, 2);
	return lines.join('');
}

describe('hanoi.s', () => {
	const hanoi = sample('hanoi');

	test.each([1, 2, 3, 4, 5, 6, 7, 8])('n = %i prints the 2^n - 1 moves of the reference, exactly', (n) => {
		const run = boot([hanoi], {input: `${n}\n`});
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
		expect(run.userOutput).toBe(reference(n));
		expect(run.userOutput.split('\n').length - 1).toBe(2 ** n - 1);
	});

	test('with no console input it moves 4 disks', () => {
		expect(boot([hanoi]).userOutput).toBe(reference(4));
	});

	test('other characters are skipped; a newline ends the number', () => {
		expect(boot([hanoi], {input: ' 1x0\n7'}).userOutput).toBe(reference(10));
	});

	test('digits without a newline are enough', () => {
		expect(boot([hanoi], {input: '2'}).userOutput).toBe(reference(2));
	});

	test('the first line is the lecture\'s format', () => {
		expect(reference(1)).toBe('                   1. step: move disk 1 from rod 1 to rod 3\n');
	});
});
