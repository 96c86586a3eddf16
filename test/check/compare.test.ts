import {describe, expect, it} from 'vitest';
import {compareOutcomes} from '../../source/check/compare.js';
import type {Change, Outcome} from '../../source/check/probe.js';
import {dimensions, stateSpace} from '../../source/check/states.js';

function outcome(before: Record<string, number>, changes: Change[]): Outcome {
	return {trap: null, changes, before: new Map(Object.entries(before))};
}

describe('comparing the two runs of a pair', () => {
	it('the same result from different inputs is the same behaviour (cli from IF=1 and IF=0)', () => {
		const a = outcome({IF: 1}, [{field: 'IF', kind: 'system', before: 1, after: 0}]);
		const b = outcome({IF: 0}, []);
		expect(compareOutcomes(a, b)).toEqual([]);
	});

	it('a field neither run touched is not a difference (nop under two relocations)', () => {
		expect(compareOutcomes(outcome({ubase: 0x1000}, []), outcome({ubase: 0x2000}, []))).toEqual([]);
	});

	it('different results are (sidt under two IDT bases)', () => {
		const a = outcome({r1: 5}, [{field: 'r1', kind: 'program', before: 5, after: 0x3000}]);
		const b = outcome({r1: 5}, [{field: 'r1', kind: 'program', before: 5, after: 0x3400}]);
		expect(compareOutcomes(a, b)).toEqual([{field: 'r1', a: '5→0x3000', b: '5→0x3400'}]);
	});

	it('clocks compare by increment: time passing is never a difference', () => {
		const a = outcome({instret: 0}, [{field: 'instret', kind: 'clock', before: 0, after: 1}]);
		const b = outcome({instret: 100}, [{field: 'instret', kind: 'clock', before: 100, after: 101}]);
		expect(compareOutcomes(a, b)).toEqual([]);
	});
});

describe('the state space', () => {
	it('pairs differ in exactly their one dimension', () => {
		const {states, pairs} = stateSpace();
		expect(new Set(pairs.map((p) => p.dimension))).toEqual(new Set(dimensions));
		for (const p of pairs) {
			const a = states[p.a]!.coords;
			const b = states[p.b]!.coords;
			const differing = Object.keys(a).filter((k) => a[k as keyof typeof a] !== b[k as keyof typeof b]);
			expect(differing).toEqual([p.dimension]);
		}
	});
});
