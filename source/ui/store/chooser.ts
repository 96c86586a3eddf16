/**
 * The restart chooser (`x`): the run's technique, ISA profile, VMM type and
 * number of guests, each a row of choices; Enter restarts with them. Pure
 * state and moves; the controller asks the source to restart.
 */
import {MAX_GUESTS} from '../../scenario/scenario-schema.js';
import {type VmmTechnique, vmmTechniques} from '../../sim/simulation.js';
import type {RunDescription} from '../../sim/simulation.js';
import type {RestartChange} from '../../driver/source.js';

export interface ChooserRow {
	label: string;
	options: readonly string[];
	/** Index into `options`. */
	selected: number;
}

export interface Chooser {
	rows: ChooserRow[];
	/** The row ↑ ↓ are on. */
	row: number;
}

const typeNames = ['I (bare metal)', 'II (hosted)'] as const;

/** The rows for a run, each on its current value. Techniques from the one list (`vmmTechniques`). */
export function openChooser(d: RunDescription, isaProfiles: readonly string[]): Chooser {
	const isas = isaProfiles.includes(d.isa) ? isaProfiles : [...isaProfiles, d.isa];
	const guests = Array.from({length: MAX_GUESTS}, (_, i) => String(i + 1));
	return {
		row: 0,
		rows: [
			{label: 'technique', options: vmmTechniques, selected: Math.max(0, vmmTechniques.indexOf(d.vmm))},
			{label: 'ISA profile', options: isas, selected: Math.max(0, isas.indexOf(d.isa))},
			{label: 'VMM type', options: typeNames, selected: d.type - 1},
			{label: 'guests', options: guests, selected: Math.min(MAX_GUESTS, Math.max(1, d.guests)) - 1},
		],
	};
}

/** ↑ ↓ (`dRow`) and ← → (`dValue`), wrapping around. */
export function moveChooser(c: Chooser, dRow: number, dValue: number): Chooser {
	const row = (c.row + dRow + c.rows.length) % c.rows.length;
	const rows = c.rows.map((r, i) => (i === row && dValue !== 0 ? {...r, selected: (r.selected + dValue + r.options.length) % r.options.length} : r));
	return {row, rows};
}

/** What to restart with: only what differs from the run's description. */
export function chooserChange(c: Chooser, d: RunDescription): RestartChange {
	const value = (i: number) => c.rows[i]!.options[c.rows[i]!.selected]!;
	const change: RestartChange = {};
	const vmm = value(0) as VmmTechnique;
	if (vmm !== d.vmm) change.vmm = vmm;
	if (value(1) !== d.isa) change.isa = value(1);
	const type = (c.rows[2]!.selected + 1) as 1 | 2;
	if (type !== d.type) change.type = type;
	const guests = c.rows[3]!.selected + 1;
	if (guests !== d.guests) change.vms = guests;
	return change;
}
