/**
 * Naming code during a replay, from the header's symbol tables: kernel code
 * by the kernel's labels, user code by the labels of the program the running
 * process runs. Which process runs is followed from the OS events as they are
 * replayed (`os.switch`, `os.syscall`, `os.return`), as the live OS observer
 * does from the machine. Instructions are named by their physical address
 * when the header has a code map (traces recorded since it does), as live.
 */
import {CodeNames, instructionName} from '../sim/code-map.js';
import {Symbolizer} from '../isa/program.js';
import type {TraceEvent, TraceHeader} from './format.js';

interface ScenarioLike {
	kernel?: string;
	programs?: string[];
	program?: string;
	vms?: number | Array<{kernel?: string; programs: string[]}>;
}

export class TraceSymbols {
	private readonly byFile = new Map<string, Symbolizer>();
	/** The pid running, per guest (-1: the bare machine). */
	private readonly pids = new Map<number, number>();
	/** From the header's code map; undefined for older traces and imports. */
	private readonly code: CodeNames | undefined;

	constructor(private readonly header: TraceHeader) {
		for (const [file, labels] of Object.entries(header.symbols)) {
			this.byFile.set(file, new Symbolizer(new Map(Object.entries(labels))));
		}
		if (Array.isArray(header.codeMap)) this.code = new CodeNames(header.codeMap, header.symbols);
	}

	/** Follow the running process. */
	observe(e: TraceEvent): void {
		if (e.kind === 'os.switch') this.pids.set(e.guest, e.to);
		else if (e.kind === 'os.syscall' || e.kind === 'os.return') this.pids.set(e.guest, e.pid);
	}

	reset(): void {
		this.pids.clear();
	}

	/** The instruction at `pc` fetched from physical `phys`: see DashboardSource.symbolizeInstruction. */
	instruction(guest: number, supervisor: boolean, pc: number, phys: number): string {
		return instructionName(this.code, phys, pc, () => this.symbolize(guest, supervisor, pc));
	}

	/** Under a VMM: does physical `phys` hold the guest's kernel (pid 0: virtual supervisor mode)? Undefined without a code map. */
	virtualSupervisor(phys: number): boolean | undefined {
		const pid = this.code?.pidAt(phys);
		return pid === undefined ? undefined : pid === 0;
	}

	/** A user address of process `pid`. */
	process(guest: number, pid: number, pc: number): string {
		return this.code?.process(guest, pid, pc) ?? this.name(this.files(guest).programs[pid - 1], pc);
	}

	symbolize(guest: number, supervisor: boolean, pc: number): string {
		const files = this.files(guest);
		return this.name(supervisor ? files.kernel : files.programs[(this.pids.get(guest) ?? 0) - 1], pc);
	}

	private name(file: string | undefined, pc: number): string {
		const symbols = file === undefined ? undefined : this.byFile.get(file);
		if (symbols) return symbols.name(pc);
		// A bare program, or a table we cannot attribute: the only table there is.
		if (this.byFile.size === 1) return [...this.byFile.values()][0]!.name(pc);
		return `0x${(pc >>> 0).toString(16).padStart(8, '0')}`;
	}

	private files(guest: number): {kernel?: string; programs: string[]} {
		const spec = (this.header.scenario.spec ?? {}) as ScenarioLike;
		if (typeof spec.program === 'string') return {kernel: spec.program, programs: [spec.program]};
		const vm = Array.isArray(spec.vms) ? spec.vms[Math.max(0, guest)] : undefined;
		return {kernel: vm?.kernel ?? spec.kernel, programs: vm?.programs ?? spec.programs ?? []};
	}
}
