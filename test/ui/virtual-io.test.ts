/**
 * A guest's `in` / `out` rows: under a VMM the access is the VMM's, on the guest's virtual
 * device, after the instruction trapped (or was a hypercall, or interpreted); the row must not
 * read as if the real CPU executed it after all. Natively it is the CPU's own access.
 */
import {describe, expect, test} from 'vitest';
import type {EventOf} from '../../source/bus/events.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {type Namer, formatRow} from '../../source/ui/store/format-row.js';
import {sampleScenario} from '../vmm/helpers.js';

const namer: Namer = {
	symbolize: () => 'here',
	symbolizeInstruction: () => 'here',
	symbolizeProcess: () => 'here',
	disassemble: () => undefined,
};

function ioRows(vmm: 'none' | 'trap' | 'pv'): Array<{guest: number; cpu: string}> {
	const sim = buildSimulation({...sampleScenario('default'), vmm}, {live: false});
	const rows: Array<{guest: number; cpu: string}> = [];
	sim.bus.on('io', (e: EventOf<'io'>) => rows.push({guest: e.guest, cpu: formatRow(e, Number.NaN, namer).cpu ?? ''}));
	runHeadless(sim, {maxInstructions: 200_000});
	return rows;
}

describe('io rows say whose access it was', () => {
	test('natively the CPU’s own: `out 0x10 ← …`', () => {
		const rows = ioRows('none');
		expect(rows.length).toBeGreaterThan(10);
		for (const r of rows) {
			expect(r.guest).toBe(-1);
			expect(r.cpu).toMatch(/^(out|in) 0x/);
		}
	});

	test.each(['trap', 'pv'] as const)('under %s, the VMM’s on the guest’s virtual device', (vmm) => {
		const rows = ioRows(vmm);
		expect(rows.length).toBeGreaterThan(10);
		for (const r of rows) {
			expect(r.guest).toBeGreaterThanOrEqual(0);
			expect(r.cpu).toMatch(/^virtual device: (out|in) 0x/);
		}
	});
});
