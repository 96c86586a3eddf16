/** Importing real KVM traces: every line format kernels and tools print. */
import {writeFileSync} from 'node:fs';
import {afterAll, describe, expect, test} from 'vitest';
import {TraceError} from '../../source/trace/errors.js';
import type {TraceEvent} from '../../source/trace/format.js';
import {categoryOf, importKvm, normalizeReason, parseFtraceLine} from '../../source/trace/kvm-import.js';
import {TraceReader} from '../../source/trace/reader.js';
import {TraceCursor} from '../../source/trace/seek.js';
import {ExitStats} from '../../source/stats/exit-stats.js';
import {tempDir} from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function convert(text: string): Promise<{result: Awaited<ReturnType<typeof importKvm>>; events: TraceEvent[]; reader: TraceReader}> {
	const input = tmp.path(`in-${Math.random().toString(36).slice(2)}.txt`);
	const output = input.replace(/\.txt$/, '.jsonl');
	writeFileSync(input, text);
	const result = await importKvm(input, output);
	const reader = await TraceReader.open(output);
	const events = [...new TraceCursor(reader).range(0, reader.length)];
	reader.close();
	return {result, events, reader};
}

describe('one ftrace line', () => {
	test.each([
		['trace-cmd report, task with spaces', ' CPU 0/KVM-7289  [001]  1234.567890: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8107a3c2 info 181 0', 'CPU 0/KVM-7289', 1, 'kvm_exit'],
		['raw ftrace with a flags column', 'qemu-system-x86-1234 [002] d.... 5678.123456: kvm_exit: reason HLT rip 0xffffffff81c0b3ae info 0 0 intr 0 cpu 2', 'qemu-system-x86-1234', 2, 'kvm_exit'],
		['four-character flags', '   qemu-kvm-4242 [000] d..1  17.000100: kvm_entry: vcpu 1, rip 0xffffffff81063f92', 'qemu-kvm-4242', 0, 'kvm_entry'],
		['ftrace with record-tgid', '  qemu-kvm-99   (   99) [003] ....  10.000001: kvm_entry: vcpu 1', 'qemu-kvm-99', 3, 'kvm_entry'],
		['perf script', 'qemu-system-x86  1234 [002] 5678.123456: kvm:kvm_exit: reason npf rip 0xffffffff8107a3c2 info 100000004 ffffd880', 'qemu-system-x86  1234', 2, 'kvm_exit'],
		['nanosecond timestamps', 'CPU 1/KVM-11 [005] 99.123456789: kvm_exit: vcpu 1 reason MSR_WRITE rip 0x1 info 0 0', 'CPU 1/KVM-11', 5, 'kvm_exit'],
	])('%s', (_name, text, task, cpu, event) => {
		expect(parseFtraceLine(text)).toMatchObject({task, cpu, event});
	});

	test('timestamps become nanoseconds exactly', () => {
		expect(parseFtraceLine('a-1 [000] 12.000001: kvm_exit: reason HLT')?.ns).toBe(12_000_001_000);
		expect(parseFtraceLine('a-1 [000] 12.000000007: kvm_exit: reason HLT')?.ns).toBe(12_000_000_007);
	});

	test('reason names: any case, SVM prefixes, VMX numbers', () => {
		expect(normalizeReason('hlt')).toBe('HLT');
		expect(normalizeReason('npf')).toBe('NPF');
		expect(normalizeReason('SVM_EXIT_MSR')).toBe('MSR');
		expect(normalizeReason('48')).toBe('EPT_VIOLATION');
		expect(normalizeReason('0x1e')).toBe('IO_INSTRUCTION');
		expect(categoryOf('EXTERNAL_INTERRUPT')).toBe('timer');
		expect(categoryOf('EPT_VIOLATION')).toBe('exception');
		expect(categoryOf('VMCALL')).toBe('hypercall');
		expect(categoryOf('HLT')).toBe('privileged');
	});

	test('not an ftrace line', () => {
		expect(parseFtraceLine('hello world')).toBeNull();
		expect(parseFtraceLine('')).toBeNull();
	});
});

describe('importKvm', () => {
	test('every format variant in one file, unparseable lines reported by number', async () => {
		const text = [
			'# tracer: nop', // 1
			'#', // 2
			'cpus=8', // 3
			' CPU 0/KVM-7289  [001]  1000.000000: kvm_exit: vcpu 0 reason EPT_VIOLATION rip 0xffffffff8107a3c2 info 181 0', // 4
			' CPU 0/KVM-7289  [001]  1000.000004: kvm_entry: vcpu 0, rip 0xffffffff8107a3c2', // 5
			'qemu-system-x86-1234 [002] d.... 1000.000010: kvm_exit: reason hlt rip 0xffffffff81c0b3ae info 0 0 intr 0 cpu 2', // 6 no vcpu: learnt from line 7
			'qemu-system-x86-1234 [002] d.... 1000.000110: kvm_entry: vcpu 1, rip 0xffffffff81c0b3af', // 7
			'this line is not a trace line', // 8
			'  qemu-kvm-99   (   99) [003] ....  1000.000200: kvm_exit: vcpu 2 reason EXTERNAL_INTERRUPT rip 0xffffffff81063f92 info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x800000ec error_code 0x00000000', // 9
			'  qemu-kvm-99   (   99) [003] ....  1000.000201: kvm_apic_accept_irq: apicid 2 vec 236 (Fixed|edge)', // 10 another tracepoint
			'  qemu-kvm-99   (   99) [003] ....  1000.000202: kvm_entry: vcpu 2', // 11 old form, no rip
			'qemu-system-x86  1234 [002] 1000.000300: kvm:kvm_exit: reason npf rip 0xffffffff8107a3c2 info 100000004 ffffd880', // 12 perf script, no vcpu, same task as line 6? no: different name
			'qemu-system-x86  1234 [002] 1000.000305: kvm:kvm_entry: vcpu 3, rip 0xffffffff8107a3c2', // 13
			'CPU 0/KVM-7289  [001]  1000.000400: kvm_exit: vcpu 0 reason 30 rip 0x1000', // 14 numeric reason
			'CPU 0/KVM-7289  [001]  1000.000420: kvm_entry: vcpu 0, rip 0x1002', // 15
			'CPU 0/KVM-7289  [001]  1000.000500: kvm_exit: vcpu 0 rip 0x1000', // 16 an exit without a reason
			'', // 17
		].join('\n');
		const {result, events, reader} = await convert(text);
		expect(result.unparsed).toEqual([
			{line: 8, text: 'this line is not a trace line'},
			{line: 16, text: 'CPU 0/KVM-7289  [001]  1000.000500: kvm_exit: vcpu 0 rip 0x1000'},
		]);
		expect(result.otherEvents).toBe(1);
		expect(result.exits).toBe(5);
		expect(result.entries).toBe(5);
		expect(result.vcpus).toEqual([0, 1, 2, 3]);
		expect(reader.problems).toEqual([]);
		expect(reader.header).toMatchObject({source: 'import', vmm: {technique: 'trap', guests: 4}, import: {from: 'kvm-ftrace'}});
		const summary = events.map((e) => (e.kind === 'vmm.intercept' ? `${e.guest} exit ${e.reason} ${e.category} @${e.cycle}` : e.kind === 'vmm.resume' ? `${e.guest} entry cost ${e.cost} @${e.cycle}` : e.kind));
		expect(summary).toEqual([
			'0 exit EPT_VIOLATION exception @0',
			'0 entry cost 4000 @4000',
			'1 exit HLT privileged @10000',
			'1 entry cost 100000 @110000',
			'2 exit EXTERNAL_INTERRUPT timer @200000',
			'2 entry cost 2000 @202000',
			'3 exit NPF exception @300000',
			'3 entry cost 5000 @305000',
			'0 exit IO_INSTRUCTION privileged @400000',
			'0 entry cost 20000 @420000',
		]);
		expect(events[0]).toMatchObject({pc: 0x8107a3c2, rip: '0xffffffff8107a3c2'});
	});

	test('the exit statistics of the import are those of the host', async () => {
		const {events} = await convert(
			[
				'a-1 [000] 1.000000: kvm_exit: vcpu 0 reason HLT rip 0x1',
				'a-1 [000] 1.000100: kvm_entry: vcpu 0, rip 0x2',
				'a-1 [000] 1.000200: kvm_exit: vcpu 0 reason HLT rip 0x1',
				'a-1 [000] 1.000500: kvm_entry: vcpu 0, rip 0x2',
				'a-1 [000] 1.000600: kvm_exit: vcpu 0 reason MSR_WRITE rip 0x3',
			].join('\n'),
		);
		const stats = new ExitStats();
		for (const e of events) {
			if (e.kind === 'vmm.intercept') stats.intercept(e);
			if (e.kind === 'vmm.resume') stats.resume(e);
		}
		const hlt = stats.rows().find((r) => r.reason === 'HLT');
		expect(hlt).toMatchObject({count: 2, meanCycles: 200_000});
	});

	test('an entry before any exit (the trace began mid-exit) is skipped; unsorted times are kept in order', async () => {
		const {result, events} = await convert(
			[
				'a-1 [000] 5.000010: kvm_entry: vcpu 0, rip 0x2',
				'a-1 [000] 5.000020: kvm_exit: vcpu 0 reason CPUID rip 0x1',
				'b-2 [001] 5.000015: kvm_exit: vcpu 1 reason HLT rip 0x1',
				'a-1 [000] 5.000030: kvm_entry: vcpu 0, rip 0x2',
			].join('\n'),
		);
		expect(events.map((e) => e.cycle)).toEqual([10000, 10000, 20000]);
		expect(result.warnings.join('\n')).toMatch(/1 lines had a time before/);
		expect(result.warnings.join('\n')).toMatch(/1 exits had no kvm_entry/);
	});

	test('a missing input file', async () => {
		const error = await importKvm(tmp.path('nope.txt'), tmp.path('out.jsonl')).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TraceError);
		expect((error as Error).message).toMatch(/nope\.txt: cannot read: no such file or directory/);
	});

	test('the shipped sample imports cleanly', async () => {
		const result = await importKvm(new URL('../../samples/traces/kvm-sample.txt', import.meta.url).pathname, tmp.path('sample.jsonl'));
		expect(result.unparsed).toEqual([]);
		expect(result.exits).toBe(300);
		expect(result.entries).toBe(300);
		expect(result.vcpus).toEqual([0, 1]);
	});
});
