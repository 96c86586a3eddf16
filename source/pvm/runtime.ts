/**
 * What every technique shares: run options, results, runtime errors, limits.
 *
 * Each technique is a function `prepare(program) → Runner`: the decoding or
 * translating happens once in `prepare` (decode once, run many), the runner
 * executes from a clean state each time it is called.
 */
import {instructionAt, type PvmProgram} from './bytecode.js';
import {UserError} from '../user-error.js';

export interface RunOptions {
	/**
	 * Runaway guard: stop with a 'runaway' error after this many dispatches.
	 * Default 2^31 − 1 (keeps the countdown a small integer in V8).
	 */
	maxDispatches?: number;
	/** Data stack cells (all frames together). Default 65536. */
	stackSize?: number;
	/** Nested calls allowed. Default 16384. */
	maxCallDepth?: number;
	/** Receives each PRINTed value instead of `output` collecting it. */
	sink?: (value: number) => void;
}

export interface RunResult {
	/** The PRINTed values, one a line (empty when a sink was given). */
	output: string[];
	/** Byte-code instructions executed: the interpreters' dispatches. */
	dispatches: number;
}

export type Runner = (options?: RunOptions) => RunResult;

export const DEFAULT_MAX_DISPATCHES = 0x7fff_ffff;
export const DEFAULT_STACK_SIZE = 1 << 16;
export const DEFAULT_MAX_CALL_DEPTH = 1 << 14;

export type PvmErrorKind = 'runaway' | 'stack-overflow' | 'division-by-zero';

/** A program failing at run time; names the pc (a byte-code offset) and the source line. */
export class PvmRuntimeError extends UserError {
	constructor(
		readonly kind: PvmErrorKind,
		readonly file: string,
		readonly line: number,
		readonly pc: number,
		detail: string,
	) {
		super(`${file}:${line}: ${detail} (pc ${pc})`);
		this.name = 'PvmRuntimeError';
	}
}

/** The limits a message quotes. */
interface Limits {
	maxDispatches: number;
	stack: Int32Array;
	returns: Int32Array;
}

const DETAIL: Record<PvmErrorKind, (m: Limits) => string> = {
	runaway: (m) => `runaway program: dispatch limit of ${m.maxDispatches} reached`,
	'stack-overflow': (m) =>
		`stack overflow: the call needs more than the ${m.stack.length} stack cells or ${m.returns.length / 2} call levels`,
	'division-by-zero': () => 'division by zero',
};

/** The error at instruction `index` (callers holding a byte-code offset use `errorAtPc`). */
export function errorAt(program: PvmProgram, kind: PvmErrorKind, index: number, m: Limits): PvmRuntimeError {
	const ins = program.instructions[index]!;
	return new PvmRuntimeError(kind, program.file, ins.line, program.offsets[index]!, DETAIL[kind](m));
}

/** The error at byte-code offset `pc` (STC, TTC). */
export function errorAtPc(program: PvmProgram, kind: PvmErrorKind, pc: number, m: Limits): PvmRuntimeError {
	return errorAt(program, kind, instructionAt(program, pc), m);
}

/** Limits with defaults applied, and stacks sized to them. */
export interface ByteCodeMachine extends Limits {
	/** Return stack: pairs of (return address, caller's frame pointer). */
	returns: Int32Array;
	print: (value: number) => void;
	output: string[];
}

/**
 * Fresh state for one run. The stacks are reused between runs of a prepared
 * program while their sizes stay the same, so a benchmark loop allocates nothing.
 */
export function machineFor(program: PvmProgram, options: RunOptions, cache: {stack?: Int32Array; returns?: Int32Array}): ByteCodeMachine {
	const maxDispatches = options.maxDispatches ?? DEFAULT_MAX_DISPATCHES;
	const stackSize = options.stackSize ?? DEFAULT_STACK_SIZE;
	const depth = options.maxCallDepth ?? DEFAULT_MAX_CALL_DEPTH;
	if (cache.stack?.length !== stackSize) cache.stack = new Int32Array(stackSize);
	if (cache.returns?.length !== 2 * depth) cache.returns = new Int32Array(2 * depth);
	const output: string[] = [];
	const print = options.sink ?? ((value: number) => void output.push(String(value)));
	const m = {maxDispatches, stack: cache.stack, returns: cache.returns, print, output};
	if (program.maxFrameDepth > stackSize) throw errorAt(program, 'stack-overflow', 0, m);
	return m;
}

/** Thrown by END inside handler-based techniques to leave the trampoline (a `longjmp`). */
export const HALT = Symbol('halt');
