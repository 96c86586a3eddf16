/** Issue 17 §2: the bench's `nested` group names every depth and checks each run's output. */
import {expect, test} from 'vitest';
import {benchNested} from '../../source/bench/nested.js';

test('nested bench: MIPS at depths 0, 1, 2, 2′ and exits per system call, exits multiplying with depth', () => {
	const rows = benchNested(1);
	expect(rows.map((r) => r.name)).toEqual([
		'nested.depth0.mips',
		'nested.depth1.mips',
		'nested.exits_per_syscall.depth1',
		'nested.cycles_ratio.depth1',
		'nested.depth2.mips',
		'nested.exits_per_syscall.depth2',
		'nested.cycles_ratio.depth2',
		'nested.depth2_self.mips',
		'nested.exits_per_syscall.depth2_self',
		'nested.cycles_ratio.depth2_self',
	]);
	for (const r of rows) expect(r.value).toBeGreaterThan(0);
	const value = (name: string) => rows.find((r) => r.name === name)!.value;
	expect(value('nested.exits_per_syscall.depth2')).toBeGreaterThan(5 * value('nested.exits_per_syscall.depth1'));
	expect(value('nested.exits_per_syscall.depth2_self')).toBeGreaterThan(5 * value('nested.exits_per_syscall.depth1'));
	expect(value('nested.cycles_ratio.depth2_self')).toBeGreaterThan(value('nested.cycles_ratio.depth1'));
});
