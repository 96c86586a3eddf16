/**
 * `vmtop [SCENARIO | PROGRAM.s]`: the live dashboard. Not a terminal (stdout
 * piped, CI): runs headless and prints the summary instead.
 */
import process from 'node:process';
import {runHeadless} from '../cpu/headless.js';
import {formatSummary, summarize} from '../cpu/summary.js';
import {type Run, buildRun} from '../driver/run-factory.js';
import type {Speed} from '../driver/source.js';
import {atMost, parseCommand} from './args.js';
import {SIMULATION_FLAGS} from './flags.js';
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
`;

const spec = {
	command: 'vmtop dashboard',
	usage: help,
	flags: [...SIMULATION_FLAGS, 'speed', 'paused', 'headless', 'journey', 'lecture'],
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
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	atMost(input, 1, 'one scenario or program', spec);
	const speed: Speed | undefined = f.speed;
	// NO_COLOR (or --no-color, which sets it): chalk reads FORCE_COLOR when Ink is first imported (below, dynamically).
	// A monochrome or dumb TERM counts too (colorsOff).
	if (colorsOff(undefined)) process.env['FORCE_COLOR'] = '0';

	const terminal = process.stdout.isTTY === true && !inCi() && !dumbTerminal() && f.headless !== true;
	let run: Run;
	try {
		run = buildRun({file: input[0], flags: f, live: terminal});
	} catch (error) {
		return reportUserError(error);
	}
	if (!terminal) return headless(run);

	// React's development build is several times slower per frame; the dashboard is not a React dev session.
	process.env['NODE_ENV'] ??= 'production';
	const [{mountDashboard}, {LiveDriver}, {checkScreen}, {pvmScreen}, {builtinProfiles}, {liveProperties}, {compareScreen}] = await withoutFetch(() =>
		Promise.all([
			import('../ui/render.js'),
			import('../driver/live-driver.js'),
			import('../ui/screens/check-screen.js'),
			import('../ui/screens/pvm-screen.js'),
			import('../isa/profiles.js'),
			import('../vmm/live-properties.js'),
			import('../ui/screens/compare-screen.js'),
		]),
	);
	const driver = new LiveDriver(run.sim, {speed, paused: f.paused ?? false, factory: run.factory, properties: liveProperties});
	const profile = () => driver.simulation.machine.profile ?? builtinProfiles['classic']!;
	const code = await mountDashboard(driver, {
		screens: [checkScreen(profile), pvmScreen(), compareScreen(run.scenario)],
		isaProfiles: run.isaProfiles,
		journey: f.journey === true || f.lecture === true,
		lecture: f.lecture === true,
	});
	const sim = driver.simulation;
	process.stdout.write(`vmtop: ${sim.description.name} — ${sim.instret.toLocaleString('en-US')} instructions${sim.stopped ? `, ${sim.stopped.message}` : ''}\n`);
	return code;
}

/**
 * Ink's layout engine (yoga, a WebAssembly build) loads its embedded binary
 * with `fetch` whenever `fetch` exists; Node's `fetch` is lazy and loading it
 * (undici) took a tenth of the time to the first frame. Hidden while the
 * dashboard's modules load, yoga takes its synchronous path; `fetch` is then
 * put back untouched (still unloaded).
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
	const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
	if (!fetch?.configurable) return load();
	Object.defineProperty(globalThis, 'fetch', {value: undefined, configurable: true, writable: true});
	try {
		return await load();
	} finally {
		Object.defineProperty(globalThis, 'fetch', fetch);
	}
}

/** Not a terminal: run to the end, stream the console, print the summary. */
function headless(run: Run): number {
	const sim = run.sim;
	const limit = run.maxInstructions;
	const why = process.stdout.isTTY === true && dumbTerminal() ? 'TERM=dumb cannot draw the dashboard' : 'stdout is not a terminal (or CI is set)';
	process.stderr.write(`vmtop: ${why}: running headless\n`);
	const {stop, elapsedMs} = runHeadless(sim, {maxInstructions: limit, onOutput: (text) => process.stdout.write(text)});
	const summary = summarize(sim.machine, elapsedMs, stop);
	process.stdout.write(`\n${formatSummary(summary)}\n`);
	if (stop.reason !== 'poweroff') process.stderr.write(`vmtop: ${stop.message}\n`);
	return summary.exitCode;
}
