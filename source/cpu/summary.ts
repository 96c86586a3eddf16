/** What a headless run reports at the end (`vmtop run --headless`). */
import {vectorName} from '../isa/opcodes.js';
import type {Engine} from './engine.js';
import type {Machine, StopInfo} from './machine.js';

export interface RunSummary {
	instructions: number;
	cycles: number;
	/** Exceptions and interrupts delivered, by vector name (`#GP`, `timer`, `int 0x80`). */
	exceptions: Record<string, number>;
	/** How it ended. */
	stop: StopInfo;
	elapsedMs: number;
	mips: number;
	/** How the CPU executed: the interpreter, or hot code translated (the counts are the same either way). */
	engine: Engine;
	/** The exit code vmtop returns: the power-off code, else nonzero. */
	exitCode: number;
}

export function summarize(machine: Machine, elapsedMs: number, stop: StopInfo): RunSummary {
	const exceptions: Record<string, number> = {};
	machine.exceptionCounts.forEach((count, vector) => {
		if (count > 0) exceptions[vectorName(vector)] = count;
	});
	return {
		instructions: machine.instret,
		cycles: machine.cycles,
		exceptions,
		stop,
		elapsedMs: Math.round(elapsedMs * 1000) / 1000,
		mips: elapsedMs > 0 ? Math.round((machine.instret / elapsedMs / 1000) * 100) / 100 : 0,
		engine: machine.engine,
		exitCode: stop.reason === 'poweroff' ? stop.code : stop.code === 0 ? 1 : stop.code,
	};
}

export function formatSummary(s: RunSummary): string {
	const lines = [
		`stopped:      ${s.stop.message}`,
		`instructions: ${s.instructions}`,
		`cycles:       ${s.cycles}`,
		`exceptions:   ${
			Object.entries(s.exceptions)
				.map(([k, v]) => `${k} ×${v}`)
				.join(', ') || 'none'
		}`,
		`time:         ${s.elapsedMs.toFixed(1)} ms (${s.mips} MIPS, ${s.engine === 'jit' ? 'jit: hot code translated' : 'interpreted'})`,
	];
	return lines.join('\n');
}
