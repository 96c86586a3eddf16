/** Test helpers: small guests of our own (test/vmm/guests), loaded as a boot loader would. */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {runHeadless} from '../../source/cpu/headless.js';
import {Machine} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import {Symbolizer} from '../../source/isa/program.js';
import {type Profile, classic} from '../../source/isa/profiles.js';
import {type BootState, bootStateOf} from '../../source/vmm/guest.js';
import type {GuestSpec} from '../../source/vmm/build.js';
import {type Scenario, loadScenario} from '../../source/scenario/scenario.js';

export const guestDir = fileURLToPath(new URL('./guests/', import.meta.url));
export const MEMORY = 1 << 20;

export interface MiniGuest {
	boot: BootState;
	labels: Map<string, number>;
}

/** The mini kernel with its user programs at pid × 0x10000, as a native machine holds them at reset. */
export function miniGuest(users: string[], defines: Record<string, number> = {}): MiniGuest {
	const file = guestDir + 'mini-kernel.s';
	const kernel = assembleOrThrow(readFileSync(file, 'utf8'), {file, defines: {NPROC: users.length, ...defines}});
	const m = new Machine({memorySize: MEMORY});
	m.load(kernel.bytes);
	users.forEach((u, i) => {
		const f = guestDir + u;
		m.load(assembleOrThrow(readFileSync(f, 'utf8'), {file: f}).bytes, (i + 1) * 0x10000);
	});
	m.pc = kernel.entry;
	return {boot: bootStateOf(m), labels: kernel.labels};
}

/** A guest spec for the mini kernel; `pv` builds the PV kernel and references the native build. */
export function miniSpec(name: string, users: string[], options: {pv?: boolean; defines?: Record<string, number>} = {}): GuestSpec {
	const native = miniGuest(users, options.defines);
	const run = options.pv ? miniGuest(users, {...options.defines, PV: 1}) : native;
	const kernelNames = new Symbolizer(run.labels);
	const nativeNames = new Symbolizer(native.labels);
	return {
		name,
		boot: run.boot,
		reference: native.boot,
		sharedPage: options.pv ? run.labels.get('pv_vcpu') : undefined,
		compareMemoryFrom: options.pv ? 0x10000 : 0,
		symbolize: (supervisor, pc) => (supervisor ? kernelNames.name(pc) : `user+0x${pc.toString(16)}`),
		referenceSymbolize: (supervisor, pc) => (supervisor ? nativeNames.name(pc) : `user+0x${pc.toString(16)}`),
	};
}

/** Run a boot state natively to its end: the reference. */
export function runNative(boot: BootState, profile: Profile = classic): {machine: Machine; output: string} {
	const m = new Machine({memorySize: boot.memory.length, profile});
	m.load(boot.memory);
	m.pc = boot.pc;
	let output = '';
	runHeadless(m, {maxInstructions: 5_000_000, onOutput: (t) => (output += t)});
	return {machine: m, output};
}

/** A sample scenario (samples/scenarios/NAME.json) with some keys changed. */
export function sampleScenario(name: string, changes: Partial<Scenario> = {}): Scenario {
	return {...loadScenario(fileURLToPath(new URL(`../../samples/scenarios/${name}.json`, import.meta.url))), ...changes};
}
