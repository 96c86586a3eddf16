/**
 * `checkProfile`: probe every instruction of a profile from every state,
 * classify, and decide the theorems — the whole of `vmtop check` but the
 * printing.
 */
import {mnemonics} from '../isa/opcodes.js';
import type {Profile} from '../isa/profiles.js';
import {type FormRun, classify} from './classify.js';
import {formsOf} from './operands.js';
import {probe} from './probe.js';
import type {CheckReport} from './report.js';
import {robinIrvine} from './robin-irvine.js';
import {CODE_AT, WINDOW, dimensions, stateSpace} from './states.js';
import {verdicts} from './verdict.js';

export function checkProfile(profile: Profile): CheckReport {
	const steps = checkSteps(profile);
	for (;;) {
		const r = steps.next();
		if (r.done) return r.value;
	}
}

/** How far a stepped check has got: instructions probed of all. */
export interface CheckProgress {
	done: number;
	total: number;
	/** The instruction probed last. */
	mnemonic: string;
}

/**
 * The check one instruction at a time: yields after each, so a caller on an
 * event loop (the dashboard's `c` screen) can let keys through between them;
 * returns the report. Same work, same report as `checkProfile`.
 */
export function* checkSteps(profile: Profile): Generator<CheckProgress, CheckReport, void> {
	const space = stateSpace();
	const userState = space.states.find((s) => !s.supervisor)!;
	let forms = 0;
	let probes = 0;
	const instructions: ReturnType<typeof classify>[] = [];
	for (const mnemonic of mnemonics) {
		// What the instruction does when it executes rather than traps: the same profile without its privilege.
		const lifted: Profile | null = profile.privileged.has(mnemonic)
			? {name: profile.name, privileged: new Set([...profile.privileged].filter((m) => m !== mnemonic))}
			: null;
		const runs: FormRun[] = formsOf(mnemonic).map((form) => {
			const actual = space.states.map((state) => probe(form, state, profile));
			const direct = lifted ? space.states.map((state) => probe(form, state, lifted)) : actual;
			// Does it touch data memory at all? With ulimit just above the instruction, any data access faults.
			const tight = {...userState, ulimit: CODE_AT + 4 * form.words.length};
			const accessesMemory = probe(form, tight, lifted ?? profile).trap?.memory === true;
			probes += actual.length + (lifted ? direct.length : 0) + 1;
			return {form, actual, direct, accessesMemory};
		});
		forms += runs.length;
		instructions.push(classify(mnemonic, runs, space, profile));
		yield {done: instructions.length, total: mnemonics.length, mnemonic};
	}
	const v = verdicts(instructions);
	return {
		profile: {name: profile.name, privileged: mnemonics.filter((m) => profile.privileged.has(m))},
		method: {
			instructions: instructions.length,
			forms,
			states: space.states.length,
			pairs: space.pairs.length,
			probes,
			dimensions: [...dimensions],
			description: [
				'each form of each instruction (operands generated from its format) runs alone, run(1), on a fresh machine in every state',
				'privileged instructions run a second time with their privilege lifted: sensitivity is what an instruction does when it executes, privilege is whether the profile lets it',
				'states vary mode, IF, idt, ubase/ulimit (the same program at two relocations), epc/eflags/cause/badaddr, time, and registers/flags/memory',
				`outcomes: the trap (through trapHook) or every change — registers, flags, control registers, devices, and memory, read relative to the relocation over the program's ${WINDOW}-byte window`,
				'pairs of states that differ in one dimension expose behaviour sensitivity; a change of mode, IF, a control register, a device or foreign memory without a trap is control sensitivity',
			],
		},
		instructions,
		verdicts: v,
		conclusion: v.theorem1.conclusion,
		robinIrvine: robinIrvine(instructions),
	};
}
