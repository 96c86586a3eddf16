/**
 * The `p` screen: the process VM — the lecture's byte-code program under
 * each dispatch technique, with its cost per dispatch beside the lecture's
 * x86 switching overhead. Adapts source/pvm/report.ts to a ScreenReport.
 */
import {readFileSync} from 'node:fs';
import {assembleByteCodeOrThrow} from '../../pvm/assembler.js';
import {type Measurement, PVM_TABLE_NOTES, PVM_TIMED_SECONDS, type PvmReport, measureTechnique, pvmRows} from '../../pvm/report.js';
import {TECHNIQUE_INFO, TECHNIQUES} from '../../pvm/techniques.js';
import {packageFile} from '../../scenario/scenario.js';
import {type ScreenDefinition, type ScreenReport, allSteps} from './report.js';

// By the package's root, not this file's place: the bundled build (dist/bundle/) has no ui/screens/ folder.
const LECTURE = packageFile('samples/pvm/lecture.bc');

export function pvmScreenReport(report: PvmReport, seconds = PVM_TIMED_SECONDS, runs: number[] = []): ScreenReport {
	const ms = Math.round(seconds * 1000);
	return {
		title: `Process VM — ${report.file} under six dispatch techniques`,
		lines: [
			`Output: ${report.output.join(' ') || '(none)'}`,
			`Measured: wall time of running the whole program again and again for ${ms} ms per technique (after one untimed warm-up run), divided by runs × dispatches per run.`,
		],
		tables: [
			{
				columns: ['technique', 'name', 'dispatches', 'runs', 'ns/dispatch', '× STC', 'x86 instr/dispatch'],
				rows: report.rows.map((r, i) => [
					r.label,
					r.name,
					r.dispatches,
					runs[i] ?? '—',
					Number(r.nsPerDispatch.toFixed(2)),
					r.relativeToStc === null ? '—' : Number(r.relativeToStc.toFixed(2)),
					r.x86Overhead.text,
				]),
				decimals: {4: 2, 5: 2},
			},
		],
		notes: [
			...PVM_TABLE_NOTES,
			'× STC: STC time ÷ this one (2 = twice as fast). Timings vary between runs and machines; `vmtop pvm --bench` times longer.',
		],
	};
}

export interface PvmScreenOptions {
	/** Seconds each technique is timed (default PVM_TIMED_SECONDS). */
	seconds?: number;
	/** Milliseconds, monotonic (tests inject one). */
	clock?: () => number;
}

/** The `p` screen: one technique timed per turn of the event loop, so keys are answered between them. */
export function pvmScreen(file = LECTURE, options: PvmScreenOptions = {}): ScreenDefinition {
	const steps = () => pvmScreenSteps(file, options);
	return {
		id: 'pvm',
		title: 'Process VM',
		load: allSteps(steps),
		steps,
	};
}

function* pvmScreenSteps(file: string, options: PvmScreenOptions): Generator<string, ScreenReport, void> {
	const program = assembleByteCodeOrThrow(readFileSync(file, 'utf8'), {file: 'samples/pvm/lecture.bc'});
	const seconds = options.seconds ?? PVM_TIMED_SECONDS;
	const measured: Measurement[] = [];
	for (const t of TECHNIQUES) {
		yield `timing ${TECHNIQUE_INFO[t].label} for ${Math.round(seconds * 1000)} ms (${measured.length + 1} of ${TECHNIQUES.length})`;
		const m = measureTechnique(program, t, {minSeconds: seconds, ...(options.clock ? {clock: options.clock} : {})});
		const first = measured[0];
		if (first && m.output.join('\n') !== first.output.join('\n')) {
			throw new Error(`${TECHNIQUE_INFO[t].label} printed something other than ${TECHNIQUE_INFO[first.technique].label}`);
		}
		measured.push(m);
	}
	const report: PvmReport = {file: program.file, output: measured[0]?.output ?? [], rows: pvmRows(measured)};
	return pvmScreenReport(report, seconds, measured.map((m) => m.runs));
}
