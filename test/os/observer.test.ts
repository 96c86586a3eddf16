import {readFileSync} from 'node:fs';
import {describe, expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';
import {KernelLayoutError, OsObserver, kernelLayout, syscallNames} from '../../source/os/observer.js';
import {assemble} from '../../source/isa/assembler/index.js';
import {formatAsmError} from '../../source/isa/program.js';
import {KERNEL, boot, file, ofKind, sample, user} from './helpers.js';

describe('OS events derived from execution and the kernel symbols', () => {
	const fault = sample('fault');
	const run = boot([sample('hello'), sample('hanoi'), sample('counter'), fault], {input: '3\n'});

	test('a handler entered: vector and the kernel label of its handler', () => {
		const byVector = new Map(ofKind(run.events, 'os.handler').map((e) => [e.vector, e.symbol]));
		expect(Object.fromEntries(byVector)).toEqual({0: 'divide_error_fault', 32: 'timer_interrupt', 33: 'console_interrupt', 128: 'syscall_entry'});
	});

	test('system calls: pid, number, ABI name and arguments', () => {
		const calls = ofKind(run.events, 'os.syscall');
		expect(calls.length).toBeGreaterThan(20);
		for (const c of calls) expect(c.name).toBe(syscallNames[c.number]);
		expect(calls[0]).toMatchObject({pid: 1, number: 3, name: 'getpid'});
		const write = calls.find((c) => c.pid === 1 && c.name === 'write')!;
		expect(write.args[1]).toBe('hello from pid 1\n'.length);
		expect(write.args[0]).toBe(sample('hello').labels.get('line'));
		expect(calls.filter((c) => c.name === 'read' && c.pid === 2)).toHaveLength(2); // "3", then the newline ends the number
	});

	test('process switches, read from current_pid: each followed by a return to that pid', () => {
		const ordered = run.events.filter((e) => e.kind === 'os.switch' || e.kind === 'os.return');
		expect(ordered[0]).toMatchObject({kind: 'os.switch', from: 0, to: 1});
		let last = 0;
		ordered.forEach((e, i) => {
			if (e.kind !== 'os.switch') return;
			expect(e.from).toBe(last);
			expect(ordered[i + 1]).toMatchObject({kind: 'os.return', pid: e.to});
			last = e.to;
		});
		expect(new Set(ofKind(run.events, 'os.switch').map((e) => e.to))).toEqual(new Set([1, 2, 3, 4]));
	});

	test('returns to user mode: pid and the user pc', () => {
		const returns = ofKind(run.events, 'os.return');
		expect(returns[0]).toMatchObject({pid: 1, pc: sample('hello').entry});
		expect(returns.length).toBe(run.sim.observer.counts.returns);
	});

	test('a process killed, and processes exiting with their codes', () => {
		expect(ofKind(run.events, 'os.kill')).toEqual([
			expect.objectContaining({pid: 4, vector: 0, epc: fault.labels.get('divide_by_zero'), guest: -1}),
		]);
		expect(ofKind(run.events, 'os.exit').map((e) => [e.pid, e.code])).toEqual(expect.arrayContaining([[1, 0], [2, 0], [3, 0]]));
	});

	test('the process table, as the kernel has it', () => {
		expect(run.sim.observer.processes().map((p) => [p.pid, p.state, p.program])).toEqual([
			[1, 'exited', 'samples/user/hello.s'],
			[2, 'exited', 'samples/user/hanoi.s'],
			[3, 'exited', 'samples/user/counter.s'],
			[4, 'killed', 'samples/user/fault.s'],
		]);
	});

	test('code is named by the kernel labels in supervisor mode and by the running program otherwise', () => {
		const sym = run.sim;
		expect(sym.symbolize(-1, true, file(KERNEL).labels.get('schedule')! + 4)).toBe('schedule+0x4');
		expect(sym.observer.symbolizeUser(fault.labels.get('divide_by_zero')!, 4)).toBe('divide_by_zero');
	});
});

describe('idle', () => {
	test('a switch to pid 0 when the kernel idles', () => {
		const run = boot([sample('hello')]);
		const switches = ofKind(run.events, 'os.switch').map((e) => [e.from, e.to]);
		expect(switches).toContainEqual([1, 0]);
		expect(switches).toContainEqual([0, 1]);
	});
});

describe('per guest', () => {
	test('an observer reacts only to events of its guest', () => {
		const kernel = file(KERNEL);
		const bus = new EventBus();
		const memory = new Int32Array(1 << 18);
		const registers = [3, 7, 8, 9];
		const observer = new OsObserver({
			bus,
			guest: 2,
			readWord: (a) => memory[a >>> 2]!,
			readRegister: (i) => registers[i] ?? 0,
			kernel,
			programs: [],
		});
		memory[kernel.labels.get('current_pid')! >>> 2] = 5;
		const seen: VmEvent[] = [];
		bus.onMany(['os.handler', 'os.syscall', 'os.switch', 'os.return'], (e) => seen.push(e));
		const syscall = kernel.labels.get('syscall_entry')!;
		const stamp = {cycle: 1, instret: 1};
		bus.emit({kind: 'exception.delivered', vector: 0x80, epc: 8, handler: syscall, fromSupervisor: false, guest: -1, ...stamp});
		bus.emit({kind: 'iret', pc: 0, to: 8, toSupervisor: false, guest: 0, ...stamp});
		expect(seen).toEqual([]);
		bus.emit({kind: 'exception.delivered', vector: 0x80, epc: 8, handler: syscall, fromSupervisor: false, guest: 2, ...stamp});
		bus.emit({kind: 'iret', pc: 0, to: 8, toSupervisor: false, guest: 2, ...stamp});
		expect(seen.map((e) => e.kind)).toEqual(['os.handler', 'os.syscall', 'os.switch', 'os.return']);
		expect(seen[1]).toMatchObject({pid: 5, number: 3, name: 'getpid', args: [7, 8, 9], guest: 2});
		expect(seen[2]).toMatchObject({from: 0, to: 5, guest: 2});
		observer.dispose();
		bus.emit({kind: 'iret', pc: 0, to: 8, toSupervisor: false, guest: 2, ...stamp});
		expect(seen).toHaveLength(4);
	});

	test('a kernel without the documented symbols is refused by name', () => {
		expect(() => kernelLayout(user('_start: jmp _start\n'))).toThrow(KernelLayoutError);
		expect(() => kernelLayout(user('_start: jmp _start\n'))).toThrow(/needs the kernel symbol 'current_pid'/);
	});
});

describe('the observer bounds what it reads from guest memory (issue 13 §6)', () => {
	/** The sample kernel, rebuilt with MAX_PROCS as given (its table stays PROC_TABLE_SIZE bytes). */
	const kernelWith = (maxProcs: number) => {
		const text = readFileSync(KERNEL, 'utf8').replace(/^\.equ MAX_PROCS, 8\b/m, `.equ MAX_PROCS, ${maxProcs}`);
		expect(text).toContain(`.equ MAX_PROCS, ${maxProcs}`);
		const r = assemble(text, {file: KERNEL});
		if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n'));
		return r.program;
	};

	test('a kernel claiming 1,000,000 process slots: the processes it booted, no bogus ones', () => {
		const run = boot([sample('hello'), sample('fault')], {kernel: kernelWith(1_000_000)});
		// (How far this kernel gets is its own business: its scheduler scans a million slots.)
		expect(run.sim.observer.processes().map((p) => p.pid)).toEqual([1, 2]);
	});

	test('no programs given: at most the table the kernel has (PROC_TABLE_SIZE / PROC_SIZE slots) are read', () => {
		const kernel = kernelWith(1_000_000);
		let reads = 0;
		const observer = new OsObserver({bus: new EventBus(), guest: -1, readWord: () => (reads++, 1), readRegister: () => 0, kernel, programs: []});
		expect(observer.processes()).toHaveLength(1024 / 128);
		expect(reads).toBe(6 * 8);
	});
});
