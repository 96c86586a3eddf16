/**
 * Popek & Goldberg's classes, decided from probe outcomes alone. Nothing here
 * looks at a mnemonic: every instruction goes through the same tests.
 *
 * Two sets of runs per form: `actual`, under the profile, and `direct`, with
 * the instruction's own privilege lifted — what it does when it executes
 * instead of trapping. Privilege is read from the actual runs; sensitivity is
 * a property of what the instruction does, so it is read from the direct runs
 * (otherwise a privileged `smsw` could never show that its result depends on
 * the mode: its user-mode runs trap). Evidence that needs a run the profile
 * would have trapped is marked `hypothetical`, and real evidence is preferred.
 *
 * - privileged: for every pair of states differing only in mode, the user-mode
 *   run traps and the supervisor-mode run does not. Pairs where the user run is
 *   a memory trap are left out (as in P&G), and so are pairs where the
 *   supervisor run traps too — a fault on the data (divide by zero) in both
 *   modes says nothing about privilege. At least one pair must remain: an
 *   instruction that traps in supervisor mode every time (`int`, `brk`) is a
 *   trap instruction, not a privileged one.
 * - control-sensitive: in some state it runs without trapping and changes the
 *   mode, IF, a control register, memory outside the program's window, or a
 *   device (timer, console, power, halt).
 * - behaviour-sensitive: for some pair of states differing only in the mode,
 *   the relocation-bounds registers, IF, idt or the trap-state registers, both
 *   runs complete and their outcomes differ (compare.ts) — the program would
 *   see a difference that a VMM, which changes exactly these, would cause.
 * - user-sensitive (Theorem 3): control-sensitive in a user-mode state, or
 *   behaviour-sensitive over a pair of two user-mode states.
 * - timing-dependent (Theorem 2): outcomes differ over a pair differing only
 *   in time. Not a kind of sensitivity: P&G's equivalence excludes timing.
 */
import {requirementsOf} from './requirements.js';
import {type Mnemonic, formats} from '../isa/opcodes.js';
import type {Profile} from '../isa/profiles.js';
import {compareOutcomes, describeChange, describeDifferences} from './compare.js';
import type {InstructionForm} from './operands.js';
import type {Change, Outcome} from './probe.js';
import type {Evidence, Frequency, InstructionClass, InstructionResult, PairCount, TrapSummary} from './report.js';
import {type Dimension, type ProbeState, type StateSpace, describeState, dimensions} from './states.js';

export interface FormRun {
	form: InstructionForm;
	/** One outcome per state of the state space, by state index, under the profile. */
	actual: Outcome[];
	/** The same with the instruction unprivileged (the same array when it is unprivileged anyway). */
	direct: Outcome[];
	/** Run directly in user mode with ulimit just above the instruction, it faults on a data address. */
	accessesMemory: boolean;
}

/** How convincing a piece of evidence is: real runs in user mode, real runs, runs the profile would trap. */
function rank(run: FormRun, states: readonly ProbeState[]): number {
	if (states.some((s) => run.actual[s.index]!.trap !== null)) return 2;
	return states.every((s) => !s.supervisor) ? 0 : 1;
}

const isResourceChange = (c: Change): boolean => c.kind === 'system' || c.kind === 'device';

/** Changes worth showing: resources first, then program state, pc last; never the clock. */
function summarize(changes: readonly Change[], max = 3): string {
	const program = changes.filter((c) => c.kind === 'program');
	const shown = [
		...changes.filter(isResourceChange),
		...program.filter((c) => c.field !== 'pc'),
		...program.filter((c) => c.field === 'pc'),
	];
	if (shown.length === 0) return 'nothing changed';
	return shown.slice(0, max).map(describeChange).join(', ') + (shown.length > max ? ', …' : '');
}

function frequency(count: number, total: number): Frequency {
	return count === 0 ? 'never' : count === total ? 'always' : 'sometimes';
}

function trapSummary(runs: readonly FormRun[], states: readonly ProbeState[], supervisor: boolean): TrapSummary {
	let total = 0;
	let trapped = 0;
	const vectors = new Set<string>();
	for (const run of runs) {
		for (const s of states) {
			if (s.supervisor !== supervisor) continue;
			total++;
			const trap = run.actual[s.index]!.trap;
			if (trap) {
				trapped++;
				vectors.add(trap.name);
			}
		}
	}
	return {when: frequency(trapped, total), vectors: [...vectors]};
}

interface Privilege {
	privileged: boolean;
	evidence: Evidence | null;
}

function privilege(runs: readonly FormRun[], space: StateSpace): Privilege {
	let everyUserTraps = true;
	let decisive = 0;
	let evidence: Evidence | null = null;
	let evidenceShowsResource = false;
	for (const run of runs) {
		for (const pair of space.pairs) {
			if (pair.dimension !== 'mode') continue;
			const [sup, user] = space.states[pair.a]!.supervisor ? [pair.a, pair.b] : [pair.b, pair.a];
			const s = run.actual[sup]!;
			const u = run.actual[user]!;
			if (u.trap?.memory) continue;
			if (!u.trap) everyUserTraps = false;
			if (s.trap) continue;
			decisive++;
			// Prefer a pair whose supervisor run changes a resource: it shows what the trap prevents.
			const showsResource = s.changes.some(isResourceChange);
			if (u.trap && (evidence === null || (showsResource && !evidenceShowsResource))) {
				evidenceShowsResource = showsResource;
				evidence = {
					property: 'privileged',
					dimension: 'mode',
					form: run.form.text,
					states: [describeState(space.states[user]!), describeState(space.states[sup]!)],
					observed: `traps ${u.trap.name} vs no trap (${summarize(s.changes)})`,
					user: false,
					hypothetical: false,
				};
			}
		}
	}
	return {privileged: everyUserTraps && decisive > 0, evidence};
}

interface Control {
	any: boolean;
	user: boolean;
	evidence: Evidence | null;
	resources: Set<string>;
}

function control(runs: readonly FormRun[], states: readonly ProbeState[]): Control {
	const result: Control = {any: false, user: false, evidence: null, resources: new Set()};
	let best = Infinity;
	for (const s of states) {
		for (const run of runs) {
			const o = run.direct[s.index]!;
			if (o.trap) continue;
			const changed = o.changes.filter(isResourceChange);
			if (changed.length === 0) continue;
			result.any = true;
			result.user ||= !s.supervisor;
			// Memory outside the window is named by address; one name for all of it keeps the list short.
			for (const c of changed) result.resources.add(c.field.startsWith('phys[') ? 'memory outside the program' : c.field);
			const r = rank(run, [s]);
			if (r >= best) continue;
			best = r;
			result.evidence = {
				property: 'control-sensitive',
				dimension: null,
				form: run.form.text,
				states: [describeState(s)],
				observed: `no trap, ${summarize(changed)}`,
				user: !s.supervisor,
				hypothetical: r === 2,
			};
		}
	}
	return result;
}

interface Dependence {
	pairs: Record<Dimension, PairCount>;
	dependsOn: Set<Dimension>;
	userDependsOn: Set<Dimension>;
	evidence: Map<Dimension, Evidence>;
	/** Some form accessed the stack or memory, or jumped, from user mode without trapping. */
	userAddresses: boolean;
}

function dependence(runs: readonly FormRun[], space: StateSpace): Dependence {
	const pairs = Object.fromEntries(dimensions.map((d) => [d, {compared: 0, differing: 0}])) as Record<Dimension, PairCount>;
	const dependsOn = new Set<Dimension>();
	const userDependsOn = new Set<Dimension>();
	const evidence = new Map<Dimension, Evidence>();
	const best = new Map<Dimension, number>();
	let userAddresses = false;
	for (const run of runs) {
		const format = formats[run.form.mnemonic];
		for (const pair of space.pairs) {
			const a = run.direct[pair.a]!;
			const b = run.direct[pair.b]!;
			if (a.trap || b.trap) continue;
			const sa = space.states[pair.a]!;
			const sb = space.states[pair.b]!;
			const bothUser = !sa.supervisor && !sb.supervisor;
			if (bothUser && pair.dimension === 'relocation') userAddresses ||= run.accessesMemory || format === 'target';
			pairs[pair.dimension].compared++;
			const differences = compareOutcomes(a, b);
			if (differences.length === 0) continue;
			pairs[pair.dimension].differing++;
			dependsOn.add(pair.dimension);
			if (bothUser) userDependsOn.add(pair.dimension);
			// Keep the first pair found of the most convincing kind.
			const r = rank(run, [sa, sb]);
			if (r < (best.get(pair.dimension) ?? Infinity)) {
				best.set(pair.dimension, r);
				const extra = pair.dimension === 'mode' || pair.dimension === 'if' ? [] : [pair.dimension];
				evidence.set(pair.dimension, {
					property: pair.dimension === 'time' ? 'timing-dependent' : 'behaviour-sensitive',
					dimension: pair.dimension,
					form: run.form.text,
					states: [describeState(sa, extra), describeState(sb, extra)],
					observed: describeDifferences(differences),
					user: bothUser,
					hypothetical: r === 2,
				});
			}
		}
	}
	return {pairs, dependsOn, userDependsOn, evidence, userAddresses};
}

/** Classify one instruction from its probe runs. */
export function classify(mnemonic: Mnemonic, runs: readonly FormRun[], space: StateSpace, profile: Profile): InstructionResult {
	const priv = privilege(runs, space);
	const ctl = control(runs, space.states);
	const dep = dependence(runs, space);
	const behaviourDims = dimensions.filter((d) => d !== 'time' && dep.dependsOn.has(d));
	const behaviourSensitive = behaviourDims.length > 0;
	const sensitive = ctl.any || behaviourSensitive;
	const userSensitive = ctl.user || [...dep.userDependsOn].some((d) => d !== 'time' && d !== 'mode');
	const timingDependent = dep.dependsOn.has('time');
	const traps = {user: trapSummary(runs, space.states, false), supervisor: trapSummary(runs, space.states, true)};
	const classes: InstructionClass[] = [];
	if (priv.privileged) classes.push('privileged');
	if (ctl.any) classes.push('control-sensitive');
	if (behaviourSensitive) classes.push('behaviour-sensitive');
	if (!sensitive) classes.push('innocuous');
	const evidence: Evidence[] = [];
	if (priv.evidence && priv.privileged) evidence.push(priv.evidence);
	if (ctl.evidence) evidence.push(ctl.evidence);
	for (const d of dimensions) {
		const e = dep.evidence.get(d);
		if (e) evidence.push(e);
	}
	const result: InstructionResult = {
		mnemonic,
		forms: runs.map((r) => r.form.text),
		privilegedInProfile: profile.privileged.has(mnemonic),
		privileged: priv.privileged,
		controlSensitive: ctl.any,
		behaviourSensitive,
		dependsOn: behaviourDims,
		sensitive,
		userSensitive,
		resourcesChanged: [...ctl.resources],
		timingDependent,
		requirements: [],
		classes,
		traps,
		pairs: dep.pairs,
		breaksTheorem1: sensitive && !priv.privileged,
		breaksTheorem3: userSensitive && !priv.privileged,
		evidence,
		notes: [],
	};
	result.requirements = requirementsOf(result);
	result.notes = notes(result, dep);
	return result;
}

function notes(r: InstructionResult, dep: Dependence): string[] {
	const out: string[] = [];
	const {user, supervisor} = r.traps;
	if (user.when === 'always' && supervisor.when === 'always') {
		out.push(
			`traps in every state (user mode: ${user.vectors.join(', ')}; supervisor mode: ${supervisor.vectors.join(', ')}): ` +
				'a VMM receives every execution, so it cannot be sensitive; not privileged, since it traps in supervisor mode too',
		);
	} else if (user.when !== 'never' && supervisor.when !== 'never' && !r.privileged) {
		out.push(`traps on some data only (${[...new Set([...user.vectors, ...supervisor.vectors])].join(', ')}), in either mode alike`);
	}
	if (r.privileged !== r.privilegedInProfile) {
		out.push(
			r.privilegedInProfile
				? 'the profile marks it privileged, yet it is not privileged in Popek & Goldberg\'s sense (see traps)'
				: 'the profile leaves it unprivileged, yet it traps in user mode and not in supervisor mode',
		);
	}
	if (dep.userAddresses && !dep.userDependsOn.has('relocation')) {
		out.push(
			'uses addresses, yet the same under every relocation (ubase/ulimit varied): user addresses are virtual, ' +
				'relative to ubase and checked against ulimit only, so it is not location-sensitive; ' +
				'its probes stay within ulimit (hence "never" under traps): beyond it a user-mode access, or the fetch at ' +
				'a jump\'s target, raises #GP whatever the relocation (docs/v32.md §2.3) — memory protection, not sensitivity',
		);
	}
	if (r.breaksTheorem1) {
		out.push('sensitive but unprivileged: in user mode it runs without trapping, so a guest kernel deprivileged by a VMM gets the real machine\'s behaviour');
	} else if (r.sensitive) {
		out.push('sensitive and privileged: a VMM running the guest kernel in user mode receives it as a trap and emulates it');
	}
	return out;
}
