/**
 * `vmtop replay FILE`: the live dashboard, driven by a trace instead of the
 * core (ReplayDriver matches the dashboard's DashboardSource). Not a terminal:
 * a summary of the trace instead. `--verify`: rerun and compare.
 */
import process from 'node:process';
import {decodeBytes} from '../isa/encoding.js';
import {disassembleInstruction} from '../isa/disassembler.js';
import {ExitStats} from '../stats/exit-stats.js';
import {formatProblem} from '../trace/errors.js';
import type {TraceEvent, TraceHeader} from '../trace/format.js';
import type {Speed} from '../driver/pacing.js';
import {micros} from '../driver/speed.js';
import {ReplayDriver} from '../driver/replay-driver.js';
import {bytes, human} from '../trace/progress.js';
import {TraceReader} from '../trace/reader.js';
import {rebuildSimulation} from '../trace/rebuild.js';
import {TraceCursor} from '../trace/seek.js';
import {type Difference, verifyTrace} from '../trace/verify.js';
import type {Engine} from '../sim/simulation.js';
import {UsageError, commandHelp, parseCommand} from './args.js';
import {colorsOff, dumbTerminal, inCi} from './dashboard.js';
import {reportUserError} from './user-error.js';
import {textTable} from './text-table.js';

const help = `
Usage
  $ vmtop replay FILE [flags]
  $ vmtop replay --verify FILE

Opens the dashboard on a recorded (or imported) trace: the same panels,
filters and tables, driven by the trace. The current event number is on the
status line. Space pauses, s steps one event, + / - change the speed (up to
max), n runs to the next exception.

When stdout is not a terminal it prints a summary of the trace instead.

--verify reruns the scenario from the trace header and reports the first
event where the rerun and the trace differ, or that they agree (exit code 0
when they agree, 1 when they differ or cannot be compared).

A trace replays the run it recorded: the simulation flags of run, record and
the dashboard (--vmm, --vms, …) do not apply; the header says what ran.
--engine chooses the engine --verify reruns on.
`;

const spec = {
	command: 'vmtop replay',
	usage: help,
	flags: ['verify', 'engine', 'speed', 'paused', 'summary'],
} as const;

export async function replayCommand(argv: string[]): Promise<number> {
	const parsed = parseCommand(spec, argv);
	if ('done' in parsed) return parsed.done;
	const {input, flags: f} = parsed;
	if (input.length !== 1) throw new UsageError(`expected one trace file, got ${input.length}\n\n${commandHelp(spec)}`);
	const file = input[0]!;
	const speed: Speed | undefined = f.speed;
	try {
		if (f.engine !== undefined && !f.verify) throw new UsageError('--engine chooses the engine of the rerun: it goes with --verify');
		if (f.verify) return await verify(file, f.engine);
		const terminal = process.stdout.isTTY === true && !inCi() && !dumbTerminal() && f.summary !== true;
		if (terminal && colorsOff(undefined)) process.env['FORCE_COLOR'] = '0'; // before Ink is imported
		const reader = await TraceReader.open(file);
		try {
			return terminal ? await dashboard(reader, speed, f.paused ?? false) : summary(reader);
		} finally {
			reader.close();
		}
	} catch (error) {
		return reportUserError(error);
	}
}

async function dashboard(reader: TraceReader, speed: Speed | undefined, paused: boolean): Promise<number> {
	const [{mountDashboard}, {defaultSpeed, speedLadder}] = await Promise.all([
		import('../ui/render.js'),
		import('../driver/speed.js'),
	]);
	const disassemble = disassemblerFor(reader.header, reader.file);
	const player = new ReplayDriver(reader, {
		speed: speed ?? (reader.header.source === 'import' ? importSpeed(reader, speedLadder) : defaultSpeed),
		paused,
		disassemble: disassemble?.fn,
	});
	try {
		const code = await mountDashboard(player);
		for (const p of reader.problems) process.stderr.write(`vmtop: ${formatProblem(reader.file, p)}\n`);
		process.stdout.write(`vmtop: ${reader.file} — event ${player.events.toLocaleString('en-US')} of ${player.length.toLocaleString('en-US')}\n`);
		return code;
	} finally {
		disassemble?.dispose();
	}
}

/** An import has no instructions; pace it (in ns of the host) so about ten exits show per second. */
function importSpeed(reader: TraceReader, ladder: readonly number[]): number {
	const span = reader.footer?.cycle ?? 0;
	const perEvent = reader.length > 0 ? span / reader.length : 0;
	return ladder.find((s) => s >= perEvent * 10) ?? ladder[ladder.length - 1]!;
}

/** The recorded run's memory image, to disassemble code (none for imports or unrebuildable runs). */
function disassemblerFor(header: TraceHeader, file: string): {fn: (phys: number) => string | undefined; dispose: () => void} | undefined {
	if (header.source !== 'record') return undefined;
	try {
		const rebuilt = rebuildSimulation(header, file);
		const mem = rebuilt.sim.machine.mem;
		return {
			fn: (phys) => {
				const ins = decodeBytes(mem, phys);
				return ins ? disassembleInstruction(ins) : undefined;
			},
			dispose: rebuilt.dispose,
		};
	} catch {
		return undefined; // rows then show addresses and symbols only
	}
}

/** Not a terminal: read the whole trace (which checks every line) and describe it. */
function summary(reader: TraceReader): number {
	const h = reader.header;
	const counts = new Map<string, number>();
	const exits = new ExitStats();
	let last: TraceEvent | undefined;
	for (const e of new TraceCursor(reader).range(0, Number.POSITIVE_INFINITY)) {
		counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
		if (e.kind === 'vmm.intercept') exits.intercept(e);
		else if (e.kind === 'vmm.resume') exits.resume(e);
		else if (e.kind === 'vmm.interpret') exits.interpret(e);
		last = e;
	}
	const out: string[] = [];
	const origin = h.source === 'import' ? `imported from ${h.import?.file ?? '?'} (${h.import?.from ?? '?'})` : `recorded by vmtop ${h.vmtop}`;
	out.push(`${reader.file}: vmtop trace v${h.version}, ${origin}, ${h.created}`);
	out.push(
		`scenario ${h.scenario.name}: ISA ${h.isa}, VMM ${h.vmm.technique}${h.vmm.technique === 'none' ? '' : ` (type ${h.vmm.type}, ${h.vmm.guests} guest${h.vmm.guests === 1 ? '' : 's'})`}, ` +
			`detail ${h.detail}${h.sampleEvery > 0 ? `, a CPU sample every ${h.sampleEvery} instructions` : ''}`,
	);
	// An imported KVM trace has no instructions, and its clock is host time (ns), not cycles.
	const imported = h.source === 'import';
	const upTo = imported
		? `over ${micros(last?.cycle ?? 0)} of host time`
		: `to instruction ${(last?.instret ?? 0).toLocaleString('en-US')}, cycle ${(last?.cycle ?? 0).toLocaleString('en-US')}`;
	out.push(`${bytes(reader.bytes)}${reader.compressed ? ' uncompressed' : ''}, ${reader.length.toLocaleString('en-US')} events, ${upTo}`);
	const kinds = [...counts.entries()].sort((a, b) => b[1] - a[1]);
	out.push(`events: ${kinds.map(([k, n]) => `${k} ${human(n)}`).join(', ') || 'none'}`);
	const f = reader.footer;
	out.push(f ? `end: ${f.end}${f.stop ? ` — ${f.stop.message}` : ''}; checksum ${f.checksum}` : 'end: no footer');
	const rows = exits.rows();
	if (rows.length > 0) {
		// hvm's interpreted instructions are not entries: no share.
		const share = (r: (typeof rows)[number]) => (r.category === 'interpret' ? '–' : `${(r.share * 100).toFixed(1)}%`);
		const mean = (r: (typeof rows)[number]) => (imported ? micros(r.meanCycles) : Math.round(r.meanCycles).toLocaleString('en-US'));
		const cells = rows.slice(0, 12).map((r) => [r.reason, String(r.count), share(r), mean(r)]);
		out.push('', ...textTable(['VMM exits', 'count', 'share', imported ? 'mean host time' : 'mean cycles'], cells, ['left', 'right', 'right', 'right']));
	}
	process.stdout.write(out.join('\n') + '\n');
	for (const p of reader.problems) process.stderr.write(`vmtop: ${formatProblem(reader.file, p)}\n`);
	return reader.problems.length > 0 ? 1 : 0;
}

async function verify(file: string, engine: Engine | undefined): Promise<number> {
	const result = await verifyTrace(file, engine === undefined ? {} : {engine});
	for (const note of result.notes) process.stderr.write(`vmtop: ${note}\n`);
	if (result.difference) process.stdout.write(describe(file, result.difference, result.compared));
	if (result.damage) {
		// Never "agrees" on a file that is not whole as recorded, whatever the rerun said.
		process.stdout.write(`${formatProblem(file, result.damage)}\n${file}: the trace is damaged: not verified\n`);
		return 1;
	}
	if (result.difference) return 1;
	process.stdout.write(`${file}: the rerun agrees with the trace: ${result.compared.toLocaleString('en-US')} events compared, no difference\n`);
	return 0;
}

function describe(file: string, d: Difference, compared: number): string {
	return [
		`${file}:${d.line}: the rerun differs from the trace at event ${d.event.toLocaleString('en-US')} (${compared.toLocaleString('en-US')} events before it agree)`,
		`  field:  ${d.field}`,
		`  trace:  ${d.recorded ? JSON.stringify(d.recorded) : '(no event: the trace ends here)'}`,
		`  rerun:  ${d.rerun ? JSON.stringify(d.rerun) : '(no event: the rerun ended here)'}`,
		'',
	].join('\n');
}
