/** What `stats --compare` and the compare screen run: every technique a scenario can be built under. */
import {expect, test} from 'vitest';
import {statsCommand} from '../../source/cli/stats.js';
import {UsageError} from '../../source/user-error.js';
import {loadScenario} from '../../source/scenario/scenario.js';
import {compareSkipped, compareTechniques, compareTechniquesFor, withVmm} from '../../source/stats/stats-run.js';

test('a kernel scenario is compared under every technique; a nested stack without pv, and says why', () => {
	const plain = loadScenario('samples/scenarios/default.json');
	expect(compareTechniquesFor(plain)).toEqual(compareTechniques);
	expect(compareSkipped(plain)).toEqual([]);
	const nested = loadScenario('samples/scenarios/nested-1.json');
	expect(compareTechniquesFor(nested)).toEqual(compareTechniques.filter((t) => t !== 'pv'));
	expect(compareSkipped(nested)).toEqual([expect.stringMatching(/^pv: not run — mini-vmm has no para-virtualized build/)]);
});

test('a transient schedule belongs to the native run: a compared run under a VMM starts virtualized and has none', () => {
	const s = {...loadScenario('samples/scenarios/default.json'), transient: [{at: 1000, attach: 'trap' as const}]};
	expect(withVmm(s, 'trap').transient).toBeUndefined();
	expect(withVmm(s, 'none').transient).toEqual(s.transient);
});

test('--compare with --attach-at is refused with the reason', async () => {
	await expect(statsCommand(['--compare', '--attach-at', '1000'])).rejects.toThrow(UsageError);
	await expect(statsCommand(['--compare', '--detach-at', '1000'])).rejects.toThrow(/does not go with --attach-at \/ --detach-at/);
});
