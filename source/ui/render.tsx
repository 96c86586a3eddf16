/**
 * Mounting the dashboard on a terminal: the alternate screen, the hidden
 * cursor, raw mode (only when stdin is a terminal), and — whatever happens
 * (q, Ctrl-C, SIGINT, SIGTERM, SIGHUP, SIGQUIT, an uncaught error) — the terminal restored
 * and a trace being recorded (`R`) closed with its footer, so it replays.
 */
import process from 'node:process';
import {render} from 'ink';
import {Controller} from './controller.js';
import {Dashboard} from './dashboard.js';
import type {TraceEnd} from '../trace/format.js';
import type {Scheduler} from '../driver/pacing.js';
import type {DashboardSource} from '../driver/source.js';
import {recordingNotice} from './record-key.js';
import {ScreenRegistry} from './screens/registry.js';
import type {ScreenDefinition} from './screens/report.js';
import {DashboardStore} from './store/dashboard-store.js';
import {toggleJourneyMode} from './store/journey-actions.js';

export interface MountOptions {
	stdout?: NodeJS.WriteStream;
	stdin?: NodeJS.ReadStream;
	stderr?: NodeJS.WriteStream;
	/** Full-screen reports (`c`, `p`). */
	screens?: readonly ScreenDefinition[];
	/** ISA profiles `i` cycles through. */
	isaProfiles?: readonly string[];
	/** Use the alternate screen and hide the cursor (default: when stdout is a TTY). */
	fullscreen?: boolean;
	/** Start in journey mode (`--journey`, `--lecture`). */
	journey?: boolean;
	/** `--lecture`: high contrast, wide columns, keys in the footer. */
	lecture?: boolean;
	/** The clock of the store's frames and the screens (tests drive it by hand; default: the real one). */
	scheduler?: Scheduler;
}

const ENTER = '\x1b[?1049h\x1b[2J\x1b[H\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** Show the dashboard until the user quits; resolves with the exit code. */
export function mountDashboard(source: DashboardSource, options: MountOptions = {}): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const stdin = options.stdin ?? process.stdin;
	const stderr = options.stderr ?? process.stderr;
	const fullscreen = options.fullscreen ?? stdout.isTTY === true;
	const interactive = stdin.isTTY === true;
	const store = new DashboardStore(source, {scheduler: options.scheduler});
	let restored = false;
	const restore = (): void => {
		if (restored) return;
		restored = true;
		if (fullscreen) stdout.write(LEAVE);
		if (interactive && stdin.isRaw) stdin.setRawMode(false);
	};
	/** Close a recording first of all: the footer says how the session ended (the writer is synchronous). */
	const stopRecording = (end: TraceEnd): string | null => {
		const saved = source.recorder?.stop(end);
		return saved ? `vmtop: ${recordingNotice(saved)}\n` : null;
	};
	// Last resort: a process.exit() somewhere still leaves the terminal usable and the trace complete.
	const onExit = (): void => {
		stopRecording('recording-stopped');
		restore();
	};

	return new Promise<number>((resolve) => {
		let done = false;
		const finish = (code: number, end: TraceEnd = 'recording-stopped'): void => {
			if (done) return;
			done = true;
			const saved = stopRecording(end);
			source.dispose();
			store.dispose();
			instance.unmount();
			restore();
			// The signal listeners stay: were they removed here, Ink's signal-exit would find itself
			// the last listener and re-raise the signal, and vmtop would die by it instead of
			// returning 130/143 after its summary. A signal after this one ends the process (leave).
			process.off('uncaughtException', onError);
			process.off('unhandledRejection', onError);
			process.off('exit', onExit);
			if (interactive) stdin.pause();
			// Once the screen is the user's again: where the trace went.
			if (saved) stderr.write(saved);
			resolve(code);
		};
		/**
		 * A signal: the dashboard ends, and the caller prints its summary and returns. Once it has
		 * ended, a signal is no longer the dashboard's to handle: were it ignored, a process kept
		 * alive by anything else could not be stopped by SIGTERM or Ctrl-C any more.
		 */
		const leave = (code: number, end: TraceEnd): void => {
			if (done) process.exit(code);
			finish(code, end);
		};
		const onInt = (): void => leave(130, 'SIGINT');
		const onTerm = (): void => leave(143, 'SIGTERM');
		// The terminal closed (SIGHUP) or Ctrl-\ (SIGQUIT): a recording still gets its footer.
		const onHup = (): void => leave(129, 'SIGHUP');
		const onQuit = (): void => leave(131, 'SIGQUIT');
		const onError = (error: unknown): void => {
			finish(1);
			process.stderr.write(`vmtop: ${(error as Error)?.stack ?? String(error)}\n`);
			process.exitCode = 1;
		};
		process.on('SIGINT', onInt);
		process.on('SIGTERM', onTerm);
		process.on('SIGHUP', onHup);
		process.on('SIGQUIT', onQuit);
		process.on('uncaughtException', onError);
		process.on('unhandledRejection', onError);
		process.on('exit', onExit);

		if (fullscreen) stdout.write(ENTER);
		const controller = new Controller(store, {
			quit: () => finish(0),
			screens: new ScreenRegistry(options.screens ?? [], options.scheduler),
			isaProfiles: options.isaProfiles,
		});
		if (options.lecture) store.ui.lecture = true;
		if (options.journey && source.runUntil) toggleJourneyMode(store, true);
		const instance = render(<Dashboard store={store} controller={controller} interactive={interactive} />, {
			stdout,
			stdin,
			stderr,
			exitOnCtrlC: false,
			patchConsole: false,
			// The store already spaces frames (≤30 per second); Ink's own throttle would only delay a key's answer.
			maxFps: 60,
			incrementalRendering: false,
			onRender: ({renderTime}) => store.reportRender(renderTime),
		});
		// Ink ends on its own only when a component throws: restore the terminal and say why.
		instance.waitUntilExit().then(() => finish(0), onError);
	});
}
