/**
 * Issue 17 §2: mini-vmm (samples/vmm/mini-vmm.s), a trap-and-emulate VMM in
 * V32 assembly, at every depth prints the kernel's console output byte for
 * byte as the native run, and keeps the kernel's clock exact.
 */
import {describe, expect, test} from 'vitest';
import {runHeadless} from '../../source/cpu/headless.js';
import {buildSimulation} from '../../source/scenario/build.js';
import {ScenarioError, loadScenario, parseScenario} from '../../source/scenario/scenario.js';
import {assembleAll} from '../../source/sim/kernel.js';
import {NestedSimulation, VmmInfo, nestedImage} from '../../source/sim/nested.js';
import type {Simulation} from '../../source/sim/simulation.js';
import {LoaderError} from '../../source/os/loader.js';

function runToEnd(sim: Simulation): {output: string; stop: NonNullable<Simulation['stopped']>} {
	let output = '';
	const {stop} = runHeadless(sim, {onOutput: (t) => (output += t), maxInstructions: 50_000_000});
	return {output, stop};
}

/** A word of layer `depth`'s memory (0 = outermost), by mini-vmm's label. */
function layerWord(sim: NestedSimulation, depth: number, label: string): number {
	const layer = sim.nested.layers[depth]!;
	return sim.machine.mem32[(layer.start + layer.program.labels.get(label)!) >>> 2]! >>> 0;
}

const native = (() => {
	const sim = buildSimulation(loadScenario('samples/scenarios/default.json'));
	return {...runToEnd(sim), instret: sim.instret};
})();

describe('mini-vmm hosts the sample kernel (issue 17 §2)', () => {
	test('the native reference is timer-dependent: counter is preempted, never yields', () => {
		expect(native.output).toContain('counter (pid 3): 100000');
		// Lines of other processes come between counter's: only the timer can interleave them.
		expect(native.output.indexOf('hello from pid 1\n', native.output.indexOf('fault (pid 4)'))).toBeGreaterThan(0);
		expect(native.stop).toMatchObject({reason: 'poweroff', code: 0});
	});

	test('depth 1 (nested-1.json): mini-vmm on the bare machine — the same output, the same guest clock', () => {
		const sim = buildSimulation(loadScenario('samples/scenarios/nested-1.json'));
		expect(sim).toBeInstanceOf(NestedSimulation);
		const run = runToEnd(sim);
		expect(run.output).toBe(native.output);
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
		const nested = sim as NestedSimulation;
		expect(nested.depth).toBe(1);
		// The kernel's clock (port 0x21) counts its own instructions only: all but the
		// final `out 0xF0`, which stops the machine while mini-vmm emulates it.
		expect(layerWord(nested, 0, 'v_instret')).toBe(native.instret - 1);
		// mini-vmm really ran the kernel deprivileged: the real machine retired more.
		expect(sim.instret).toBeGreaterThan(native.instret);
	});

	test('depth 2: vmtop\'s trap VMM hosts mini-vmm hosting the kernel (--vmm trap)', () => {
		const depth1 = buildSimulation(loadScenario('samples/scenarios/nested-1.json'));
		runToEnd(depth1);
		const sim = buildSimulation({...loadScenario('samples/scenarios/nested-1.json'), vmm: 'trap'});
		expect(sim.description.vmm).toBe('trap');
		const run = runToEnd(sim);
		expect(run.output).toBe(native.output);
		// The TS VMM's guest is mini-vmm: its clock equals mini-vmm's instructions on the bare machine.
		expect(sim.guests()[0]).toMatchObject({state: 'stopped', exitCode: 0, instructions: depth1.instret});
	});

	test('depth 2′ (nested-2.json): mini-vmm runs unchanged under a copy of itself', () => {
		const depth1 = buildSimulation(loadScenario('samples/scenarios/nested-1.json'));
		runToEnd(depth1);
		const sim = buildSimulation(loadScenario('samples/scenarios/nested-2.json')) as NestedSimulation;
		expect(sim.depth).toBe(2);
		const run = runToEnd(sim);
		expect(run.output).toBe(native.output);
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
		// Each level's guest clock is exact: the inner mini-vmm sees the kernel's native count,
		// the outer one sees the inner mini-vmm's count at depth 1.
		expect(layerWord(sim, 1, 'v_instret')).toBe(native.instret - 1);
		expect(layerWord(sim, 0, 'v_instret')).toBe(depth1.instret - 1);
	});
});

describe('nestedImage: the loader of a stack of VMM layers', () => {
	const [mini, kernel, hello] = assembleAll(['samples/vmm/mini-vmm.s', 'samples/os/kernel.s', 'samples/user/hello.s']);

	test('each layer at 0 of its host\'s partition, told its partition through vmm_info', () => {
		const image = nestedImage([mini!, mini!], kernel!, [hello!], 1 << 20);
		const [outer, inner] = image.layers;
		expect(outer).toMatchObject({start: 0, memory: 1 << 20, partitionBase: 0x10000, partitionSize: (1 << 20) - 0x10000});
		expect(inner).toMatchObject({start: 0x10000, memory: (1 << 20) - 0x10000, partitionBase: 0x10000, partitionSize: (1 << 20) - 0x20000});
		expect(image.kernelStart).toBe(0x20000);
		expect(image.kernel.memorySize).toBe((1 << 20) - 0x20000);
		const view = new DataView(image.image.buffer);
		const info = (start: number, word: number) => view.getUint32(start + mini!.labels.get('vmm_info')! + word, true);
		expect(info(0, VmmInfo.magic)).toBe(mini!.symbols.get('VMM_MAGIC'));
		expect([info(0, VmmInfo.base), info(0, VmmInfo.size), info(0, VmmInfo.entry)]).toEqual([0x10000, (1 << 20) - 0x10000, 0]);
		expect([info(0x10000, VmmInfo.base), info(0x10000, VmmInfo.size), info(0x10000, VmmInfo.entry)]).toEqual([0x10000, (1 << 20) - 0x20000, kernel!.entry]);
		// The kernel's image as the loader lays it out, inside the innermost partition.
		expect(image.image.subarray(0x20000, 0x20000 + kernel!.bytes.length)).toEqual(image.kernel.image.subarray(0, kernel!.bytes.length));
	});

	test('a layer without vmm_info is refused, naming the file', () => {
		const [bare] = assembleAll(['samples/bare/hello.s']);
		expect(() => nestedImage([bare!], kernel!, [hello!], 1 << 20)).toThrow(LoaderError);
		expect(() => nestedImage([bare!], kernel!, [hello!], 1 << 20)).toThrow("samples/bare/hello.s: a VMM layer needs a label 'vmm_info'");
	});

	test('memory too small for the partitions says how much each layer needs', () => {
		expect(() => nestedImage([mini!, mini!, mini!, mini!], kernel!, [hello!], 0x40000)).toThrow(/too small for samples\/vmm\/mini-vmm\.s at depth 4/);
	});
});

describe('the scenario key "nested"', () => {
	const X = 'samples/scenarios/x.json';
	const parse = (value: unknown) => parseScenario(JSON.stringify(value), X);

	test('paths are relative to the scenario, outermost first', () => {
		const s = parse({nested: ['../vmm/mini-vmm.s', '../vmm/other.s'], programs: ['../user/hello.s']});
		expect(s.nested).toEqual(['samples/vmm/mini-vmm.s', 'samples/vmm/other.s']);
	});

	test('an empty list, a non-list and several guests are refused with what was expected', () => {
		expect(() => parse({nested: [], programs: ['a.s']})).toThrow(`${X}: key "nested": expected a list of 1 to 4 VMM layers`);
		expect(() => parse({nested: 'mini.s', programs: ['a.s']})).toThrow(`${X}: key "nested": expected a list of 1 to 4 VMM layers`);
		expect(() => parse({nested: ['m.s'], programs: ['a.s'], vmm: 'trap', vms: 2})).toThrow(`${X}: key "vms": expected 1 when "nested" is given`);
	});

	test('pv has no mini-vmm build: refused before anything runs', () => {
		const scenario = {...loadScenario('samples/scenarios/nested-1.json'), vmm: 'pv' as const};
		expect(() => buildSimulation(scenario)).toThrow(ScenarioError);
		expect(() => buildSimulation(scenario)).toThrow('mini-vmm has no para-virtualized build');
	});
});
