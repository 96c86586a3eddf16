/**
 * Code generation: a region of V32 code becomes one JavaScript function, a
 * `switch` over its block entries inside a loop (v86 and QEMU's TCG do the same
 * with wasm and host code). Operands are constants; the registers the region
 * uses live in locals, loaded on entry and stored back into the machine's
 * Int32Array on the way out; C Z N V live in locals and a flag is computed only when
 * something can read it before it is overwritten (a branch, `pushf`, or any
 * exit of the function). Each block first checks the instruction budget, so a
 * slice ends at exactly the instruction the interpreter's would.
 *
 * Exactness. The translated code never faults: before an instruction that
 * would, it stores pc, flags and the count of instructions retired and hands
 * over to the interpreter, which executes it again and raises the exception
 * precisely (`epc`, `badaddr`, flags, counts). Every check is the interpreter's
 * own condition, written out for one instruction.
 */
import {Flag, Op} from '../../isa/opcodes.js';
import type {Machine} from '../machine.js';
import {precheck, writesA} from './checks.js';
import {layout} from './layout.js';
import {type Block, type Insn, type Where, isLocalSystem} from './region.js';
import {hashOf, regionKey, sameKey} from './region-key.js';

/** How a translated function returned (`Translation.status`). */
export const LEFT = 0; // control went to an address that is not one of its entries
export const BUDGET = 1; // the next block does not fit in the budget: interpret the rest
export const HANDOFF = 2; // the interpreter must execute the instruction at pc, in this slice
export const END_SLICE = 3; // end the slice here, as the interpreter would have after a system instruction

export type RegionFunction = (m: Machine, count: number) => number;

const C = 1;
const Z = 2;
const N = 4;
const V = 8;
const ALL = C | Z | N | V;

/** Flags an instruction sets (all four, or none). */
function writes(op: number): number {
	return (op >= Op.add && op <= Op.cmp) || op === Op.popf ? ALL : 0;
}

/** Flags an instruction reads. */
function reads(op: number): number {
	switch (op) {
		case Op.jz:
		case Op.jnz:
			return Z;
		case Op.jl:
		case Op.jge:
			return N | V;
		case Op.jle:
		case Op.jg:
			return Z | N | V;
		case Op.jb:
		case Op.jae:
			return C;
		case Op.jbe:
		case Op.ja:
			return C | Z;
		case Op.pushf:
			return ALL;
		default:
			return 0;
	}
}

/** May hand over to the interpreter before executing (it would fault). */
function mayFault(op: number): boolean {
	return (op >= Op.div && op <= Op.rem) || (op >= Op.ld && op <= Op.pop) || op === Op.call || op === Op.ret || op === Op.pushf || op === Op.popf;
}

/** May leave after executing: a store into translated code, or an interrupt becoming takeable. */
function mayLeaveAfter(op: number): boolean {
	return op === Op.st || op === Op.stb || op === Op.push || op === Op.call || endsSlice(op);
}

/** The interpreter ends its slice after these (system instructions run out of its loop). */
function endsSlice(op: number): boolean {
	return isLocalSystem(op) || op === Op.out;
}

/** Which flags each instruction must compute: a backward liveness pass over the block. */
function liveFlags(insns: readonly Insn[], free: readonly boolean[]): number[] {
	const out = new Array<number>(insns.length);
	let live = ALL; // whatever follows the block may read them
	for (let i = insns.length - 1; i >= 0; i--) {
		const op = insns[i]!.op;
		if (mayLeaveAfter(op)) live = ALL;
		out[i] = writes(op) & live;
		live = (live & ~writes(op)) | reads(op);
		// An access checked at the block's start cannot hand over here.
		if (mayFault(op) && !free[i]) live = ALL;
	}
	return out;
}

const CONDITION: Record<number, string> = {
	[Op.jz]: 'z',
	[Op.jnz]: '!z',
	[Op.jl]: 'n !== v',
	[Op.jle]: '(z || n !== v)',
	[Op.jg]: '(!z && n === v)',
	[Op.jge]: 'n === v',
	[Op.jb]: 'c',
	[Op.jbe]: '(c || z)',
	[Op.ja]: '(!c && !z)',
	[Op.jae]: '!c',
};

/**
 * Functions made, per process, by a hash of what their text is generated from (compileRegion's
 * arguments as numbers), with those numbers to compare: the same code at the same place gives the
 * same function (and V8's optimized code for it) in every machine — benchmarks, tests, the VMM's
 * reference runs — without generating its text again.
 */
const compiled = new Map<number, Array<{key: Int32Array; fn: RegionFunction}>>();
let sharedCount = 0;
const MAX_SHARED = 4096;
/** The function for a region of blocks (the first is its entry): made once per process. */
export function compileRegion(blocks: readonly Block[], where: Where, memorySize: number): RegionFunction {
	const key = regionKey(blocks, where, memorySize);
	const hash = hashOf(key);
	const known = compiled.get(hash);
	if (known !== undefined) for (const entry of known) if (sameKey(entry.key, key)) return entry.fn;
	const fn = new Function('m', 'count', regionText(blocks, where, memorySize)) as RegionFunction;
	if (sharedCount >= MAX_SHARED) {
		compiled.clear();
		sharedCount = 0;
	}
	const list = compiled.get(hash);
	if (list === undefined) compiled.set(hash, [{key, fn}]);
	else list.push({key, fn});
	sharedCount++;
	return fn;
}

/** The generated JavaScript body of a region's function. */
export function regionText(blocks: readonly Block[], where: Where, memorySize: number): string {
	const body: string[] = [];
	const user = !where.supervisor;
	// Registers live in locals (V8 keeps them in machine registers; an Int32Array element is reloaded
	// after every store to memory, which might alias it): loaded on entry, stored back on the way out.
	const {used, written} = registersOf(blocks);
	const load = used.map((i) => `r${i} = r[${i}]`).join(', ');
	const storeBack = written.map((i) => `r[${i}] = r${i};`).join(' ');
	body.push(
		'const r = m.regs, m32 = m.mem32, m8 = m.mem, code = m.code, cov = code.covered, J = m.jit, g0 = J.gen;',
		...(load === '' ? [] : [`let ${load};`]),
		// The interpreter's limits: `ul` for loads and stores, `ulr` for pushf/popf (machine.ts). In user
		// mode an access faults at or past the limit, or past the end of memory: one bound, the lower.
		`const ulr = m.ulimit >>> 0, ul = Math.min(ulr, ${memorySize});`,
		...(user ? [`const lim = Math.min(ul, ${memorySize - where.base}), limr = Math.min(ulr, ${memorySize - where.base});`] : []),
		'let pc = m.pc >>> 0, c = m.c, z = m.z, n = m.n, v = m.v, done = 0, st = 0;',
		'const i0 = m.instret;',
		'loop: for (;;) {',
		// A switch over the entry addresses: V8 compiles it to compares and direct branches, which
		// measured faster than a jump table over block indices (an indirect branch, badly predicted).
		'switch (pc) {',
	);
	const order = layout(blocks);
	order.forEach((block, i) => body.push(...blockCode(block, user, where.base, memorySize, storeBack, order[i + 1]?.entry ?? null)));
	body.push('default: break loop;', '}', '}', `${storeBack} m.pc = pc; m.c = c; m.z = z; m.n = n; m.v = v; m.instret = i0 + done; J.status = st;`, 'return done;');
	return body.join('\n');
}

/** Instructions that move sp. */
function usesStack(op: number): boolean {
	return op === Op.push || op === Op.pop || op === Op.call || op === Op.ret || op === Op.pushf || op === Op.popf;
}

/** The registers a region's code reads or writes (kept in locals), and those it writes (stored back). */
function registersOf(blocks: readonly Block[]): {used: number[]; written: number[]} {
	const used = new Set<number>();
	const written = new Set<number>();
	for (const block of blocks) {
		for (const ins of block.insns) {
			for (const i of [ins.a, ins.b, ins.c]) if (i < 16) used.add(i);
			if (writesA(ins.op)) written.add(ins.a);
			if (usesStack(ins.op)) {
				used.add(15);
				written.add(15);
			}
		}
	}
	const sorted = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
	return {used: sorted(used), written: sorted(written)};
}

/** Go to constant `pc` after `length` instructions: fall into the next case when it is that block. */
function goto(x: Ctx, pc: number): string {
	return pc === x.fallTo ? `pc = ${pc}; done += ${x.length};` : `pc = ${pc}; done += ${x.length}; continue loop;`;
}

function blockCode(block: Block, user: boolean, base: number, size: number, storeBack: string, fallTo: number | null): string[] {
	const insns = block.insns;
	const length = insns.length;
	const {free, check} = precheck(insns, user, size, `{ st = ${HANDOFF}; break loop; }`);
	const live = liveFlags(insns, free);
	const out = [`case ${block.entry}: {`, `if (done + ${length} > count) { st = ${BUDGET}; break loop; }`];
	if (check !== '') out.push(check);
	insns.forEach((ins, j) => {
		// After a system instruction the interpreter ends its slice: an exit right after one must too.
		const afterSystem = j > 0 && endsSlice(insns[j - 1]!.op);
		const ctx: Ctx = {
			ins,
			j,
			next: (ins.pc + ins.size) >>> 0,
			last: j === length - 1,
			length,
			live: live[j]!,
			free: free[j]!,
			fallTo,
			user,
			base,
			size,
			storeBack,
			handoff: `{ pc = ${ins.pc}; done += ${j}; st = ${afterSystem ? END_SLICE : HANDOFF}; break loop; }`,
		};
		out.push(instructionCode(ctx));
	});
	const last = insns[length - 1]!;
	if (block.end === 'split') out.push(block.next === fallTo ? `pc = ${block.next}; done += ${length};` : `pc = ${block.next}; done += ${length}; continue loop;`);
	else if (block.end === 'stop') {
		const status = endsSlice(last.op) ? END_SLICE : HANDOFF;
		out.push(`pc = ${block.next}; done += ${length}; st = ${status}; break loop;`);
	}
	out.push('}');
	return out;
}

interface Ctx {
	ins: Insn;
	j: number;
	next: number;
	/** The block's last instruction (a branch ends the block here). */
	last: boolean;
	length: number;
	/** Flags this instruction must compute. */
	live: number;
	/** Its memory access was checked at the block's start. */
	free: boolean;
	/** The block whose case comes next in the switch (control may fall into it), if any. */
	fallTo: number | null;
	user: boolean;
	base: number;
	size: number;
	/** Stores the registers the region writes back into `m.regs` (before host code that may read them). */
	storeBack: string;
	/** Code that leaves before this instruction, for the interpreter to execute it. */
	handoff: string;
}

/** A register as the translated code holds it: a local (r16, the zero register, is 0). */
const reg = (i: number): string => (i === 16 ? '0' : `r${i}`);

/** Set register `i` (values stay int32, as the Int32Array they go back to would make them). */
const set = (i: number, value: string): string => `r${i} = (${value}) | 0;`;

/** `regs[c] + imm` as an int32. */
function source(ins: Insn): string {
	if (ins.c === 16) return String(ins.imm | 0);
	return ins.imm === 0 ? `r${ins.c}` : `((r${ins.c} + ${ins.imm}) | 0)`;
}

/** A branch target, as an unsigned address. */
function target(ins: Insn): string {
	return ins.c === 16 ? String(ins.imm >>> 0) : `((r${ins.c} + ${ins.imm}) >>> 0)`;
}

function flagCode(live: number, carry: string, overflow: string): string {
	let s = '';
	if (live & C) s += `c = ${carry}; `;
	if (live & V) s += `v = ${overflow}; `;
	if (live & Z) s += 'z = res === 0; ';
	if (live & N) s += 'n = res < 0; ';
	return s;
}

/** Leave after this instruction (pc already set), ending the slice or not. */
function leaveAfter(x: Ctx, status: number): string {
	return `{ done += ${x.j + 1}; st = ${status}; break loop; }`;
}

/** The user-mode segment check and the physical address, for an access of `bytes` at `a`. */
function access(x: Ctx, bytes: 1 | 4, rawLimit = false): string {
	// In range, base + a is below the memory size: an int32 sum (V8 then adds words, not doubles).
	if (x.free) return x.user ? `const p = (${x.base} + a) | 0;` : 'const p = a;';
	// One condition, so each access has one exit: smaller functions reach V8's optimizing tier sooner.
	if (x.user) {
		// a + bytes > limit, or base + a + bytes > size: a + bytes - 1 >= the lower of limit and size - base.
		const limit = rawLimit ? 'limr' : 'lim';
		const fault = bytes === 4 ? `a + 3 >= ${limit} || (a & 3) !== 0` : `a >= ${limit}`;
		return `const p = (${x.base} + a) | 0; if (${fault}) ${x.handoff}`;
	}
	return bytes === 4 ? `const p = a; if ((a & 3) !== 0 || p + 4 > ${x.size}) ${x.handoff}` : `const p = a; if (p + 1 > ${x.size}) ${x.handoff}`;
}

/** A store's invalidation: only where some decoded instruction has taken the word (decoded-cache.ts `covered`). */
function invalidate(then = ''): string {
	return `if (cov[p >>> 2] !== 0) { code.invalidate(p); ${then}}`;
}

/** After a store: if it hit translated code, that code is gone; leave. */
function afterStore(x: Ctx): string {
	return invalidate(`if (J.gen !== g0) { pc = ${x.next}; ${leaveAfter(x, LEFT)} } `);
}

/** After a CPU-local system instruction: an interrupt it made takeable is taken between slices. */
function afterSystem(x: Ctx): string {
	return `if (m.irqPending !== 0 && m.intEnabled) { pc = ${x.next}; ${leaveAfter(x, END_SLICE)} }`;
}

function instructionCode(x: Ctx): string {
	const {ins} = x;
	const a = ins.a;
	const binary = `const x = ${reg(ins.b)}, y = ${source(ins)};`;
	const end = `done += ${x.length}; continue loop;`;
	switch (ins.op) {
		case Op.nop:
			return '';
		case Op.mov:
			return set(a, source(ins));
		case Op.add:
			return `{ ${binary} const res = (x + y) | 0; ${flagCode(x.live, '(x >>> 0) + (y >>> 0) > 0xffffffff', '((x ^ res) & (y ^ res)) < 0')}${set(a, 'res')} }`;
		case Op.sub:
			return `{ ${binary} const res = (x - y) | 0; ${flagCode(x.live, 'x >>> 0 < y >>> 0', '((x ^ y) & (x ^ res)) < 0')}${set(a, 'res')} }`;
		case Op.cmp:
			if (x.live === 0) return '';
			return `{ const x = ${reg(a)}, y = ${source(ins)}; const res = (x - y) | 0; ${flagCode(x.live, 'x >>> 0 < y >>> 0', '((x ^ y) & (x ^ res)) < 0')}}`;
		case Op.mul:
			return `{ ${binary} const res = Math.imul(x, y); ${flagCode(x.live, 'false', 'false')}${set(a, 'res')} }`;
		case Op.and:
			return `{ ${binary} const res = x & y; ${flagCode(x.live, 'false', 'false')}${set(a, 'res')} }`;
		case Op.or:
			return `{ ${binary} const res = x | y; ${flagCode(x.live, 'false', 'false')}${set(a, 'res')} }`;
		case Op.xor:
			return `{ ${binary} const res = x ^ y; ${flagCode(x.live, 'false', 'false')}${set(a, 'res')} }`;
		case Op.shl:
			return `{ const x = ${reg(ins.b)}, k = ${source(ins)} & 31; const res = x << k; ${flagCode(x.live, 'k !== 0 && ((x >>> (32 - k)) & 1) !== 0', 'false')}${set(a, 'res')} }`;
		case Op.shr:
			return `{ const x = ${reg(ins.b)}, k = ${source(ins)} & 31; const res = (x >>> k) | 0; ${flagCode(x.live, 'k !== 0 && ((x >>> (k - 1)) & 1) !== 0', 'false')}${set(a, 'res')} }`;
		case Op.sar:
			return `{ const x = ${reg(ins.b)}, k = ${source(ins)} & 31; const res = x >> k; ${flagCode(x.live, 'k !== 0 && ((x >> (k - 1)) & 1) !== 0', 'false')}${set(a, 'res')} }`;
		case Op.div:
		case Op.rem: {
			const quotient = ins.op === Op.div;
			return (
				`{ ${binary} if (y === 0) ${x.handoff} ` +
				`const res = x === -0x80000000 && y === -1 ? ${quotient ? 'x' : '0'} : ${quotient ? '(x / y) | 0' : '(x % y) | 0'}; ` +
				`${flagCode(x.live, 'false', 'false')}${set(a, 'res')} }`
			);
		}
		case Op.ld:
			return `{ const a = (${reg(ins.b)} + ${ins.imm}) >>> 0; ${access(x, 4)} ${set(a, 'm32[p >>> 2]')} }`;
		case Op.ldb:
			return `{ const a = (${reg(ins.b)} + ${ins.imm}) >>> 0; ${access(x, 1)} ${set(a, 'm8[p]')} }`;
		case Op.st:
			return `{ const a = (${reg(ins.b)} + ${ins.imm}) >>> 0; ${access(x, 4)} m32[p >>> 2] = r${a}; ${afterStore(x)} }`;
		case Op.stb:
			return `{ const a = (${reg(ins.b)} + ${ins.imm}) >>> 0; ${access(x, 1)} m8[p] = r${a}; ${afterStore(x)} }`;
		case Op.push:
			return `{ const value = ${source(ins)}; const a = (r15 - 4) >>> 0; ${access(x, 4)} m32[p >>> 2] = value; r15 = a | 0; ${afterStore(x)} }`;
		case Op.pop:
			return `{ const a = r15 >>> 0; ${access(x, 4)} const value = m32[p >>> 2]; r15 = (a + 4) | 0; ${set(a, 'value')} }`;
		case Op.call:
			// The target is read after sp moves (`call sp` sees the new sp), as the interpreter reads it.
			return (
				`{ const a = (r15 - 4) >>> 0; ${access(x, 4)} m32[p >>> 2] = ${x.next}; r15 = a | 0; ` +
				`pc = ${target(ins)}; done += ${x.length}; ${invalidate(`if (J.gen !== g0) { st = ${LEFT}; break loop; } `)}` +
				`${ins.c === 16 && ins.imm >>> 0 === x.fallTo ? '' : 'continue loop;'} }`
			);
		case Op.ret:
			return `{ const a = r15 >>> 0; ${access(x, 4)} const value = m32[p >>> 2]; r15 = (a + 4) | 0; pc = value >>> 0; ${end} }`;
		case Op.jmp:
			return ins.c === 16 ? goto(x, ins.imm >>> 0) : `pc = ${target(ins)}; ${end}`;
		case Op.cli:
			// Interrupts off: none can become takeable.
			return 'm.intEnabled = false;';
		case Op.sti:
			return `m.intEnabled = true; ${afterSystem(x)}`;
		case Op.mfcr:
			return `${set(a, `m.readControl(${ins.n})`)} ${afterSystem(x)}`;
		case Op.mtcr:
			return `m.writeControl(${ins.n}, r${a}); ${afterSystem(x)}`;
		case Op.lidt:
			return `m.idt = r${a}; ${afterSystem(x)}`;
		case Op.sidt:
			return `${set(a, 'm.idt')} ${afterSystem(x)}`;
		case Op.smsw:
			return `${set(a, x.user ? '0' : '1')} ${afterSystem(x)}`;
		case Op.out: {
			// Console output: the machine's state is what the interpreter's would be when its device is
			// called (pc past the `out`, the `out` not yet retired), so events are stamped the same.
			const value = ins.c === 16 ? String(ins.imm2 | 0) : `r${ins.c}`;
			// Only a listener to `io` or `console` can see that state: with none, the byte is just kept.
			return (
				`{ const bus = m.bus; if (bus !== null && (bus.wanted.io || bus.wanted.console)) { ` +
				`m.pc = ${x.next}; m.c = c; m.z = z; m.n = n; m.v = v; m.instret = i0 + done + ${x.j}; ${x.storeBack} } ` +
				`m.consoleOut(${value}); } ${afterSystem(x)}`
			);
		}
		case Op.pushf: {
			const word = `(c ? ${Flag.C} : 0) | (z ? ${Flag.Z} : 0) | (n ? ${Flag.N} : 0) | (v ? ${Flag.V} : 0) | (m.intEnabled ? ${Flag.IF} : 0) | ${x.user ? 0 : Flag.S}`;
			return (
				`{ const a = (r15 - 4) >>> 0; ${access(x, 4, true)} m32[p >>> 2] = ${word}; ${invalidate()} r15 = a | 0; ` +
				`if (J.gen !== g0 || (m.irqPending !== 0 && m.intEnabled)) { pc = ${x.next}; ${leaveAfter(x, END_SLICE)} } }`
			);
		}
		case Op.popf:
			return (
				`{ const a = r15 >>> 0; ${access(x, 4, true)} const value = m32[p >>> 2]; r15 = (a + 4) | 0; ` +
				`c = (value & ${Flag.C}) !== 0; z = (value & ${Flag.Z}) !== 0; n = (value & ${Flag.N}) !== 0; v = (value & ${Flag.V}) !== 0; ` +
				// User mode (a profile leaving popf unprivileged): IF and S silently unchanged.
				`${x.user ? '' : `m.intEnabled = (value & ${Flag.IF}) !== 0; `}${afterSystem(x)} }`
			);
		default:
			if (ins.op >= Op.jz && ins.op <= Op.jae) {
				const condition = CONDITION[ins.op]!;
				if (ins.c === 16) {
					const taken = ins.imm >>> 0;
					// A branch to the next instruction goes there either way.
					if (taken === x.next) return goto(x, taken);
					if (x.next === x.fallTo) return `if (${condition}) { ${goto(x, taken)} } ${goto(x, x.next)}`;
					if (taken === x.fallTo) return `if (!(${condition})) { ${goto(x, x.next)} } ${goto(x, taken)}`;
				}
				return `pc = ${condition} ? ${target(ins)} : ${x.next}; ${end}`;
			}
			throw new Error(`cannot translate opcode ${ins.op}`);
	}
}
