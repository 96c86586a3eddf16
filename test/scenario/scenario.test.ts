import {readdirSync, writeFileSync} from 'node:fs';
import * as path from 'node:path';
import {describe, expect, test} from 'vitest';
import {scratchDir} from '../helpers/scratch.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {AssemblyFailed, formatAsmError} from '../../source/isa/program.js';
import {KernelSimulation, buildSimulation} from '../../source/scenario/build.js';
import {ScenarioError, loadScenario, parseScenario, scenarioFromFlags} from '../../source/scenario/scenario.js';

const X = 'samples/scenarios/x.json';
const parse = (value: unknown, file = X) => parseScenario(JSON.stringify(value), file);
const message = (value: unknown): string => {
	try {
		parse(value);
	} catch (error) {
		expect(error).toBeInstanceOf(ScenarioError);
		return (error as Error).message;
	}
	throw new Error('accepted');
};

describe('parseScenario', () => {
	test('defaults, and paths relative to the scenario file', () => {
		const s = parse({programs: ['../user/hello.s']});
		expect(s).toMatchObject({
			file: X,
			name: 'x',
			programs: ['samples/user/hello.s'],
			input: '',
			isa: 'classic',
			memory: 1 << 20,
			vmm: 'none',
			type: 1,
			vms: 1,
			costs: {},
		});
		expect(s.kernel).toMatch(/samples[/\\]os[/\\]kernel\.s$/);
		expect(s.maxInstructions).toBeUndefined();
	});

	test('every key', () => {
		const s = parse({
			name: 'n',
			description: 'd',
			kernel: '../os/hostile.s',
			input: '3\n',
			isa: 'profiles/mine.json',
			memory: 524288,
			maxInstructions: 1000,
			vmm: 'trap',
			type: 2,
			vms: [{programs: ['../user/c.s'], input: 'q', name: 'g0', kernel: 'k.s'}, {programs: ['../user/d.s']}],
			costs: {vmmRoundTrip: 500, iret: 0},
		});
		expect(s).toEqual({
			file: X,
			name: 'n',
			description: 'd',
			kernel: 'samples/os/hostile.s',
			programs: [],
			input: '3\n',
			isa: 'samples/scenarios/profiles/mine.json',
			memory: 524288,
			maxInstructions: 1000,
			vmm: 'trap',
			type: 2,
			vms: [
				{programs: ['samples/user/c.s'], input: 'q', name: 'g0', kernel: 'samples/scenarios/k.s'},
				{programs: ['samples/user/d.s'], input: ''},
			],
			costs: {vmmRoundTrip: 500, iret: 0},
		});
	});

	test('a bad value: the message names the file, the key and what was expected', () => {
		expect(message({programs: ['a.s'], isa: 42})).toBe(
			'samples/scenarios/x.json: key "isa": expected "classic", "pentium" or a profile file (.json), got 42',
		);
	});

	test('an unknown key is rejected by name', () => {
		expect(message({programs: ['a.s'], progams: ['b.s']})).toBe(
			'samples/scenarios/x.json: unknown key "progams" (expected one of name, description, kernel, programs, input, inputFile, isa, memory, maxInstructions, vmm, type, vms, costs, nested, transient)',
		);
		expect(message({vmm: 'trap', vms: [{programs: ['a.s'], cpu: 2}]})).toMatch(/unknown key "vms\[0\]\.cpu"/);
		expect(message({programs: ['a.s'], costs: {fast: 1}})).toMatch(/unknown key "costs\.fast" \(expected one of instruction, exception, iret, vmmRoundTrip, emulate, reflect, btScan, hostOs, interpret\)/);
	});

	test.each([
		[{}, 'key "programs": expected a list of one or more user-program paths like ["../user/hello.s"], got nothing'],
		[{programs: 'a.s'}, 'key "programs": expected a list of one or more user-program paths'],
		[{programs: []}, 'key "programs": expected a list of one or more'],
		[{programs: ['a.s', 3]}, 'key "programs[1]": expected a file path (relative to the scenario), got 3'],
		[{programs: ['a.s'], name: 7}, 'key "name": expected a string, got 7'],
		[{programs: ['a.s'], kernel: ''}, 'key "kernel": expected a file path (relative to the scenario), got ""'],
		[{programs: ['a.s'], input: ['x']}, 'key "input": expected a string, got ["x"]'],
		[{programs: ['a.s'], isa: 'x86'}, 'key "isa": expected "classic", "pentium" or a profile file (.json), got "x86"'],
		[{programs: ['a.s'], memory: 1000}, 'key "memory": expected a number of bytes, a multiple of 4 from 65536 to 1073741824, got 1000'],
		[{programs: ['a.s'], memory: '1M'}, 'key "memory": expected a number of bytes'],
		[{programs: ['a.s'], maxInstructions: 0}, 'key "maxInstructions": expected a whole number ≥ 1, got 0'],
		[{programs: ['a.s'], maxInstructions: 1.5}, 'key "maxInstructions": expected a whole number ≥ 1, got 1.5'],
		[{programs: ['a.s'], vmm: 'kvm'}, 'key "vmm": expected "none", "trap", "bt", "pv" or "hvm", got "kvm"'],
		[{programs: ['a.s'], vmm: 'trap', type: 3}, 'key "type": expected 1 (VMM on bare metal) or 2 (hosted VMM), got 3'],
		[{programs: ['a.s'], type: 2}, 'key "type": expected 1 when "vmm" is "none"'],
		[{programs: ['a.s'], vms: 2}, 'key "vms": expected 1 when "vmm" is "none"'],
		[{programs: ['a.s'], vmm: 'bt', vms: 0}, 'key "vms": expected a number of guests from 1 to 16, or a list of guests, got 0'],
		[{vmm: 'pv', vms: [{}]}, 'key "vms[0].programs": expected a list of one or more user-program paths'],
		[{vmm: 'pv', vms: ['a.s']}, 'key "vms[0]": expected a guest like {"programs": ["../user/hello.s"], "input": "3\\n"}, got "a.s"'],
		[{programs: ['a.s'], costs: {iret: -1}}, 'key "costs.iret": expected a whole number of cycles from 0 to 1000000, got -1'],
		[{programs: ['a.s'], costs: {iret: 1e308}}, 'key "costs.iret": expected a whole number of cycles from 0 to 1000000, got 1e+308'],
		[{programs: ['a.s'], costs: {iret: 2.5}}, 'key "costs.iret": expected a whole number of cycles from 0 to 1000000, got 2.5'],
		[{programs: ['a.s'], vmm: 'trap', vms: [{programs: ['b.s']}]}, 'keys "programs" and "vms": when "vms" lists the guests, each guest names its own "programs"'],
		[{programs: ['a.s'], vmm: 'trap', vms: 16, memory: 1 << 30}, 'keys "vms" × "memory": 16 guests × 1073741824 bytes = 17179869184 bytes; the real machine holds at most 1073741824 bytes (1024 MiB) in all'],
		[{vmm: 'trap', vms: [{programs: ['a.s']}, {programs: ['b.s']}], memory: 1 << 30}, 'keys "vms" × "memory": 2 guests × 1073741824 bytes'],
		[{programs: ['a.s'], vmm: 'trap', vms: 17}, 'key "vms": expected a number of guests from 1 to 16, or a list of guests, got 17'],
		[{programs: ['a.s'], costs: []}, 'key "costs": expected an object like {"vmmRoundTrip": 500}, got []'],
		[{programs: ['a.s'], input: 'x', inputFile: 'x.txt'}, 'keys "input" and "inputFile": give one or the other, not both'],
		[{programs: ['a.s'], inputFile: 'no-such-input.txt'}, 'key "inputFile": cannot read samples/scenarios/no-such-input.txt: ENOENT'],
		[[1], 'expected the scenario: an object like {"programs": ["../user/hello.s"]}, got [1]'],
	])('%j', (value, expected) => {
		const m = message(value);
		expect(m.startsWith(`${X}: `)).toBe(true);
		expect(m).toContain(expected);
	});

	test('a key given twice is reported, not silently last-wins', () => {
		expect(() => parseScenario('{"programs": ["a.s"],\n "memory": 65536,\n "memory": 131072}', X)).toThrow(
			'samples/scenarios/x.json: line 3, column 2: key "memory" is given twice (JSON keeps only the last; remove one)',
		);
		// The same key in two different objects is fine.
		expect(parseScenario('{"vmm": "trap", "vms": [{"programs": ["a.s"], "name": "a"}, {"programs": ["b.s"], "name": "b"}]}', X).vms).toHaveLength(2);
	});

	test('a deeply nested scenario: a message naming the file, not a stack overflow', () => {
		const deep = '{"programs": ["a.s"], "description": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
		expect(() => parseScenario(deep, X)).toThrow(/^samples\/scenarios\/x\.json: line 1, column \d+: nested more than 64 levels deep$/);
	});

	test('not JSON', () => {
		expect(() => parseScenario('{"programs": [', X)).toThrow(/^samples\/scenarios\/x\.json: not valid JSON/);
	});

	test('inputFile is read relative to the scenario', () => {
		const dir = scratchDir('vmtop-scenario-');
		writeFileSync(path.join(dir, 'in.txt'), '5\n');
		const file = path.join(dir, 's.json');
		writeFileSync(file, JSON.stringify({programs: ['p.s'], inputFile: 'in.txt'}));
		expect(loadScenario(file)).toMatchObject({input: '5\n', programs: [path.join(dir, 'p.s')]});
	});

	test('a missing file', () => {
		expect(() => loadScenario('samples/scenarios/none.json')).toThrow('samples/scenarios/none.json: cannot read the scenario: ENOENT');
	});
});

describe('the sample scenarios', () => {
	const files = readdirSync('samples/scenarios').filter((f) => f.endsWith('.json'));
	const expectedCode: Record<string, number> = {'hostile.json': 99};

	test('there is a default one, and a few more', () => {
		expect(files).toContain('default.json');
		expect(files.length).toBeGreaterThanOrEqual(4);
	});

	test.each(files)('%s runs to its power-off', (name) => {
		const scenario = loadScenario(`samples/scenarios/${name}`);
		const sim = buildSimulation(scenario);
		const {stop} = runHeadless(sim, {maxInstructions: scenario.maxInstructions ?? 10_000_000});
		expect(stop).toMatchObject({reason: 'poweroff', code: expectedCode[name] ?? 0});
	});

	test('default.json: hello, hanoi, counter and fault on the classic profile', () => {
		const scenario = loadScenario('samples/scenarios/default.json');
		expect(scenario.programs.map((p) => path.basename(p))).toEqual(['hello.s', 'hanoi.s', 'counter.s', 'fault.s']);
		expect(scenario).toMatchObject({isa: 'classic', vmm: 'none'});
		const sim = buildSimulation(scenario);
		expect(sim).toBeInstanceOf(KernelSimulation);
		expect(sim.description).toMatchObject({name: 'default', isa: 'classic', vmm: 'none', type: 1, guests: 1});
		expect(sim.spec).toBe(scenario);
		expect(Object.keys(sim.symbolTables())).toEqual([
			'samples/os/kernel.s',
			'samples/user/hello.s',
			'samples/user/hanoi.s',
			'samples/user/counter.s',
			'samples/user/fault.s',
		]);
		let output = '';
		runHeadless(sim, {onOutput: (t) => (output += t)});
		expect(output).toContain('[kernel] pid 4 killed: #DE at 0x');
		expect(output).toContain('7. step: move disk 1 from rod 1 to rod 3');
		expect(sim.guests()).toEqual([{index: -1, name: 'default', state: 'stopped', instructions: sim.instret, exitCode: 0}]);
	});
});

describe('buildSimulation', () => {
	test('a user program that does not assemble: every error with file:line:col, and nothing runs', () => {
		const dir = scratchDir('vmtop-scenario-');
		writeFileSync(path.join(dir, 'bad.s'), '_start: mov r0, 1\n        frob r1\n        add r1, r2\n');
		const scenario = scenarioFromFlags({programs: ['samples/user/hello.s', path.join(dir, 'bad.s')]});
		let error: unknown;
		try {
			buildSimulation(scenario);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(AssemblyFailed);
		expect((error as AssemblyFailed).errors.map(formatAsmError)).toEqual([
			`${path.join(dir, 'bad.s')}:2:9: unknown mnemonic 'frob'`,
			`${path.join(dir, 'bad.s')}:3:9: 'add' expects 3 operands (rd, rs, src), got 2`,
		]);
	});

	test('a missing program is reported like an assembler error', () => {
		expect(() => buildSimulation(scenarioFromFlags({programs: ['samples/user/none.s']}))).toThrow(
			"samples/user/none.s:1:1: cannot read 'samples/user/none.s'",
		);
	});

	test('a profile file that cannot be read names the key', () => {
		const scenario = {...scenarioFromFlags({programs: ['samples/user/hello.s']}), file: X, isa: 'samples/scenarios/none.json'};
		expect(() => buildSimulation(scenario)).toThrow(`${X}: key "isa": cannot read samples/scenarios/none.json: ENOENT`);
	});

	test('from flags: the programs on the sample kernel, pentium profile', () => {
		const sim = buildSimulation(
			scenarioFromFlags({programs: ['samples/user/hello.s', 'samples/user/hello.s'], isa: 'pentium', memory: 1 << 19}),
		);
		expect(sim.description).toMatchObject({name: 'hello', isa: 'pentium'});
		expect(sim.machine.memorySize).toBe(1 << 19);
		let output = '';
		runHeadless(sim, {onOutput: (t) => (output += t)});
		expect(output.match(/hello from pid [12]\n/g)).toHaveLength(6);
	});
});
