/** Binary translation: blocks, patches, the translation cache and its invalidation by guest writes. */
import {expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {pentium} from '../../source/isa/profiles.js';
import {buildVmmSimulation} from '../../source/vmm/build.js';
import {measureProperties} from '../../source/vmm/properties.js';
import {statsRun} from '../../source/cli/stats-run.js';
import {MEMORY, miniSpec, runNative, sampleScenario} from './helpers.js';

test('bt on pentium reports its translated blocks and patches, and emulates what it patched', () => {
	const run = statsRun(sampleScenario('pentium', {vmm: 'bt'}));
	const t = run.properties.translation!;
	expect(t.blocks).toBeGreaterThan(10);
	expect(t.patches).toBeGreaterThan(0);
	expect(t.scanned).toBeGreaterThanOrEqual(t.blocks);
	const reasons = run.exits.map((r) => r.reason);
	expect(reasons).toEqual(expect.arrayContaining(['bt: pushf', 'bt: popf', 'bt: smsw']));
	expect(run.properties.equivalence.verdict).toBe('equivalent');
});

test('bt on classic translates but patches nothing: every sensitive instruction traps there', () => {
	const run = statsRun(sampleScenario('default', {vmm: 'bt'}));
	expect(run.properties.translation!.blocks).toBeGreaterThan(10);
	expect(run.properties.translation!.patches).toBe(0);
	expect(run.exits.some((r) => r.category === 'bt')).toBe(false);
});

test('vmm.translate events name each block, its length and its patches; scanning costs btScan per instruction', () => {
	const bus = new EventBus();
	const blocks: Array<{block: number; length: number; patches: number}> = [];
	bus.on('vmm.translate', (e) => blocks.push(e));
	const sim = buildVmmSimulation({technique: 'bt', profile: pentium, memorySize: MEMORY, bus, guests: [miniSpec('mini', ['user-a.s'])]});
	runHeadless(sim, {maxInstructions: 2_000_000});
	const g = sim.guestList[0]!;
	expect(blocks.length).toBe(g.translation.blocks + g.translation.retranslations);
	expect(blocks.reduce((s, b) => s + b.patches, 0)).toBe(g.translation.patches);
	expect(blocks.length).toBeGreaterThan(0);
	expect(blocks.every((b) => b.length >= 1 && b.block < MEMORY)).toBe(true);
});

test('a guest that rewrites its own code is translated again, and still runs as natively', () => {
	const spec = miniSpec('smc', ['user-a.s'], {defines: {SMC: 1}});
	const native = runNative(spec.boot, pentium);
	expect(native.output.startsWith('56\n')).toBe(true);
	const sim = buildVmmSimulation({technique: 'bt', profile: pentium, memorySize: MEMORY, guests: [spec]});
	let output = '';
	runHeadless(sim, {maxInstructions: 2_000_000, onOutput: (t) => (output += t)});
	expect(output).toBe(native.output);
	const t = sim.guestList[0]!.translation;
	expect(t.retranslations).toBeGreaterThan(0);
	// The patches live in the decoded cache only: guest memory stays byte-identical (equivalence checks it).
	expect(measureProperties(sim).equivalence.verdict).toBe('equivalent');
});
