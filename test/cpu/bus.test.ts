import {describe, expect, it} from 'vitest';
import {EventBus} from '../../source/bus/event-bus.js';
import type {VmEvent} from '../../source/bus/events.js';

const stamp = {cycle: 0, instret: 0, guest: -1};

describe('EventBus', () => {
	it('an event emitted by a listener reaches everyone after the event that caused it', () => {
		const bus = new EventBus();
		const seen: string[] = [];
		// A deriving subscriber (like the OS observer) registered first…
		bus.on('exception.delivered', () => bus.emit({kind: 'os.handler', vector: 3, handler: 0, symbol: 'h', ...stamp}));
		// …and a recording subscriber registered after it.
		bus.onMany(['exception.delivered', 'os.handler'], (e: VmEvent) => seen.push(e.kind));
		bus.emit({kind: 'exception.delivered', vector: 3, epc: 0, handler: 0, fromSupervisor: true, ...stamp});
		expect(seen).toEqual(['exception.delivered', 'os.handler']);
	});

	it('events queued by listeners of queued events go out too, in order; a dispatch that throws leaves nothing queued', () => {
		const bus = new EventBus();
		const seen: string[] = [];
		// delivered → os.handler (queued) → os.syscall (queued while the queue is being delivered).
		bus.on('exception.delivered', () => bus.emit({kind: 'os.handler', vector: 0x80, handler: 0, symbol: 'h', ...stamp}));
		bus.on('os.handler', () => bus.emit({kind: 'os.syscall', pid: 1, number: 1, name: 'write', args: [0, 0, 0], ...stamp}));
		bus.onMany(['exception.delivered', 'os.handler', 'os.syscall', 'io'], (e: VmEvent) => seen.push(e.kind));
		const delivered: VmEvent = {kind: 'exception.delivered', vector: 0x80, epc: 0, handler: 0, fromSupervisor: false, ...stamp};
		bus.emit(delivered);
		bus.emit(delivered);
		expect(seen).toEqual(['exception.delivered', 'os.handler', 'os.syscall', 'exception.delivered', 'os.handler', 'os.syscall']);
		// A listener that throws mid-dispatch: the events it had queued are not delivered later with another event.
		const failing = new EventBus();
		const after: string[] = [];
		let fail = true;
		failing.on('exception.delivered', () => {
			failing.emit({kind: 'os.handler', vector: 3, handler: 0, symbol: 'h', ...stamp});
			if (fail) throw new Error('listener failed');
		});
		failing.onMany(['os.handler', 'io'], (e: VmEvent) => after.push(e.kind));
		expect(() => failing.emit(delivered)).toThrow('listener failed');
		fail = false;
		failing.emit({kind: 'io', port: 0x10, direction: 'out', value: 65, ...stamp});
		expect(after).toEqual(['io']);
	});

	it('wanted[kind] tracks subscriptions; unsubscribing stops delivery', () => {
		const bus = new EventBus();
		let count = 0;
		const off = bus.on('io', () => count++);
		expect(bus.wanted.io).toBe(true);
		bus.emit({kind: 'io', port: 0x10, direction: 'out', value: 65, ...stamp});
		off();
		expect(bus.wanted.io).toBe(false);
		bus.emit({kind: 'io', port: 0x10, direction: 'out', value: 65, ...stamp});
		expect(count).toBe(1);
	});
});

describe('EventBus: instruction sinks (fields as arguments)', () => {
	type Fields = [number, number, boolean, number, number, number, number, number];
	const fieldsOf = (e: VmEvent): Fields | null =>
		e.kind === 'instruction' ? [e.pc, e.phys, e.supervisor, e.header, e.cycle, e.instret, e.guest, e.journey ?? 0] : null;

	it('a sink and an object listener see the same instructions, in subscription order', () => {
		const bus = new EventBus();
		const seen: string[] = [];
		const fields: Fields[] = [];
		bus.on('instruction', (e) => seen.push(`object ${e.instret} ${e.journey ?? '-'}`));
		bus.onInstruction((...f) => {
			seen.push(`sink ${f[5]} ${f[7]}`);
			fields.push(f);
		});
		bus.emitInstruction(8, 0x108, false, 0x1002, 10, 4, 0, 0);
		bus.emit({kind: 'instruction', pc: 12, phys: 0x10c, supervisor: true, header: -5, cycle: 11, instret: 5, guest: -1, journey: 3});
		expect(seen).toEqual(['object 4 -', 'sink 4 0', 'object 5 3', 'sink 5 3']);
		expect(fields).toEqual([
			[8, 0x108, false, 0x1002, 10, 4, 0, 0],
			[12, 0x10c, true, -5, 11, 5, -1, 3],
		]);
	});

	it('with only sinks listening, emitInstruction builds the event as emit would for a listener added later', () => {
		const bus = new EventBus();
		const fromSink: Fields[] = [];
		const off = bus.onInstruction((...f) => fromSink.push(f));
		expect(bus.wanted.instruction).toBe(true);
		bus.emitInstruction(4, 4, true, 7, 1, 1, -1, 2);
		const objects: Fields[] = [];
		const offObject = bus.on('instruction', (e) => objects.push(fieldsOf(e)!));
		bus.emitInstruction(8, 8, true, 9, 2, 2, -1, 0);
		offObject();
		bus.emitInstruction(12, 12, true, 11, 3, 3, -1, 0);
		expect(fromSink.map((f) => f[0])).toEqual([4, 8, 12]);
		expect(objects).toEqual([[8, 8, true, 9, 2, 2, -1, 0]]);
		off();
		expect(bus.wanted.instruction).toBe(false);
		bus.emitInstruction(16, 16, true, 13, 4, 4, -1, 0);
		expect(fromSink).toHaveLength(3);
	});

	it('an event a sink emits waits until every sink has seen the instruction', () => {
		const bus = new EventBus();
		const seen: string[] = [];
		bus.onInstruction((pc) => {
			seen.push(`first ${pc}`);
			bus.emit({kind: 'io', port: 0x10, direction: 'out', value: pc, ...stamp});
		});
		bus.onInstruction((pc) => seen.push(`second ${pc}`));
		bus.on('io', (e) => seen.push(`io ${e.value}`));
		bus.emitInstruction(20, 20, true, 0, 0, 0, -1, 0);
		expect(seen).toEqual(['first 20', 'second 20', 'io 20']);
	});
});
