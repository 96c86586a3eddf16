/** A fluent runner for CPU tests: assemble, set state, run, inspect. */
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import {Machine, type MachineConfig} from '../../source/cpu/machine.js';
import {assembleOrThrow} from '../../source/isa/assembler/index.js';
import type {Program} from '../../source/isa/program.js';

export interface Rig {
	machine: Machine;
	program: Program;
	/** Address of a label. */
	at(label: string): number;
	/** Run until the machine stops (or `limit` instructions). */
	run(limit?: number): Rig;
	output(): string;
	events: VmEvent[];
}

/** Assemble `source` as a bare program (at 0, supervisor mode) on a fresh machine. */
export function rig(source: string, config: MachineConfig = {}, record = false): Rig {
	const program = assembleOrThrow(source, {file: 'test.s'});
	const bus = new EventBus();
	const machine = new Machine({...config, bus});
	machine.load(program.bytes);
	machine.pc = 0; // a bare program starts at reset
	const events: VmEvent[] = [];
	if (record) {
		for (const kind of Object.keys(bus.wanted) as Array<keyof typeof bus.wanted>) {
			if (kind !== 'instruction') bus.on(kind, (e) => events.push(e as VmEvent));
		}
	}
	let out = '';
	const r: Rig = {
		machine,
		program,
		events,
		at(label) {
			const v = program.labels.get(label);
			if (v === undefined) throw new Error(`no label ${label}`);
			return v;
		},
		run(limit = 1_000_000) {
			let left = limit;
			while (!machine.stopped && left > 0) {
				const ran = machine.run(Math.min(left, 10_000));
				out += machine.takeOutput();
				left -= ran;
				if (ran === 0 && !machine.stopped) break;
			}
			return r;
		},
		output: () => out,
	};
	return r;
}

/**
 * An IDT at label `vectors` whose every entry points to a handler that stores
 * the vector (cause), epc and badaddr at `seen_cause/seen_epc/seen_bad` and
 * powers off with 0x7E. Append to a test program.
 */
export const catchAll = `
catch_all:
        mfcr r13, cause
        st r13, [seen_cause]
        mfcr r13, epc
        st r13, [seen_epc]
        mfcr r13, badaddr
        st r13, [seen_bad]
        mfcr r13, eflags
        st r13, [seen_eflags]
        out 0xF0, 0x7E
        .align 4
seen_cause:  .word 0xFFFFFFFF
seen_epc:    .word 0
seen_bad:    .word 0
seen_eflags: .word 0
vectors: .word ${Array.from({length: 256}, () => 'catch_all').join(', ')}
`;

export function word(m: Machine, addr: number): number {
	return m.mem32[addr >>> 2]!;
}
