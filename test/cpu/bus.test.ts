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
