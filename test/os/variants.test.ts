import {describe, expect, test} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import {runHeadless} from '../../source/cpu/headless.js';
import {classic} from '../../source/isa/profiles.js';
import {mnemonicOf} from '../../source/isa/opcodes.js';
import {kernelSimulation} from '../../source/scenario/build.js';
import {KERNEL, boot, file, sample} from './helpers.js';
import {attachNullHypervisor} from './null-hypervisor.js';

const programs = () => [sample('hello'), sample('hanoi'), sample('fault')];

describe('the PV kernel (define PV)', () => {
	const pv = file(KERNEL, {PV: 1});
	const page = pv.labels.get('pv_vcpu')!;

	test('has its shared vCPU page, word-aligned', () => {
		expect(page % 4).toBe(0);
		expect(file(KERNEL).labels.has('pv_vcpu')).toBe(false);
	});

	test('assembles, alone and with HOSTILE, also through samples/os/kernel-pv.s', () => {
		expect(file(KERNEL, {PV: 1}).labels.get('boot_info')).toBeDefined();
		expect(file(KERNEL, {PV: 1, HOSTILE: 1}).labels.get('hostile')).toBeDefined();
		expect(file('samples/os/kernel-pv.s').bytes).toEqual(file(KERNEL, {PV: 1}).bytes);
	});

	test('runs exactly like the native kernel, with hypercalls instead of every privileged or sensitive instruction', () => {
		const native = boot(programs(), {input: '3\n'});

		const bus = new EventBus();
		const sim = kernelSimulation({kernel: pv, programs: programs(), input: '3\n', bus});
		const hv = attachNullHypervisor(sim.machine, page);
		const sensitive: string[] = [];
		bus.on('instruction', (e) => {
			const mnemonic = mnemonicOf[e.header & 0xff];
			if (e.supervisor && mnemonic !== undefined && classic.privileged.has(mnemonic)) {
				sensitive.push(`${mnemonic} at ${sim.symbolize(-1, true, e.pc)}`);
			}
		});
		const switches: number[] = [];
		bus.on('os.switch', (e) => switches.push(e.to));
		let output = '';
		const {stop} = runHeadless(sim, {maxInstructions: 2_000_000, onOutput: (t) => (output += t)});

		expect(stop).toEqual(native.stop);
		expect(output).toBe(native.output);
		// One instruction for one instruction: the same instructions, so the same timer ticks.
		expect(sim.machine.instret).toBe(native.sim.machine.instret);
		expect(sensitive).toEqual([]);
		// The hypercalls: iret, cli, pushf, popf, in, out, out_imm (hlt: see below).
		for (const n of [1, 2, 4, 5, 7, 8, 9]) expect(hv.calls.get(n), `hypercall ${n}`).toBeGreaterThan(0);
		// The OS observer follows the PV kernel through the hypervisor's iret events.
		expect(switches.slice(0, 3)).toEqual([1, 2, 3]);
	});

	test('warns when smsw says user mode, and goes on', () => {
		const sim = kernelSimulation({kernel: pv, programs: [sample('hello')]});
		attachNullHypervisor(sim.machine, page, {smsw: 0});
		let output = '';
		const {stop} = runHeadless(sim, {maxInstructions: 1_000_000, onOutput: (t) => (output += t)});
		expect(output).toBe(
			'[kernel] warning: smsw says user mode; a kernel should run in supervisor mode\n' +
				'hello from pid 1\n'.repeat(3) +
				'[kernel] all processes have exited: power off\n',
		);
		expect(stop.code).toBe(0);
	});

	test('idles with the hlt hypercall when every process has yielded', () => {
		const native = boot([sample('hello'), sample('hello')]);
		const sim = kernelSimulation({kernel: pv, programs: [sample('hello'), sample('hello')]});
		const hv = attachNullHypervisor(sim.machine, page);
		let output = '';
		runHeadless(sim, {maxInstructions: 1_000_000, onOutput: (t) => (output += t)});
		expect(hv.calls.get(6)).toBeGreaterThan(0); // hlt
		expect(hv.calls.get(3)).toBeGreaterThan(0); // sti
		expect(output).toBe(native.output);
		expect(sim.machine.instret).toBe(native.sim.machine.instret);
		expect(sim.machine.idle).toBe(native.sim.machine.idle);
	});
});

describe('the hostile kernel (define HOSTILE)', () => {
	test('on the bare machine, its attempts succeed: it powers the machine off with 99', () => {
		let timerAtBoot = -1;
		const bus = new EventBus();
		bus.on('io', (e) => {
			if (e.port === 0x20 && timerAtBoot < 0) timerAtBoot = e.value;
		});
		const sim = kernelSimulation({kernel: file('samples/os/hostile.s'), programs: [sample('hello')], bus});
		const returns: unknown[] = [];
		bus.on('os.return', (e) => returns.push(e));
		let output = '';
		const {stop} = runHeadless(sim, {maxInstructions: 1_000_000, onOutput: (t) => (output += t)});
		const run = {output, stop, sim};
		expect(run.output).toBe(
			[
				'[hostile] 1: writing beyond my memory at 0x00100000',
				'[hostile] 1: blocked (#GP)',
				'[hostile] 2: stopping the timer (out 0x20, 0)',
				'[hostile] 3: replacing the IDT (lidt)',
				'[hostile] 4: disabling interrupts (cli) and spinning',
				'[hostile] 5: powering off the machine (out 0xF0, 99)',
				'',
			].join('\n'),
		);
		expect(run.stop).toMatchObject({reason: 'poweroff', code: 99});
		expect(timerAtBoot).toBe(2000); // the timer ran …
		expect(run.sim.machine.timerPeriod).toBe(0); // … and was stopped
		expect(run.sim.machine.idt).toBe(file('samples/os/hostile.s').labels.get('hostile_idt'));
		expect(run.sim.machine.intEnabled).toBe(false);
		expect(returns).toEqual([]); // no process ever ran
	});

	test('samples/os/hostile.s is the kernel with HOSTILE defined', () => {
		expect(file('samples/os/hostile.s').bytes).toEqual(file(KERNEL, {HOSTILE: 1}).bytes);
	});

	test('the native kernel has none of it', () => {
		expect(file(KERNEL).labels.has('hostile')).toBe(false);
	});
});
