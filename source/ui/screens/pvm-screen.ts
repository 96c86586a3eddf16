/**
 * The `p` screen: the process VM — the lecture's byte-code program under
 * each dispatch technique, with its cost per dispatch beside the lecture's
 * x86 switching overhead. Adapts source/pvm/report.ts to a ScreenReport.
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {assembleByteCodeOrThrow} from '../../pvm/assembler.js';
import {type PvmReport, pvmReport} from '../../pvm/report.js';
import type {ScreenDefinition, ScreenReport} from './report.js';

const LECTURE = fileURLToPath(new URL('../../../samples/pvm/lecture.bc', import.meta.url));

export function pvmScreenReport(report: PvmReport): ScreenReport {
	return {
		title: `Process VM — ${report.file} under six dispatch techniques`,
		lines: [`Output: ${report.output.join(' ') || '(none)'}`],
		tables: [
			{
				columns: ['technique', 'name', 'dispatches', 'ns/dispatch', '× STC', 'x86 instr/dispatch'],
				rows: report.rows.map((r) => [
					r.label,
					r.name,
					r.dispatches,
					Number(r.nsPerDispatch.toFixed(2)),
					r.relativeToStc === null ? '—' : Number(r.relativeToStc.toFixed(2)),
					r.x86Overhead.text,
				]),
			},
		],
		notes: ['Each technique timed for 30 ms; `vmtop pvm --bench` times longer.'],
	};
}

export function pvmScreen(file = LECTURE): ScreenDefinition {
	return {
		id: 'pvm',
		title: 'Process VM',
		// A few timed runs each, so the numbers are not one run's noise (blocks the loop ~0.2 s, once).
		load: () =>
			pvmScreenReport(pvmReport(assembleByteCodeOrThrow(readFileSync(file, 'utf8'), {file: 'samples/pvm/lecture.bc'}), {minSeconds: 0.03})),
	};
}
