/**
 * One flag table, one parser (issue 11 §3, issue 13 §5): the commands that
 * build a simulation take the same flags with the same limits and messages,
 * a flag without its value is an error, and only vmtop's own user errors are
 * reported as the user's mistake. In process, through the command functions,
 * as source/cli.ts calls them (a thrown error goes through reportUserError).
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterAll, afterEach, beforeEach, describe, expect, test, vi} from 'vitest';
import {parseCommand} from '../../source/cli/args.js';
import {mainHelp} from '../../source/cli/commands.js';
import {dashboardCommand} from '../../source/cli/dashboard.js';
import {disasmCommand} from '../../source/cli/disasm.js';
import {FLAGS, type FlagName, SIMULATION_FLAGS, flagHelp, flagName} from '../../source/cli/flags.js';
import {recordCommand} from '../../source/cli/record.js';
import {replayCommand} from '../../source/cli/replay.js';
import {runCommand} from '../../source/cli/run.js';
import {statsCommand} from '../../source/cli/stats.js';
import {INTERNAL_ERROR, reportUserError} from '../../source/cli/user-error.js';
import {ScenarioError} from '../../source/scenario/scenario.js';
import {buildRun} from '../../source/driver/run-factory.js';
import {UsageError, UserError} from '../../source/user-error.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vmtop-flags-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

let out = '';
let err = '';
const savedNoColor = process.env['NO_COLOR'];
const savedForceColor = process.env['FORCE_COLOR'];
beforeEach(() => {
	out = '';
	err = '';
	vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
	vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
	vi.restoreAllMocks();
	for (const [key, value] of [['NO_COLOR', savedNoColor], ['FORCE_COLOR', savedForceColor]] as const) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}
});

type Command = (argv: string[]) => Promise<number>;

/** What `vmtop …` would exit with: source/cli.ts sends a thrown error through reportUserError. */
async function vmtop(command: Command, argv: string[]): Promise<number> {
	try {
		return await command(argv);
	} catch (error) {
		return reportUserError(error);
	}
}

const trace = (name: string): string => path.join(dir, name);

/** The four commands that build a simulation, each as `vmtop …` would call it. */
const simulationCommands: Array<[string, Command]> = [
	['run', (argv) => runCommand(['--headless', ...argv])],
	['stats', statsCommand],
	['record', (argv) => recordCommand(['-o', trace(`never-${Math.random()}.jsonl`), ...argv])],
	['dashboard', (argv) => dashboardCommand(['--headless', ...argv])],
];

describe('the disagreements of issue 11 §3, now one rule', () => {
	test('stats --vms 100 --vmm trap is refused: 16 guests at most, as everywhere', async () => {
		expect(await vmtop(statsCommand, ['--vms', '100', '--vmm', 'trap'])).toBe(2);
		expect(err).toBe("--vms expects a number of guests from 1 to 16, got '100'\n");
		expect(out).toBe('');
	});

	test('vmtop --vmm none --vms 3 --headless is refused instead of running one guest', async () => {
		expect(await vmtop(dashboardCommand, ['--vmm', 'none', '--vms', '3', '--headless'])).toBe(2);
		expect(err).toBe('several guests need a VMM: --vms 3 with --vmm none; add --vmm trap, bt, pv or hvm\n');
		expect(out).not.toMatch(/stopped:/);
	});

	test.each(simulationCommands)('%s: the same limits and the same messages', async (_name, command) => {
		const cases: Array<[string[], string]> = [
			[['--vms', '3'], `several guests need a VMM: --vms 3 without --vmm (the scenario's "vmm" is "none"); add --vmm trap, bt, pv or hvm\n`],
			[['--vmm', 'none', '--vms', '3'], 'several guests need a VMM: --vms 3 with --vmm none; add --vmm trap, bt, pv or hvm\n'],
			[['--vms', '17', '--vmm', 'trap'], "--vms expects a number of guests from 1 to 16, got '17'\n"],
			[['--vms', '0', '--vmm', 'trap'], "--vms expects a number of guests from 1 to 16, got '0'\n"],
			[['--vmm', 'kvm'], "--vmm expects one of none, trap, bt, pv, hvm; got 'kvm'\n"],
			[['--type', '3'], "--type expects 1 or 2, got '3'\n"],
			[['--type', '2'], `--type 2 needs a VMM (Type II is a VMM hosted by an OS) without --vmm (the scenario's "vmm" is "none"); add --vmm trap, bt, pv or hvm\n`],
			[['--isa', 'vax'], "--isa expects classic, pentium or a profile FILE.json; got 'vax'\n"],
			[['--max-instructions', '0'], "--max-instructions expects a whole number ≥ 1, got '0'\n"],
			[['--max-instructions='], "--max-instructions expects a whole number ≥ 1, got ''\n"],
			[['--engine', 'fast'], "--engine expects one of interp, jit; got 'fast'\n"],
		];
		for (const [argv, message] of cases) {
			err = '';
			expect(await vmtop(command, argv), argv.join(' ')).toBe(2);
			expect(err, argv.join(' ')).toBe(message);
		}
	});

	test('record takes --vmm: record --vmm trap --vms 2 -o F records two guests under trap-and-emulate', async () => {
		const file = trace('two-guests.jsonl');
		expect(await vmtop(recordCommand, ['--vmm', 'trap', '--vms', '2', '-o', file, '--max-instructions', '30000'])).toBe(0);
		const header = JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!);
		expect(header.vmm).toMatchObject({technique: 'trap', guests: 2});
		expect(header.scenario.maxInstructions).toBe(30000);
		out = '';
		expect(await vmtop(replayCommand, ['--verify', file])).toBe(0);
		expect(out).toMatch(/the rerun agrees with the trace/);
		// --engine chooses the engine of --verify's rerun, and only goes with --verify.
		out = '';
		expect(await vmtop(replayCommand, ['--verify', '--engine', 'interp', file])).toBe(0);
		expect(out).toMatch(/the rerun agrees with the trace/);
		expect(await vmtop(replayCommand, ['--summary', '--engine', 'interp', file])).toBe(2);
		expect(err).toMatch(/--engine chooses the engine of the rerun: it goes with --verify\n$/);
	});

	test('--vms does not replace a scenario’s list of guests (their programs would be dropped)', async () => {
		const list = path.join(dir, 'list.json');
		const hello = path.resolve('samples/user/hello.s');
		writeFileSync(list, JSON.stringify({vmm: 'trap', vms: [{programs: [hello]}, {programs: [hello]}]}));
		for (const [name, command] of simulationCommands) {
			err = '';
			expect(await vmtop(command, [list, '--vms', '3']), name).toBe(2);
			expect(err, name).toBe(`--vms 3: ${list} lists its 2 guests ("vms": [...]); --vms sets a number of guests, not a list: edit the list\n`);
		}
	});

	test('a bare program has no kernel to put under a VMM, in run, record and the dashboard alike', async () => {
		for (const [name, command] of simulationCommands.filter(([n]) => n !== 'stats')) {
			err = '';
			expect(await vmtop(command, ['samples/bare/hello.s', '--vmm', 'trap']), name).toBe(2);
			expect(err, name).toBe('--vmm: the VMM flags need a kernel (user programs or a scenario); samples/bare/hello.s is a bare program\n');
		}
	});
});

describe('a flag without its value is an error (issue 13 §5)', () => {
	test('run --headless --max-instructions: no value, nothing runs', async () => {
		expect(await vmtop(runCommand, ['--headless', '--max-instructions'])).toBe(2);
		expect(err).toMatch(/^--max-instructions needs a value \(N\)\n/);
		expect(out).toBe('');
	});

	test('a flag is not taken as the value of the one before it', async () => {
		expect(await vmtop(runCommand, ['--max-instructions', '--headless'])).toBe(2);
		expect(err).toMatch(/^--max-instructions needs a value \(N\), got the flag --headless/);
	});

	test('--user with nothing does not run the default scenario', async () => {
		expect(await vmtop(runCommand, ['--headless', '--user'])).toBe(2);
		expect(err).toMatch(/^--user needs a value \(FILE\.s\)\n/);
		err = '';
		expect(await vmtop(runCommand, ['--headless', '--user', ''])).toBe(2);
		expect(err).toBe('--user expects a FILE.s, got an empty value\n');
		expect(out).toBe('');
	});

	test('a boolean flag takes no value; a flag given twice is refused', async () => {
		expect(await vmtop(runCommand, ['--headless=no'])).toBe(2);
		expect(err).toMatch(/^--headless takes no value, got 'no'\n/);
		err = '';
		expect(await vmtop(runCommand, ['--headless', '--vmm', 'trap', '--vmm', 'bt'])).toBe(2);
		expect(err).toMatch(/^--vmm is given more than once\n/);
	});

	test('an unknown flag names itself; a flag of another command says so', async () => {
		expect(await vmtop(runCommand, ['--headless', '--frobnicate'])).toBe(2);
		expect(err).toBe('Unknown flag --frobnicate\n(vmtop run --help lists its flags)\n');
		err = '';
		expect(await vmtop(replayCommand, ['x.jsonl', '--vmm', 'trap'])).toBe(2);
		expect(err).toMatch(/^Unknown flag --vmm: vmtop replay does not take it\n/);
	});

	test('run --headless --max-instructions 1 runs one instruction', async () => {
		expect(await vmtop(runCommand, ['samples/bare/hello.s', '--headless', '--max-instructions', '1'])).toBe(1);
		expect(out).toMatch(/^instructions: +1$/m);
	});
});

describe('--no-color (no-color.org)', () => {
	test('every command takes it, and it sets NO_COLOR for the process', async () => {
		delete process.env['NO_COLOR'];
		expect(await vmtop(runCommand, ['samples/bare/hello.s', '--headless', '--no-color'])).toBe(0);
		expect(out).toContain('Hello, V32!');
		expect(process.env['NO_COLOR']).toBe('1');
		expect(process.env['FORCE_COLOR']).toBe('0');
		const parsed = parseCommand({command: 'vmtop check', usage: '', flags: ['isa']}, ['--no-color']);
		expect(parsed).toEqual({input: [], flags: {noColor: true}});
	});
});

describe('--define NAME or NAME=VALUE (issue 13 §5)', () => {
	const source = path.join(dir, 'define.s');
	writeFileSync(source, '.ifdef SHOW\n        mov r1, A\n.endif\n        mov r2, 7\n');

	test('NAME=VALUE defines NAME as VALUE; a bare NAME is defined (1) for .ifdef', async () => {
		expect(await vmtop(disasmCommand, [source, '--define', 'A=0x1234', '-D', 'SHOW'])).toBe(0);
		expect(out).toBe('\tmov r1, 0x1234\n\tmov r2, 0x7\n');
		out = '';
		expect(await vmtop(disasmCommand, [source, '-D', 'A=5', '-D', 'SHOW'])).toBe(0);
		expect(out).toBe('\tmov r1, 0x5\n\tmov r2, 0x7\n');
		out = '';
		expect(await vmtop(disasmCommand, [source, '--define', 'A=5'])).toBe(0);
		expect(out).toBe('\tmov r2, 0x7\n');
	});

	test.each([
		['r1', "--define r1: 'r1' is a register name and cannot be defined\n"],
		['', "--define expects NAME or NAME=VALUE, NAME a letter or _ then letters, digits, _ or .; got ''\n"],
		['A B', "--define expects NAME or NAME=VALUE, NAME a letter or _ then letters, digits, _ or .; got 'A B'\n"],
		['A=', "--define A=… expects an integer from -2147483648 to 4294967295 (decimal or 0x…), got ''\n"],
		['A=five', "--define A=… expects an integer from -2147483648 to 4294967295 (decimal or 0x…), got 'five'\n"],
		['add', "--define add: 'add' is a mnemonic and cannot be defined\n"],
	])('--define %j is rejected with a message', async (value, message) => {
		expect(await vmtop(disasmCommand, [source, '--define', value])).toBe(2);
		expect(err).toBe(message);
		expect(out).toBe('');
	});
});

describe('only vmtop’s own user errors are the user’s mistake', () => {
	test('a UserError: its message, no stack, exit 1; a UsageError: exit 2', () => {
		const lines: string[] = [];
		expect(reportUserError(new ScenarioError('x.json: unknown key "progams"'), (t) => lines.push(t))).toBe(1);
		expect(lines).toEqual(['vmtop: x.json: unknown key "progams"\n']);
		expect(new ScenarioError('') instanceof UserError).toBe(true);
		lines.length = 0;
		expect(reportUserError(new UsageError('--vms expects …'), (t) => lines.push(t))).toBe(2);
		expect(lines).toEqual(['--vms expects …\n']);
	});

	test.each([new RangeError('memory size must be a positive multiple of 4'), new TypeError("Cannot read properties of undefined (reading 'vector')")])(
		'a %s from vmtop’s code is a bug: said so, with the stack, non-zero',
		(error) => {
			const lines: string[] = [];
			const code = reportUserError(error, (t) => lines.push(t));
			expect(code).toBe(INTERNAL_ERROR);
			expect(code).not.toBe(0);
			const text = lines.join('');
			expect(text).toMatch(/^vmtop: internal error — a bug in vmtop, not in your input/);
			expect(text).toContain(`${error.name}: ${error.message}`);
			expect(text).toMatch(/\n +at /); // the stack
		},
	);
});

describe('input mistakes that the machine would refuse with a RangeError are reported as input errors', () => {
	test('a bare program larger than --memory', async () => {
		const big = path.join(dir, 'big.s');
		writeFileSync(big, '        .org 0x11000\n        .word 1\n');
		expect(await vmtop(runCommand, [big, '--headless', '--memory', '65536'])).toBe(1);
		expect(err).toBe(`vmtop: ${big}: the program's image of 69636 bytes does not fit in 65536 bytes of memory (--memory)\n`);
	});

	test('guests × memory beyond the real memory', async () => {
		expect(await vmtop(runCommand, ['--headless', '--vmm', 'trap', '--vms', '2', '--memory', String(1 << 30)])).toBe(1);
		expect(err).toMatch(/: keys "vms" × "memory": 2 guests × 1073741824 bytes = 2147483648 bytes; the real machine holds at most 1073741824 bytes/);
		expect(err).not.toMatch(/internal error|RangeError/);
	});
});

describe('--help tells the truth, from the table', () => {
	/** Each shared flag's rows (the flag, then its wrapped help) as the table renders them. */
	const blocks = (): string[] => {
		const text = flagHelp(SIMULATION_FLAGS);
		return SIMULATION_FLAGS.map((flag) => {
			const lines = text.split('\n');
			const at = lines.findIndex((line) => line.startsWith(`  ${flagName(flag)} `));
			const rest = lines.slice(at + 1);
			const end = rest.findIndex((line) => line.startsWith('  -'));
			return [lines[at]!, ...rest.slice(0, end)].join('\n');
		});
	};

	test.each([
		['run', runCommand],
		['stats', statsCommand],
		['record', recordCommand],
		['dashboard', dashboardCommand],
	] as const)('%s --help lists every shared flag with the same text', async (_name, command) => {
		expect(await command(['--help'])).toBe(0);
		const shown = blocks();
		expect(shown).toHaveLength(SIMULATION_FLAGS.length);
		for (const block of shown) expect(out).toContain(block);
		expect(out).toContain('--no-color');
		expect(out).toContain('-h, --help');
	});

	test('vmtop --help names every shared flag with its value', () => {
		for (const flag of SIMULATION_FLAGS) expect(mainHelp).toContain(`${flagName(flag)} ${FLAGS[flag].arg}`);
		expect(mainHelp).toContain('--no-color');
	});

	test.each([
		['run', runCommand],
		['stats', statsCommand],
		['record', recordCommand],
		['dashboard', dashboardCommand],
		['replay', replayCommand],
		['disasm', disasmCommand],
	] as const)('every flag %s --help lists is accepted by it', async (name, command) => {
		expect(await command(['--help'])).toBe(0);
		const listed = [...out.split('\nFlags\n')[1]!.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
		expect(listed.length).toBeGreaterThan(3);
		const sample: Record<string, string> = {vmm: 'trap', vms: '2', type: '1', isa: 'classic', input: 'x', maxInstructions: '5', engine: 'interp', attachAt: '100:bt', detachAt: '200', user: 'a.s', kernel: 'k.s', memory: '65536', speed: 'max', output: 'x', detail: 'full', sampleEvery: '0', define: 'A=1'};
		for (const flag of listed.filter((f) => f !== '--help')) {
			const key = flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as FlagName;
			// Tokens are checked in order: the listed flag passes, so the parser stops at the unknown one after it.
			const argv = FLAGS[key].boolean ? [flag, '--zzz'] : [flag, sample[key]!, '--zzz'];
			err = '';
			expect(await vmtop(command, argv), `${name} ${argv.join(' ')}`).toBe(2);
			expect(err, `${name} ${argv.join(' ')}`).toMatch(/^Unknown flag --zzz\n/);
		}
	});
});

describe('what the parsed flags do', () => {
	test('--engine is parsed and left undefined when not given (the engine decides its default)', () => {
		const spec = {command: 'vmtop run', usage: '', flags: SIMULATION_FLAGS};
		expect(parseCommand(spec, ['--engine', 'interp'])).toEqual({input: [], flags: {engine: 'interp'}});
		expect(parseCommand(spec, [])).toEqual({input: [], flags: {}});
	});

	test('--journeys goes with run --json', async () => {
		expect(await vmtop(runCommand, ['--headless', '--journeys'])).toBe(2);
		expect(err).toBe('--journeys adds the journeys to the JSON summary: it goes with --json\n');
		const parsed = parseCommand({command: 'vmtop run', usage: '', flags: ['json', 'journeys']}, ['--json', '--journeys']);
		expect(parsed).toEqual({input: [], flags: {json: true, journeys: true}});
	});

	test('the live dashboard stops at --max-instructions, exactly', () => {
		const run = buildRun({flags: {maxInstructions: 1234}, live: true});
		let ran = 0;
		for (let i = 0; i < 10 && !run.sim.stopped; i++) ran += run.sim.run(1000);
		expect(ran).toBe(1234);
		expect(run.sim.instret).toBe(1234);
		expect(run.sim.stopped).toMatchObject({reason: 'instruction-limit', message: 'stopped after the instruction limit of 1234'});
		// A restart (v, i) keeps the limit.
		const again = run.factory({vmm: 'trap'});
		again.run(5000);
		expect(again.instret).toBe(1234);
	});

	test('--input replaces the scenario’s console input (hanoi reads its number of disks)', async () => {
		expect(await vmtop(runCommand, ['--headless', '--user', 'samples/user/hanoi.s', '--input', '1\n', '--json'])).toBe(0);
		const one = JSON.parse(out).output as string;
		out = '';
		expect(await vmtop(runCommand, ['--headless', '--user', 'samples/user/hanoi.s', '--input', '2\n', '--json'])).toBe(0);
		const two = JSON.parse(out).output as string;
		expect(one).not.toMatch(/move disk 2/);
		expect(two).toMatch(/move disk 2/);
	});
});
