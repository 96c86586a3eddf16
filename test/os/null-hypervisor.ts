/**
 * A "null hypervisor" for tests: it serves the PV kernel's one-for-one
 * hypercalls and its shared vCPU page (docs/hypercalls.md) by doing each
 * operation on the real CPU, with the kernel left in supervisor mode. It is
 * not a VMM (nothing is deprivileged); it checks that the PV build of the
 * kernel is right, site by site.
 */
import type {Machine} from '../../source/cpu/machine.js';
import {Cr, Flag} from '../../source/isa/opcodes.js';

export interface NullHypervisor {
	/** Hypercalls served, by number (descriptor bits 8–15). */
	calls: Map<number, number>;
}

// Shared-page words, by byte offset (docs/hypercalls.md).
const EPC = 0;
const EFLAGS = 4;
const CAUSE = 8;
const BADADDR = 12;
const IDT = 16;
const UBASE = 20;
const ULIMIT = 24;
const USP = 28;
const STATUS = 32;

export function attachNullHypervisor(m: Machine, page: number, options: {smsw?: number} = {}): NullHypervisor {
	const calls = new Map<number, number>();
	const word = (offset: number) => m.mem32[(page + offset) >>> 2]!;
	const setWord = (offset: number, value: number) => (m.mem32[(page + offset) >>> 2] = value);
	setWord(STATUS, options.smsw ?? 1);
	m.trapHook = (vector, epc, _badaddr, instructionPc) => {
		if (vector !== 0x82 || !m.supervisor) {
			// Deliver through the kernel's IDT (from the page), then show the kernel what the CPU set.
			m.idt = word(IDT);
			const usp = m.usp;
			m.deliver(vector, epc);
			setWord(EPC, m.epc);
			setWord(EFLAGS, m.eflags);
			setWord(CAUSE, m.cause);
			setWord(BADADDR, m.badaddr);
			setWord(USP, usp);
			return;
		}
		const r = m.regs;
		const d = m.mem32[epc >>> 2]!;
		const number = (d >>> 8) & 0xff;
		const reg = (d >>> 16) & 15;
		const port = d >>> 24;
		calls.set(number, (calls.get(number) ?? 0) + 1);
		m.pc = epc + 4;
		const push = (value: number) => {
			r[15] = r[15]! - 4;
			m.mem32[r[15]! >>> 2] = value;
		};
		const pop = () => {
			const value = m.mem32[r[15]! >>> 2]!;
			r[15] = r[15]! + 4;
			return value;
		};
		switch (number) {
			case 1: {
				m.writeControl(Cr.ubase, word(UBASE));
				m.writeControl(Cr.ulimit, word(ULIMIT));
				m.writeControl(Cr.usp, word(USP));
				const to = word(EPC) >>> 0;
				m.pc = to;
				m.setFlags(word(EFLAGS));
				if (m.bus?.wanted.iret) m.bus.emit({kind: 'iret', pc: instructionPc, to, toSupervisor: m.supervisor, ...m.stamp()});
				return;
			}
			case 2:
				m.intEnabled = false;
				return;
			case 3:
				m.intEnabled = true;
				return;
			case 4:
				push(m.flags);
				return;
			case 5: {
				const f = pop();
				m.setFlags((f & ~Flag.S) | Flag.S);
				return;
			}
			case 6:
				m.halted = true;
				return;
			case 7:
				r[reg] = m.portIn(port);
				return;
			case 8:
				m.portOut(port, r[reg]!);
				return;
			case 9:
				m.portOut(port, m.mem32[(epc + 4) >>> 2]!);
				m.pc = epc + 8;
				return;
			default:
				throw new Error(`hypercall ${number} (descriptor 0x${(d >>> 0).toString(16)}) is not one the PV kernel should make`);
		}
	};
	return {calls};
}
