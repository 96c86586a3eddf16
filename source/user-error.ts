/**
 * A mistake in what the user gave vmtop (a flag, a scenario, a program, a
 * trace), as opposed to a bug in vmtop. Every level's input errors extend it
 * (AssemblyFailed, ScenarioError, LoaderError, TraceError, …), so the command
 * line prints their message without a stack trace; anything else that reaches
 * the top is a bug and is reported as one (source/cli/user-error.ts).
 * It imports nothing, so every level may extend it.
 */
export class UserError extends Error {
	/** The process exit code when this ends a command (2: a usage error). */
	readonly exitCode: number = 1;
}

/** A command called wrongly: an unknown flag, a flag without its value, a value out of range. Exit code 2. */
export class UsageError extends UserError {
	override readonly name = 'UsageError';
	override readonly exitCode: number = 2;
}
