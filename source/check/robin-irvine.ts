/**
 * Robin & Irvine (USENIX Security 2000) list the Pentium's sensitive
 * unprivileged instructions — the lecture's "headliner". Beside each: its V32
 * counterpart, or why V32 has none, and what probing the profile found for it.
 *
 * Most of the list is sensitive on the Pentium because of segmentation: the
 * current privilege level (CPL) sits in the low bits of CS and SS, and far
 * transfers, segment loads and descriptor queries compare it with descriptor
 * privilege levels. V32 has no segments, descriptors or privilege levels beyond
 * S; its only protection is one base/limit pair that user code cannot read.
 */
import type {InstructionResult, RobinIrvineEntry} from './report.js';

type Entry = Omit<RobinIrvineEntry, 'modelled' | 'status'>;

const NO_DESCRIPTORS =
	'not modelled: V32 has no segment descriptors or access rights to query; its protection is ubase/ulimit, readable only with the privileged mfcr';

const entries: readonly Entry[] = [
	{
		pentium: 'SGDT',
		group: '3.b',
		why: 'stores the GDT register: a guest sees where the VMM put the real table',
		v32: [],
		note: 'not modelled: V32 has no global descriptor table (no segmentation)',
	},
	{
		pentium: 'SIDT',
		group: '3.b',
		why: 'stores the IDT register: a guest sees the VMM\'s interrupt table, not its own',
		v32: ['sidt'],
		note: 'modelled as `sidt rd`: reads the real idt',
	},
	{
		pentium: 'SLDT',
		group: '3.b',
		why: 'stores the LDT register: the real local descriptor table',
		v32: [],
		note: 'not modelled: V32 has no local descriptor table',
	},
	{
		pentium: 'SMSW',
		group: '3.b',
		why: 'stores the machine status word (low half of CR0): the real processor state',
		v32: ['smsw'],
		note: 'modelled as `smsw rd`: bit 0 is the real mode S',
	},
	{
		pentium: 'PUSHF',
		group: '3.b',
		why: 'pushes the real EFLAGS, IF and IOPL included',
		v32: ['pushf'],
		note: 'modelled as `pushf`: pushes the real FLAGS, IF and S included',
	},
	{
		pentium: 'POPF',
		group: '3.b',
		why: 'silently leaves IOPL unchanged at CPL > 0, and IF unchanged when CPL > IOPL, instead of trapping',
		v32: ['popf'],
		note: 'modelled as `popf`: in user mode loads C Z N V only, IF and S silently unchanged',
	},
	{pentium: 'LAR', group: '3.c', why: 'loads a descriptor\'s access rights, checked against CPL', v32: [], note: NO_DESCRIPTORS},
	{pentium: 'LSL', group: '3.c', why: 'loads a segment limit, checked against CPL', v32: [], note: NO_DESCRIPTORS},
	{pentium: 'VERR', group: '3.c', why: 'tells whether a segment is readable at the CPL', v32: [], note: NO_DESCRIPTORS},
	{pentium: 'VERW', group: '3.c', why: 'tells whether a segment is writable at the CPL', v32: [], note: NO_DESCRIPTORS},
	{
		pentium: 'POP',
		group: '3.c',
		why: 'POP of a segment register checks its descriptor against the CPL',
		v32: ['pop'],
		note: 'modelled as `pop rd`: no segment registers; the stack address is virtual, relative to ubase, so it is innocuous',
	},
	{
		pentium: 'PUSH',
		group: '3.c',
		why: 'PUSH CS/SS stores a selector whose low bits are the CPL: a guest kernel sees it runs at CPL 3',
		v32: ['push'],
		note: 'modelled as `push src`: no selector holds a privilege level; the stack address is relative to ubase, so it is innocuous',
	},
	{
		pentium: 'CALL',
		group: '3.c',
		why: 'far calls through call gates compare CPL, RPL and DPL',
		v32: ['call'],
		note: 'modelled as `call t`: near only, the target virtual; no gates, no privilege check, so it is innocuous',
	},
	{
		pentium: 'JMP',
		group: '3.c',
		why: 'far jumps through gates and task switches compare CPL and DPL',
		v32: ['jmp'],
		note: 'modelled as `jmp t`: near only, the target virtual, so it is innocuous',
	},
	{
		pentium: 'INT n',
		group: '3.c',
		why: 'the gate\'s DPL is checked against the CPL, and the stack switch depends on it',
		v32: ['int'],
		note: 'modelled as `int n`: traps in every mode (vector n; #GP from user mode for n < 32 or through a gate the kernel marked kernel-only), so a VMM receives every execution',
	},
	{
		pentium: 'RET',
		group: '3.c',
		why: 'a far return to an outer privilege level pops SS:ESP and checks the CPL',
		v32: ['ret'],
		note: 'modelled as `ret`: near only, pops a virtual address, so it is innocuous',
	},
	{
		pentium: 'STR',
		group: '3.c',
		why: 'stores the task register\'s selector: the real TSS',
		v32: [],
		note: 'not modelled: V32 has no task register or hardware task switching',
	},
	{
		pentium: 'MOV',
		group: '3.c',
		why: 'MOV from CS/SS reveals the CPL; MOV to a segment register checks descriptor privilege',
		v32: ['mov'],
		note: 'modelled as `mov rd, src`: registers and immediates only; control registers need the privileged mfcr/mtcr',
	},
];

function status(r: InstructionResult): string {
	if (!r.sensitive) return `${r.mnemonic}: innocuous${r.privileged ? ', privileged' : ''}`;
	return `${r.mnemonic}: sensitive, ${r.privileged ? 'privileged' : 'unprivileged'}`;
}

/** The list, with each counterpart's class from this check. */
export function robinIrvine(results: readonly InstructionResult[]): RobinIrvineEntry[] {
	const byName = new Map(results.map((r) => [r.mnemonic, r]));
	return entries.map((e) => ({
		...e,
		v32: [...e.v32],
		modelled: e.v32.length > 0,
		status: e.v32
			.map((m) => byName.get(m))
			.filter((r): r is InstructionResult => r !== undefined)
			.map(status)
			.join('; '),
	}));
}
