/** `vmtop check`: is this ISA level virtualizable? Decided by probing the CPU (source/check/). */
import process from 'node:process';
import {checkProfile} from '../check/check.js';
import {formatReport} from '../check/format.js';
import {UsageError, commandHelp, parseCommand} from './args.js';
import {loadProfile} from './profile-flag.js';

const help = `
Usage
  $ vmtop check [--isa classic|pentium|FILE.json] [--json]

Executes every instruction of the ISA profile, one at a time, from many machine
states (mode, IF, idt, ubase/ulimit, control registers, time, registers and
memory), classifies each as Popek & Goldberg do — privileged, control-sensitive,
behaviour-sensitive or innocuous, with the states that prove it — and decides
Theorem 1 (a VMM can be built), Theorem 2 (recursive virtualization) and
Theorem 3 (a hybrid VMM can be built). Exit code 0 whatever the verdict.

A profile file marks instructions privileged or not; those it does not name
keep their classic privilege:
  {"name": "mine", "privileged": {"cli": false, "nop": true}}
`;

const spec = {command: 'vmtop check', usage: help, flags: ['isa', 'json']} as const;

export async function checkCommand(argv: string[]): Promise<number> {
	try {
		const parsed = parseCommand(spec, argv);
		if ('done' in parsed) return parsed.done;
		const {input, flags: f} = parsed;
		if (input.length > 0) throw new UsageError(`vmtop check takes no arguments, got: ${input.join(' ')}\n\n${commandHelp(spec)}`);
		const profile = loadProfile(f.isa);
		const report = checkProfile(profile);
		process.stdout.write(f.json ? JSON.stringify(report) + '\n' : formatReport(report));
		return 0;
	} catch (error) {
		// Usage and profile-file errors (the message names the file and the unknown instructions).
		if (error instanceof UsageError) {
			process.stderr.write(`vmtop check: ${error.message}\n`);
			return error.exitCode;
		}
		throw error;
	}
}
