/**
 * vmtop's commands: picks the command and hands it the rest of argv (source/cli.ts starts it).
 * Each command parses its flags from the one table (source/cli/flags.ts) and returns an exit code.
 */
import process from 'node:process';
import {UsageError} from '../user-error.js';
import {reportUserError} from './user-error.js';
import {commands, mainHelp, version} from './commands.js';

async function main(argv: string[]): Promise<number> {
	const [first, ...rest] = argv;
	if (first === '--version' || first === '-v') {
		process.stdout.write(version + '\n');
		return 0;
	}
	if (first === '--help' || first === '-h' || first === 'help') {
		process.stdout.write(mainHelp + '\n');
		return 0;
	}
	if (first !== undefined && !first.startsWith('-') && first in commands) {
		return commands[first]!(rest);
	}
	// `vmtop [SCENARIO | PROGRAM.s] [flags]`: the dashboard. A bare word that is
	// not a file-like argument is an unknown command.
	if (first !== undefined && !first.startsWith('-') && !/[./]/.test(first)) {
		throw new UsageError(`Unknown command '${first}'\n\n${mainHelp}`);
	}
	return commands['dashboard']!(argv);
}

// `vmtop run … | head` closes the pipe early: stop quietly, as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
	throw error;
});

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	// A UserError (bad flag, scenario, program, trace): its message. Anything else is a bug, reported as one.
	process.exitCode = reportUserError(error);
}
