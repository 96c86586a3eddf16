/**
 * `vmtop [SCENARIO | PROGRAM.s]`: the live dashboard. Not a terminal (stdout
 * piped, CI): runs headless and prints the summary instead.
 */
import process from 'node:process';
import {runHeadless} from '../cpu/headless.js';
import {formatSummary, summarize} from '../cpu/summary.js';
import {type VmmTechnique, vmmTechniques} from '../scenario/simulation.js';
import {type Run, type RunRequest, buildRun} from '../ui/driver/run-factory.js';
import type {Speed} from '../ui/driver/source.js';
import {parseSpeed} from '../ui/driver/speed.js';
import {UsageError, oneOf, parseArgs, positiveInteger} from './args.js';
import {loadProfile} from './profile-flag.js';
import {reportUserError} from './user-error.js';

const help = `
Usage
  $ vmtop [SCENARIO.json | PROGRAM.s] [flags]

The live dashboard: the CPU's fetch-execute, exceptions, the OS and the VMM
side by side, one row per event. With no argument it runs the package's
samples/scenarios/default.json; PROGRAM.s runs a bare program (no kernel).
Press ? in the dashboard for every key; q quits.

When stdout is not a terminal (piped, CI) it runs headless instead and
prints the console output and a summary, like 'vmtop run --headless'.

Flags
  --vmm none|trap|bt|pv   VMM technique (replaces the scenario's)
  --isa classic|pentium|FILE.json   ISA profile (replaces the scenario's)
  --type 1|2              VMM type: 1 bare metal, 2 hosted
  --vms N                 number of guests under the VMM
  --speed N|max           instructions per second to start with (default 300)
  --paused                start paused (space runs)
  --headless              print the summary instead of showing the dashboard
  --no-color              no colours (NO_COLOR=1 does the same)
`;

const flags = {
	vmm: {type: 'string'},
	isa: {type: 'string'},
	type: {type: 'number'},
	vms: {type: 'number'},
	speed: {type: 'string'},
	paused: {type: 'boolean'},
	headless: {type: 'boolean'},
	color: {type: 'boolean'},
} as const;

/** As Ink decides it: a CI environment renders no live frames. */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
	if (env['CI'] === '0' || env['CI'] === 'false') return false;
	return 'CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_'));
}

/** A terminal that cannot move the cursor (TERM=dumb: Emacs' shell, some CI logs) gets the headless summary, as a pipe does. */
export function dumbTerminal(env: NodeJS.ProcessEnv = process.env): boolean {
	return env['TERM'] === 'dumb';
}

/**
 * No colours: --no-color, NO_COLOR (no-color.org), or a terminal whose terminfo
 * name says monochrome (`xterm-mono`, `linux-m`, `vt100-m`) or dumb.
 */
export function colorsOff(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
	const term = env['TERM'] ?? '';
	return flag === false || (env['NO_COLOR'] ?? '') !== '' || /-(mono|m)$/.test(term) || term === 'dumb';
}

export async function dashboardCommand(argv: string[]): Promise<number> {
	const parsed = parseArgs(help, argv, flags, import.meta);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length > 1) throw new UsageError(`expected one scenario or program, got ${input.length}: ${input.join(' ')}\n\n${help.trim()}`);
	const request: RunRequest = {file: input[0]};
	request.vmm = oneOf<VmmTechnique>(f.vmm, vmmTechniques, 'vmm');
	if (f.isa !== undefined) {
		loadProfile(f.isa); // the flag's own messages for a bad value
		request.isa = f.isa;
	}
	if (f.type !== undefined) {
		if (f.type !== 1 && f.type !== 2) throw new UsageError(`--type expects 1 or 2, got ${f.type}`);
		request.type = f.type;
	}
	request.vms = positiveInteger(f.vms, 'vms');
	let speed: Speed | undefined;
	if (f.speed !== undefined) {
		speed = parseSpeed(f.speed);
		if (speed === undefined) throw new UsageError(`--speed expects a number of instructions per second or max, got '${f.speed}'`);
	}
	const noColor = colorsOff(f.color);
	// chalk reads this when Ink is first imported (below, dynamically).
	if (noColor) process.env['FORCE_COLOR'] = '0';

	const terminal = process.stdout.isTTY === true && !inCi() && !dumbTerminal() && f.headless !== true;
	let run: Run;
	try {
		run = buildRun({...request, live: terminal});
	} catch (error) {
		return reportUserError(error);
	}
	if (!terminal) return headless(run);

	// React's development build is several times slower per frame; the dashboard is not a React dev session.
	process.env['NODE_ENV'] ??= 'production';
	const [{mountDashboard}, {LiveDriver}, {checkScreen}, {pvmScreen}, {builtinProfiles}, {liveProperties}] = await Promise.all([
		import('../ui/render.js'),
		import('../ui/driver/live-driver.js'),
		import('../ui/screens/check-screen.js'),
		import('../ui/screens/pvm-screen.js'),
		import('../isa/profiles.js'),
		import('../vmm/live-properties.js'),
	]);
	const driver = new LiveDriver(run.sim, {speed, paused: f.paused ?? false, factory: run.factory, properties: liveProperties});
	const profile = () => driver.simulation.machine.profile ?? builtinProfiles['classic']!;
	const code = await mountDashboard(driver, {screens: [checkScreen(profile), pvmScreen()], isaProfiles: run.isaProfiles});
	const sim = driver.simulation;
	process.stdout.write(`vmtop: ${sim.description.name} — ${sim.instret.toLocaleString('en-US')} instructions${sim.stopped ? `, ${sim.stopped.message}` : ''}\n`);
	return code;
}

/** Not a terminal: run to the end, stream the console, print the summary. */
function headless(run: Run): number {
	const sim = run.sim;
	const limit = (sim.spec as {maxInstructions?: number} | null)?.maxInstructions;
	const why = process.stdout.isTTY === true && dumbTerminal() ? 'TERM=dumb cannot draw the dashboard' : 'stdout is not a terminal (or CI is set)';
	process.stderr.write(`vmtop: ${why}: running headless\n`);
	const {stop, elapsedMs} = runHeadless(sim, {maxInstructions: limit, onOutput: (text) => process.stdout.write(text)});
	const summary = summarize(sim.machine, elapsedMs, stop);
	process.stdout.write(`\n${formatSummary(summary)}\n`);
	if (stop.reason !== 'poweroff') process.stderr.write(`vmtop: ${stop.message}\n`);
	return summary.exitCode;
}
