/**
 * Binary translation, as VMware did it (the lecture: `popf` → `int $99`).
 *
 * The CPU decodes code once into its decoded cache and tells us (`decodeHook`)
 * whenever it fills a slot — i.e. right before an instruction first runs. If
 * the guest kernel is running, we scan the basic block from there and patch
 * every sensitive *unprivileged* instruction (`pushf popf sidt smsw` on the
 * pentium) into a VMM call. The patches live in the decoded cache only: guest
 * memory stays byte-identical (what the guest reads of its code is its code),
 * and a guest store into its code drops the decoded slots, so the block is
 * translated again when it next runs — the translation cache is invalidated
 * by the same mechanism that keeps self-modifying code correct.
 *
 * In `trap` mode the same scan only *records* which sensitive instructions the
 * guest kernel runs directly (no patch, no cost: `Guest.sensitive`). Why a run
 * diverged is found otherwise: by lockstep with the native run (lockstep.ts).
 */
import {FETCH_FAULT, UNDECODED, UNDEFINED_OP} from '../cpu/decoded-cache.js';
import {Op, endsBlock, mnemonicOf} from '../isa/opcodes.js';
import type {Monitor} from './monitor.js';

/** Vector of the translator's VMM call (the lecture's `popf` → `int $99`). */
export const BT_VECTOR = 99;

/** Sensitive instructions (Popek & Goldberg): they read or change the machine's state or devices. */
export const sensitive = [Op.pushf, Op.popf, Op.sidt, Op.smsw, Op.iret, Op.cli, Op.sti, Op.hlt, Op.lidt, Op.mfcr, Op.mtcr, Op.in, Op.out];

/** A basic block longer than this is translated in pieces. */
const MAX_BLOCK = 64;

export class Translator {
	/** Sensitive instructions that do not trap in this profile: what must be patched. */
	private readonly mustPatch = new Uint8Array(256);

	constructor(
		private readonly vm: Monitor,
		/** bt: patch and pay; trap: only record. */
		private readonly patching: boolean,
	) {
		// The pentium's four, and — with a profile file — any other sensitive instruction left unprivileged.
		for (const op of sensitive) this.mustPatch[op] = vm.privileged[op] ? 0 : 1;
	}

	/** The decode hook: the slot at real address `phys` was just filled and is about to run. */
	onDecode(phys: number): void {
		const vm = this.vm;
		const g = vm.current;
		// Only the guest kernel is translated; its processes run directly, as under VMware.
		if (!g || !g.vcpu.supervisor) return;
		const m = vm.machine;
		const code = m.code;
		const end = g.partition.base + g.partition.size;
		let p = phys;
		let length = 0;
		let patches = 0;
		// Code translated before and decoded again: the guest wrote into it (or next to it).
		const again = g.translated.has(phys);
		while (length < MAX_BLOCK && p + 4 <= end) {
			const w = p >>> 2;
			// Past the first instruction, a decoded slot means that code was translated already.
			if (p !== phys && code.op[w] !== UNDECODED) break;
			const op = p === phys ? code.op[w]! : code.decode(m.mem32, p);
			if (op === UNDEFINED_OP || op === FETCH_FAULT) break;
			length++;
			if (this.patching) g.translated.add(p);
			if (this.mustPatch[op]) {
				this.note(p, op);
				if (this.patching) {
					code.patch(p, BT_VECTOR);
					patches++;
				}
			}
			if (endsBlock(op)) break;
			p += code.size[w]!;
		}
		if (!this.patching) return;
		const t = g.translation;
		if (again) t.retranslations++;
		else t.blocks++;
		t.patches += patches;
		t.scanned += length;
		m.extraCycles += m.costs.btScan * length;
		const bus = vm.bus;
		if (bus.wanted['vmm.translate']) {
			bus.emit({kind: 'vmm.translate', block: phys - g.partition.base, length, patches, ...vm.stamp(g)});
		}
	}

	/** Remember a sensitive site of the guest kernel (for the reports). */
	private note(p: number, op: number): void {
		const g = this.vm.current!;
		if (g.sites.has(p)) return;
		g.sites.add(p);
		const mnemonic = mnemonicOf[op]!;
		const seen = g.sensitive.get(mnemonic);
		if (seen) seen.sites++;
		else g.sensitive.set(mnemonic, {mnemonic, pc: p - g.partition.base, sites: 1});
	}
}
