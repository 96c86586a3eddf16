/**
 * The six ways of running a program, named as in the lecture, with the
 * lecture's switching overhead ("Comparison of CSIM variants": x86
 * instructions per dispatch) beside each.
 */
import type {PvmProgram} from './bytecode.js';
import {dtc} from './dtc.js';
import {itc} from './itc.js';
import {ptc} from './ptc.js';
import type {Runner} from './runtime.js';
import {stc} from './stc.js';
import {translated} from './translated.js';
import {ttc} from './ttc.js';

import {TECHNIQUES, type Technique} from './technique-names.js';

export {TECHNIQUES, type Technique} from './technique-names.js';

export function isTechnique(name: string): name is Technique {
	return (TECHNIQUES as readonly string[]).includes(name);
}

export interface X86Overhead {
	/** x86 instructions per dispatch in the lecture's listings; 0 for translated code. */
	instructions: number;
	/** As the lecture puts it, e.g. "4 + table". */
	text: string;
}

export interface TechniqueInfo {
	/** Short name as in the lecture: STC, TTC, … */
	label: string;
	/** Long name: switch-threaded code, … */
	name: string;
	prepare: (program: PvmProgram) => Runner;
	x86Overhead: X86Overhead;
}

export const TECHNIQUE_INFO: Readonly<Record<Technique, TechniqueInfo>> = {
	stc: {label: 'STC', name: 'switch-threaded', prepare: stc, x86Overhead: {instructions: 7, text: '7'}},
	ttc: {label: 'TTC', name: 'token-threaded', prepare: ttc, x86Overhead: {instructions: 4, text: '4 + table'}},
	ptc: {label: 'PTC', name: 'procedure-threaded', prepare: ptc, x86Overhead: {instructions: 2, text: '2'}},
	itc: {label: 'ITC', name: 'indirect-threaded', prepare: itc, x86Overhead: {instructions: 4, text: '4'}},
	dtc: {label: 'DTC', name: 'direct-threaded', prepare: dtc, x86Overhead: {instructions: 3, text: '3'}},
	translated: {
		label: 'translated',
		name: 'compiled to JavaScript',
		prepare: translated,
		x86Overhead: {instructions: 0, text: '0 (no dispatch)'},
	},
};
