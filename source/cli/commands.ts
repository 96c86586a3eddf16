/**
 * The command table and the top-level usage. Commands load lazily, so
 * `vmtop run` does not pay for loading React and Ink.
 */
import {readFileSync} from 'node:fs';
import {transientTechniques} from '../sim/simulation.js';

export const version: string = (
	JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
).version;

export const mainHelp = `
vmtop ${version} — a CPU, an OS and a VMM cooperating, side by side

Usage
  $ vmtop [SCENARIO.json | PROGRAM.s] [flags]   the live dashboard (default scenario without argument)
  $ vmtop COMMAND [arguments] [flags]

Commands
  run       run a scenario or a bare program headless, print a summary
  stats     VMM exit reasons (kvm_stat style), Popek–Goldberg properties, effectiveness; --compare
  disasm    assemble a program and print its disassembly
  record    run headless and record a trace (-o FILE)
  replay    replay a trace in the dashboard; --verify reruns and compares
  export    convert a trace for Perfetto / chrome://tracing (--chrome OUT.json)
  import    convert a Linux KVM ftrace (kvm_exit/kvm_entry) into a trace
  check     Popek & Goldberg's theorems, decided by probing the CPU
  pvm       the process VM: one byte-code program under six dispatch techniques

Flags of every command that builds a simulation (the dashboard, run, stats, record)
  --vmm none|trap|bt|pv|hvm  --vms N (1..16; more than one needs a VMM)  --type 1|2
  --isa classic|pentium|FILE.json  --input TEXT  --max-instructions N  --engine interp|jit
  --attach-at N[:${transientTechniques.join('|')}]  --detach-at M (a transient VMM under the native run; docs/vmm.md)
Dashboard: --speed N|max  --paused  --headless  --journey  --lecture.  Every command: --no-color (NO_COLOR is honoured)

Run 'vmtop COMMAND --help' for a command's arguments and flags ('vmtop dashboard --help' for the dashboard's).
`.trim();

export type Command = (argv: string[]) => Promise<number>;

export const commands: Record<string, Command> = {
	run: async (argv) => (await import('./run.js')).runCommand(argv),
	stats: async (argv) => (await import('./stats.js')).statsCommand(argv),
	disasm: async (argv) => (await import('./disasm.js')).disasmCommand(argv),
	record: async (argv) => (await import('./record.js')).recordCommand(argv),
	replay: async (argv) => (await import('./replay.js')).replayCommand(argv),
	export: async (argv) => (await import('./export.js')).exportCommand(argv),
	import: async (argv) => (await import('./import.js')).importCommand(argv),
	check: async (argv) => (await import('./check.js')).checkCommand(argv),
	pvm: async (argv) => (await import('./pvm.js')).pvmCommand(argv),
	dashboard: async (argv) => (await import('./dashboard.js')).dashboardCommand(argv),
};
