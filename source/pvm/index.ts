/** The process virtual machine: byte code, assembler, six techniques, report. */
export {Token, TOKENS, disassemble, type Instruction, type PvmProgram} from './bytecode.js';
export {
	assembleByteCode,
	assembleByteCodeOrThrow,
	formatPvmAsmError,
	PvmAssemblyFailed,
	type AssembleOptions,
	type AssembleResult,
	type PvmAsmError,
} from './assembler.js';
export {PvmRuntimeError, type PvmErrorKind, type RunOptions, type RunResult, type Runner} from './runtime.js';
export {isTechnique, TECHNIQUE_INFO, TECHNIQUES, type Technique, type TechniqueInfo, type X86Overhead} from './techniques.js';
export {translateToSource} from './translated.js';
export {
	formatNs,
	formatPvmTable,
	measureTechnique,
	pvmReport,
	pvmRows,
	type Measurement,
	type MeasureOptions,
	type PvmReport,
	type PvmRow,
	type ReportOptions,
} from './report.js';
