/**
 * The result of `vmtop check`: plain, serializable data (no Maps, no classes,
 * no functions), printed by the CLI (format.ts, or `--json` as is) and drawn by
 * the dashboard's check screen.
 */
import type {Dimension} from './states.js';

/** Popek & Goldberg's classes. An instruction is in one or more (privileged and sensitive overlap). */
export type InstructionClass = 'privileged' | 'control-sensitive' | 'behaviour-sensitive' | 'innocuous';

export type Frequency = 'always' | 'sometimes' | 'never';

export interface TrapSummary {
	/** In how many of this mode's probes it trapped. */
	when: Frequency;
	/** Distinct traps seen: `#GP`, `#DE`, `int 0x80` … */
	vectors: string[];
}

/** One proof: the state (or pair of states) and what was observed there. */
export interface Evidence {
	property: 'privileged' | 'control-sensitive' | 'behaviour-sensitive' | 'timing-dependent';
	/** For a pair: the one dimension in which the two states differ. */
	dimension: Dimension | null;
	/** The probed form, e.g. `mfcr r1, idt`. */
	form: string;
	/** One state (control sensitivity) or two (a pair), e.g. `supervisor, IF=1`. */
	states: string[];
	/** What differed or changed, e.g. `[0x0efc] …→0x1200 vs …→0x200`, `#GP vs no trap (IF 1→0)`. */
	observed: string;
	/** Whether every state involved is in user mode (the evidence then also proves user sensitivity). */
	user: boolean;
	/**
	 * A run involved would trap under this profile: the evidence shows what the
	 * instruction does when it executes (its privilege lifted), i.e. why it must be privileged.
	 */
	hypothetical: boolean;
}

export interface PairCount {
	compared: number;
	differing: number;
}

export interface InstructionResult {
	mnemonic: string;
	/** The probed forms, e.g. `add r1, r2, r3`, `add r1, r2, 0x41`. */
	forms: string[];
	/** What the profile says. */
	privilegedInProfile: boolean;
	/** What probing found (Popek & Goldberg's definition, classify.ts). */
	privileged: boolean;
	controlSensitive: boolean;
	behaviourSensitive: boolean;
	/** Dimensions its non-trapping outcome depends on (mode, if, idt, relocation, control). */
	dependsOn: Dimension[];
	sensitive: boolean;
	/** Sensitive in user mode (control-sensitive there, or dependent on a dimension between two user states). */
	userSensitive: boolean;
	/** The system and device fields it changed in some state without trapping (`IF`, `timer period` …). */
	resourcesChanged: string[];
	/** Its outcome depends on time (instructions executed since reset). */
	timingDependent: boolean;
	/** The lecture's kinds of requirement 3 (interception of sensitive instructions) it falls under: `3.a` … `3.d`. */
	requirements: string[];
	classes: InstructionClass[];
	traps: {user: TrapSummary; supervisor: TrapSummary};
	/** Pairs of states compared per dimension (both runs without a trap), and how many differed. */
	pairs: Record<Dimension, PairCount>;
	/** Sensitive but not privileged: breaks Theorem 1. */
	breaksTheorem1: boolean;
	/** User-sensitive but not privileged: breaks Theorem 3. */
	breaksTheorem3: boolean;
	evidence: Evidence[];
	/** Generated remarks (why a trap instruction is not sensitive, why a memory instruction is not location-sensitive …). */
	notes: string[];
}

export interface Verdict {
	theorem: 1 | 2 | 3;
	/** E.g. `Theorem 1: a VMM can be built`. */
	title: string;
	/** The condition, e.g. `sensitive ⊆ privileged`. */
	condition: string;
	holds: boolean;
	/** E.g. `virtualizable`, `not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold)`. */
	conclusion: string;
	/** The instructions that make it fail. */
	offenders: string[];
	reasons: string[];
}

export interface RobinIrvineEntry {
	/** The Pentium instruction, e.g. `SIDT`. */
	pentium: string;
	/** The lecture's group: 3.b (query/alter reserved state) or 3.c (reference to the protection system). */
	group: '3.b' | '3.c';
	/** Why it was sensitive on the Pentium. */
	why: string;
	/** The V32 counterparts, empty when not modelled. */
	v32: string[];
	modelled: boolean;
	/** What becomes of it in V32. */
	note: string;
	/** The counterparts' classes in the checked profile (`sensitive, unprivileged`, `innocuous` …), empty when not modelled. */
	status: string;
}

export interface CheckReport {
	profile: {name: string; privileged: string[]};
	method: {
		instructions: number;
		forms: number;
		states: number;
		pairs: number;
		probes: number;
		dimensions: Dimension[];
		description: string[];
	};
	instructions: InstructionResult[];
	verdicts: {theorem1: Verdict; theorem2: Verdict; theorem3: Verdict};
	/** One line: `virtualizable` or `not virtualizable by trap-and-emulate (Theorem 1’s condition does not hold)`. */
	conclusion: string;
	robinIrvine: RobinIrvineEntry[];
}
