/** The command table and the top-level usage. */
import {readFileSync} from 'node:fs';
import {runCommand} from './run.js';

export const version: string = (
	JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
).version;

export const mainHelp = `
vmtop ${version} — a CPU, an OS and a VMM cooperating, side by side

Usage
  $ vmtop [SCENARIO.json | PROGRAM.s] [flags]     the live dashboard (default scenario without argument)
  $ vmtop run [SCENARIO.json | PROGRAM.s] --headless [flags]
  $ vmtop disasm PROGRAM.s
  $ vmtop --help | --version

Commands
  run       run a scenario or a bare program (vmtop run --help)
  disasm    assemble a program and print its disassembly (vmtop disasm --help)

Run 'vmtop COMMAND --help' for a command's flags.
`.trim();

export type Command = (argv: string[]) => Promise<number>;

export const commands: Record<string, Command> = {
	run: runCommand,
	// Until the dashboard lands, `vmtop` runs the default scenario headless.
	dashboard: (argv) => runCommand([...argv, '--headless']),
};
