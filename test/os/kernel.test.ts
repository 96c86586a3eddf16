import {describe, expect, test} from 'vitest';
import {buildBareSimulation} from '../../source/scenario/build.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {EventBus} from '../../source/bus/event-bus.js';
import {kernelSimulation} from '../../source/scenario/build.js';
import {KERNEL, boot, file, hex8, ofKind, sample, user} from './helpers.js';

const hello = sample('hello');
const counter = sample('counter');
const fault = sample('fault');
const hanoi = sample('hanoi');
const echo = sample('echo');

describe('scheduling', () => {
	test('hello yields between its lines', () => {
		const run = boot([hello]);
		expect(run.output).toBe('hello from pid 1\n'.repeat(3) + '[kernel] all processes have exited: power off\n');
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
	});

	test('counter never yields, yet does not starve hello: preemption', () => {
		const run = boot([counter, hello]);
		const lines = run.output.split('\n');
		const lastHello = lines.lastIndexOf('hello from pid 2');
		const lastCount = lines.indexOf('counter (pid 1): 100000');
		expect(lines.filter((l) => l === 'hello from pid 2')).toHaveLength(3);
		expect(lastCount).toBeGreaterThan(0);
		expect(lastHello).toBeLessThan(lastCount);
		// Counter ran first and was preempted by the timer for hello to run.
		const switches = ofKind(run.events, 'os.switch');
		expect(switches[0]).toMatchObject({from: 0, to: 1});
		expect(switches.some((s) => s.from === 1 && s.to === 2)).toBe(true);
		expect(run.stop.code).toBe(0);
	});

	test('three processes share the CPU round robin', () => {
		const run = boot([counter, counter, counter]);
		const order = ofKind(run.events, 'os.switch').map((s) => s.to);
		expect(order.slice(0, 7)).toEqual([1, 2, 3, 1, 2, 3, 1]);
		for (let pid = 1; pid <= 3; pid++) expect(run.output).toContain(`counter (pid ${pid}): 100000\n`);
	});

	test('every interrupted process gets back exactly its registers, flags, sp and pc', () => {
		const bus = new EventBus();
		const sim = kernelSimulation({kernel: file(KERNEL), programs: [counter, hanoi, hello], input: '5\n', bus});
		const m = sim.machine;
		const saved = new Map<number, number[]>();
		const snapshot = (pc: number) => [...m.regs.slice(0, 15), m.usp, pc, m.eflags & 0xf];
		let checked = 0;
		bus.on('exception.delivered', (e) => {
			if (!e.fromSupervisor && e.vector === 32) saved.set(sim.observer.kernelCurrentPid(), snapshot(e.epc));
		});
		bus.on('os.return', (e) => {
			const before = saved.get(e.pid);
			if (before === undefined) return;
			saved.delete(e.pid);
			expect([...m.regs.slice(0, 15), m.usp, e.pc, m.flags & 0xf]).toEqual(before);
			checked++;
		});
		runHeadless(sim, {maxInstructions: 5_000_000});
		expect(sim.stopped?.code).toBe(0);
		expect(checked).toBeGreaterThan(50);
	});

	test('when every process has yielded, the kernel idles in hlt until the timer', () => {
		const bus = new EventBus();
		let halts = 0;
		bus.on('halt', (e) => {
			if (e.state === 'waiting') halts++;
		});
		const sim = kernelSimulation({kernel: file(KERNEL), programs: [hello, hello], bus});
		let output = '';
		runHeadless(sim, {onOutput: (t) => (output += t)});
		expect(halts).toBeGreaterThan(0);
		expect(sim.machine.idle).toBeGreaterThan(0);
		expect(output.match(/hello from pid/g)).toHaveLength(6);
		expect(sim.stopped?.code).toBe(0);
	});
});

describe('faults kill only the faulting process', () => {
	test('fault.s is killed with #DE at its div; the others finish', () => {
		const run = boot([hello, fault, hanoi], {input: '2\n'});
		const epc = fault.labels.get('divide_by_zero')!;
		expect(run.output).toContain(`fault (pid 2): dividing by zero\n[kernel] pid 2 killed: #DE at ${hex8(epc)}\n`);
		expect(run.output).not.toContain('still alive');
		expect(run.output.match(/hello from pid 1/g)).toHaveLength(3);
		expect(run.output).toContain('3. step: move disk 1 from rod 2 to rod 3\n');
		expect(run.output.endsWith('[kernel] all processes have exited: power off\n')).toBe(true);
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
		expect(run.sim.observer.processes().map((p) => [p.pid, p.state, p.exit])).toEqual([
			[1, 'exited', 0],
			[2, 'killed', 0],
			[3, 'exited', 0],
		]);
		expect(ofKind(run.events, 'os.kill')).toEqual([expect.objectContaining({pid: 2, vector: 0, epc})]);
	});

	const cases: Array<[string, string, string, (p: ReturnType<typeof user>) => number]> = [
		['brk', 'brk\nafter: jmp after', '#BP', (p) => p.labels.get('after')!],
		['an undefined opcode', 'bad: .word 0', '#UD', (p) => p.labels.get('bad')!],
		['a privileged instruction', 'bad: cli', '#GP', (p) => p.labels.get('bad')!],
		['a load outside its region', 'bad: ld r0, [0x7ffffff0]', '#GP', (p) => p.labels.get('bad')!],
		['a misaligned store', 'bad: st r0, [2]', '#GP', (p) => p.labels.get('bad')!],
		['int n < 32 from user mode', 'bad: int 8', '#GP', (p) => p.labels.get('bad')!],
		['an int the kernel does not serve', 'int 0x81\nafter: jmp after', 'vector 129', (p) => p.labels.get('after')!],
	];
	test.each(cases)('%s', (_what, code, name, epcOf) => {
		const program = user(`_start:\n        nop\n${code}\n`);
		const run = boot([program, hello]);
		expect(run.output).toContain(`[kernel] pid 1 killed: ${name} at ${hex8(epcOf(program))}\n`);
		expect(run.output.match(/hello from pid 2/g)).toHaveLength(3);
		expect(run.stop.code).toBe(0);
	});

	test('attack.s: every attempt from user mode is killed with #GP', () => {
		const attack = sample('attack');
		const run = boot([attack, attack, attack, attack, attack]);
		for (let pid = 1; pid <= 5; pid++) {
			expect(run.output).toContain(`[attack] pid ${pid}: attempt ${pid}: `);
			expect(run.output).toMatch(new RegExp(`\\[kernel\\] pid ${pid} killed: #GP at 0x`));
		}
		expect(run.output).not.toContain('ESCAPED');
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
	});
});

describe('echo.s', () => {
	test('writes its input back until q', () => {
		const run = boot([echo], {input: 'abc\ndef\nqnot this'});
		expect(run.userOutput).toBe('abc\ndef\n');
		expect(run.stop.code).toBe(0);
	});

	test('waits (yielding) for input that comes later', () => {
		const sim = kernelSimulation({kernel: file(KERNEL), programs: [echo], input: 'one\n', live: true});
		let output = '';
		runHeadless(sim, {maxInstructions: 100_000, onOutput: (t) => (output += t)});
		expect(output).toBe('one\n');
		expect(sim.stopped?.reason).toBe('instruction-limit'); // still waiting for its q
		sim.machine.stopped = null;
		sim.pushInput('two\nq');
		runHeadless(sim, {maxInstructions: 200_000, onOutput: (t) => (output += t)});
		expect(output).toBe('one\ntwo\n[kernel] all processes have exited: power off\n');
	});
});

describe('system calls (docs/v32.md §7.2)', () => {
	const program = user(`
_start:
        mov r13, sp                     ; the top of my region: my limit
        mov r0, SYS_GETPID
        int 0x80
        st r0, [results+0]
        mov r0, SYS_WRITE
        mov r1, msg
        mov r2, 6
        int 0x80
        st r0, [results+4]
        mov r0, SYS_WRITE               ; a buffer beyond the region
        mov r1, 0xFFFF0000
        mov r2, 4
        int 0x80
        st r0, [results+8]
        mov r0, SYS_WRITE               ; a buffer running past the end of the region
        sub r1, r13, 2
        mov r2, 4
        int 0x80
        st r0, [results+12]
        mov r0, SYS_READ
        mov r1, buf
        mov r2, 3
        int 0x80
        st r0, [results+16]
        mov r0, SYS_READ
        mov r1, buf+3
        mov r2, 10
        int 0x80
        st r0, [results+20]
        mov r0, SYS_READ                ; nothing left: 0, without blocking
        mov r1, buf+8
        mov r2, 10
        int 0x80
        st r0, [results+24]
        mov r0, SYS_READ
        mov r1, r13
        mov r2, 1
        int 0x80
        st r0, [results+28]
        mov r0, SYS_YIELD
        int 0x80
        st r0, [results+32]
        mov r0, SYS_TIME
        int 0x80
        st r0, [results+36]
        mov r5, 20000
spin:   sub r5, r5, 1
        jnz spin
        mov r0, SYS_TIME
        int 0x80
        st r0, [results+40]
        mov r0, 6                       ; no such call
        int 0x80
        st r0, [results+44]
        mov r0, -1
        int 0x80
        st r0, [results+48]
        mov r0, SYS_WRITE
        mov r1, msg
        mov r2, 0
        int 0x80
        st r0, [results+52]
        mov r0, SYS_EXIT
        mov r1, 42
        int 0x80
        brk                             ; not reached
msg:    .ascii "write\\n"
        .align 4
results: .space 64
buf:    .space 32
.include "lib.inc"
`);

	test('every call returns what the ABI says, and exit ends the process with its code', () => {
		const run = boot([hello, program], {input: 'xyz12'});
		const {base} = run.sim.boot.regions[1]!;
		const at = (offset: number) => run.sim.machine.mem32[(base + program.labels.get('results')! + offset) >>> 2]!;
		expect(at(0)).toBe(2); // getpid
		expect(at(4)).toBe(6); // write
		expect(at(8)).toBe(-14); // write outside: -EFAULT
		expect(at(12)).toBe(-14);
		expect(at(16)).toBe(3); // read "xyz"
		expect(at(20)).toBe(2); // read "12"
		expect(at(24)).toBe(0); // nothing left
		expect(at(28)).toBe(-14);
		expect(at(32)).toBe(0); // yield
		expect(at(40)).toBeGreaterThan(at(36)); // time: ticks go on
		expect(at(36)).toBeGreaterThanOrEqual(0);
		expect(at(44)).toBe(-38); // unknown call: -ENOSYS
		expect(at(48)).toBe(-38);
		expect(at(52)).toBe(0); // write of 0 bytes
		const bytes = run.sim.machine.mem.slice(base + program.labels.get('buf')!, base + program.labels.get('buf')! + 6);
		expect(new TextDecoder().decode(bytes)).toBe('xyz12\0');
		expect(run.output).toContain('write\n');
		expect(run.output).not.toContain('killed');
		expect(run.sim.observer.processes()[1]).toMatchObject({pid: 2, state: 'exited', exit: 42});
		expect(ofKind(run.events, 'os.exit')).toEqual([
			expect.objectContaining({pid: 1, code: 0}),
			expect.objectContaining({pid: 2, code: 42}),
		]);
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
	});

	test('a system call preserves every register but r0, and sp', () => {
		const bus = new EventBus();
		const sim = kernelSimulation({kernel: file(KERNEL), programs: [program, hanoi, hello], input: 'xyz12', bus});
		const m = sim.machine;
		const pending = new Map<number, number[]>();
		let checked = 0;
		bus.on('os.syscall', (e) => {
			if (e.number !== 0) pending.set(e.pid, [...m.regs.slice(1, 15), m.usp]);
		});
		bus.on('os.return', (e) => {
			const before = pending.get(e.pid);
			if (before === undefined) return;
			pending.delete(e.pid);
			expect([...m.regs.slice(1, 15), m.usp]).toEqual(before);
			checked++;
		});
		runHeadless(sim, {maxInstructions: 5_000_000});
		expect(checked).toBeGreaterThan(30);
		expect(sim.stopped?.code).toBe(0);
	});
});

describe('power off', () => {
	test('with 0 when every process has exited', () => {
		const run = boot([hello, fault]);
		expect(run.stop).toEqual({reason: 'poweroff', code: 0, message: 'powered off with code 0'});
	});

	test('with 0 and a message when there is nothing to run', () => {
		const run = boot([]);
		expect(run.output).toBe('[kernel] no processes to run\n');
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 0});
	});

	test('with 1 when started without boot information (as a bare program)', () => {
		const sim = buildBareSimulation(file(KERNEL));
		let output = '';
		const {stop} = runHeadless(sim, {onOutput: (t) => (output += t)});
		expect(output).toContain('[kernel] no boot information');
		expect(stop).toMatchObject({reason: 'poweroff', code: 1});
	});
});

describe('boot', () => {
	test('gives each process a region of at least 64 KiB with sp at its top', () => {
		const run = boot([hello, hello, hello]);
		for (const p of run.sim.observer.processes()) {
			expect(p.size).toBeGreaterThanOrEqual(0x10000);
			expect(p.base % 0x10000).toBe(0);
		}
	});
});
