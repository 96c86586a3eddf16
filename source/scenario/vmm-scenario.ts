/**
 * Scenario → the machine under the VMM (`vmm: trap | bt | pv`).
 *
 * Each guest is booted exactly as the kernel would be on the bare machine:
 * the OS level's own builder loads a native machine (kernel, programs, boot
 * information), and the VMM starts the guest from that machine's state. Under
 * `pv` the guest is the same kernel source assembled with the define `PV`,
 * while the equivalence reference stays the native build. Every guest gets an
 * OS observer of its own (stamped with its index), so the OS level shows per
 * guest.
 */
import type {EventBus} from '../bus/event-bus.js';
import {Symbolizer, type Program} from '../isa/program.js';
import {OsObserver} from '../os/observer.js';
import type {Engine} from '../cpu/engine.js';
import {assembleAll, kernelSimulation, scenarioProfile} from './build.js';
import {type GuestScenario, type Scenario, ScenarioError} from './scenario.js';
import {machineSizeProblem} from './scenario-schema.js';
import {type GuestSpec, buildVmmSimulation} from '../vmm/build.js';
import {bootStateOf} from '../vmm/guest.js';
import type {Technique} from '../vmm/monitor.js';
import type {VmmSimulation} from '../vmm/vmm-simulation.js';

export interface VmmScenarioOptions {
	bus?: EventBus;
	/** More console input may come later (the live dashboard). */
	live?: boolean;
	/** Guest instructions per time slice with several guests. */
	slice?: number;
	/** How the CPU executes (`--engine`). */
	engine?: Engine;
	/** Watch guests' memory for resource control (where the properties are measured). */
	watchMemory?: boolean;
}

/** The guests a scenario describes: `vms: N` copies of its programs, or one entry per guest. */
export function scenarioGuests(scenario: Scenario): Array<Required<Omit<GuestScenario, 'name'>> & {name: string}> {
	if (Array.isArray(scenario.vms)) {
		return scenario.vms.map((g, i) => ({
			name: g.name ?? `${scenario.name}.${i}`,
			kernel: g.kernel ?? scenario.kernel,
			programs: g.programs,
			input: g.input,
			isa: g.isa ?? scenario.isa,
		}));
	}
	return Array.from({length: scenario.vms}, (_, i) => ({
		name: scenario.vms === 1 ? scenario.name : `${scenario.name}.${i}`,
		kernel: scenario.kernel,
		programs: scenario.programs,
		input: scenario.input,
		isa: scenario.isa,
	}));
}

export function buildVmmScenario(scenario: Scenario, options: VmmScenarioOptions = {}): VmmSimulation {
	if (scenario.vmm === 'none') throw new Error('buildVmmScenario: the scenario has no VMM');
	const technique: Technique = scenario.vmm;
	const profile = scenarioProfile(scenario);
	const guests = scenarioGuests(scenario);
	// Every guest gets a partition of `memory` bytes in one real memory: the scenario's one rule (scenario-schema.ts).
	const tooBig = machineSizeProblem(guests.length, scenario.memory);
	if (tooBig) throw new ScenarioError(`${scenario.file || 'the command line'}: ${tooBig}`);
	const late: Array<OsObserver | undefined> = [];
	const builds = guests.map((g, index) => {
		const [kernel, ...programs] = assembleAll([g.kernel, ...g.programs]);
		const run = technique === 'pv' ? assembleAll([g.kernel], {PV: 1})[0]! : kernel!;
		// Family virtualization: the guest's own ISA profile (its native reference runs on it).
		const guestProfile = g.isa === scenario.isa ? profile : scenarioProfile(scenario, g.isa, `vms[${index}].isa`);
		const boot = (k: Program) =>
			kernelSimulation({kernel: k, programs, profile: guestProfile, memory: scenario.memory, input: g.input, costs: scenario.costs, engine: options.engine});
		const native = boot(kernel!);
		const guest = run === kernel ? native : boot(run);
		const kernelNames = new Symbolizer(run.labels);
		const nativeNames = new Symbolizer(kernel!.labels);
		const user = (pc: number) => late[index]?.symbolizeUser(pc) ?? native.observer.symbolizeUser(pc);
		// The build the VMM runs: under pv its kernel image (and so the regions above it) may differ in size.
		const codeMap = guest.codeMap();
		const spec: GuestSpec = {
			name: g.name,
			...(guestProfile === profile ? {} : {profile: guestProfile}),
			boot: bootStateOf(guest.machine),
			reference: run === kernel ? undefined : bootStateOf(native.machine),
			input: g.input,
			sharedPage: technique === 'pv' ? run.labels.get('pv_vcpu') : undefined,
			// Another kernel build: its image differs; the processes' regions above it must not.
			compareMemoryFrom: run === kernel ? 0 : Math.min(...[...native.boot.regions, ...guest.boot.regions].map((r) => r.base), scenario.memory),
			symbolize: (supervisor, pc) => (supervisor ? kernelNames.name(pc) : user(pc)),
			referenceSymbolize: (supervisor, pc) => (supervisor ? nativeNames.name(pc) : user(pc)),
			symbolTables: () => Object.fromEntries([run, ...programs].map((p) => [p.file, Object.fromEntries(p.labels)])),
			codeMap: () => codeMap,
		};
		native.observer.dispose();
		guest.observer.dispose();
		return {spec, kernel: run, programs};
	});
	const sim = buildVmmSimulation({
		technique,
		type: scenario.type,
		profile,
		costs: scenario.costs,
		memorySize: scenario.memory,
		guests: builds.map((b) => b.spec),
		slice: options.slice,
		inputOpen: options.live ?? false,
		bus: options.bus,
		engine: options.engine,
		watchMemory: options.watchMemory ?? false,
		name: scenario.name,
		spec: scenario,
	});
	const m = sim.machine;
	sim.observers = builds.map((b, i) => {
		const base = sim.guestList[i]!.partition.base;
		const observer = new OsObserver({
			bus: sim.bus,
			guest: i,
			readWord: (address) => m.mem32[(base + (address >>> 0)) >>> 2] ?? 0,
			readRegister: (index) => m.regs[index] ?? 0,
			kernel: b.kernel,
			programs: b.programs,
		});
		late[i] = observer;
		return observer;
	});
	return sim;
}
