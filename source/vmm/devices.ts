/**
 * The guest's virtual devices (docs/v32.md §5, seen through the VMM): its own
 * console, its own timer counted in its own instructions, its own power
 * switch. None of them reaches a real device: the real console output is
 * assembled from the guests' consoles, the real timer stays the VMM's, and
 * a guest's power-off stops that guest only (resource control).
 */
import {Port} from '../isa/opcodes.js';
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';
import {VMM_STATUS_PORT} from './consent.js';

/** `in rd, port` on the virtual devices. */
export function portIn(vm: Monitor, g: Guest, port: number): number {
	const v = g.vcpu;
	let value = -1;
	if (port === Port.CONSOLE_IN) value = v.readInput();
	// The guest's instructions so far; this `in` itself was counted already and does not count for itself.
	else if (port === Port.INSTRET) value = (v.instret - 1) | 0;
	// An intransparent transient VMM answers on its status port; any other VMM leaves it an open bus.
	else if (port === VMM_STATUS_PORT && vm.consent) value = vm.consent.status;
	const bus = vm.bus;
	if (bus.wanted.io) bus.emit({kind: 'io', port, direction: 'in', value, ...vm.stamp(g)});
	return value;
}

/** `out port, value` on the virtual devices; returns the effect for the `vmm.emulate` event (when someone listens). */
export function portOut(vm: Monitor, g: Guest, port: number, value: number, at: number): string {
	const v = g.vcpu;
	const bus = vm.bus;
	if (bus.wanted.io) bus.emit({kind: 'io', port, direction: 'out', value, ...vm.stamp(g)});
	switch (port) {
		case Port.CONSOLE_OUT: {
			const byte = value & 0xff;
			v.output.push(byte);
			if (byte === 10 && vm.guests.length > 1) vm.lineOrder.push(g.index);
			if (bus.wanted.console) bus.emit({kind: 'console', text: String.fromCharCode(byte), ...vm.stamp(g)});
			return bus.wanted['vmm.emulate'] ? `console ${JSON.stringify(String.fromCharCode(byte))}` : '';
		}
		case Port.TIMER: {
			const period = value >>> 0;
			v.timerPeriod = period;
			v.timerCountdown = period;
			const kind = period === 0 ? 'stop the timer' : 'program the timer';
			if (!g.resource.again(kind, 'kernel')) g.resource.record({
				guest: g.index,
				kind,
				by: 'kernel',
				pc: at,
				detail: `out 0x20, ${period}`,
				outcome: "virtual timer only; the real timer stays the VMM's",
			});
			if (!bus.wanted['vmm.emulate']) return '';
			return period === 0 ? 'virtual timer stopped' : `virtual timer every ${period} guest instructions`;
		}
		case Port.POWER: {
			const code = value | 0;
			const others = vm.guests.filter((o) => o !== g && o.vcpu.state !== 'stopped').length;
			g.resource.record({
				guest: g.index,
				kind: 'power off the machine',
				by: 'kernel',
				pc: at,
				detail: `out 0xf0, ${code}`,
				outcome:
					others > 0
						? `this guest stopped (code ${code}); the real machine ran on with ${others} other ${others === 1 ? 'guest' : 'guests'}`
						: `this guest stopped (code ${code}); the VMM stopped the real machine only when no guest was left`,
			});
			vm.scheduler.stopGuest(g, 'poweroff', code, `powered off with code ${code}`);
			return `power off (code ${code}): guest stopped`;
		}
		case VMM_STATUS_PORT:
			if (vm.consent) return vm.consent.acknowledge(value, v.instret, at);
			return `port 0x${port.toString(16)}: no device`;
		default:
			return `port 0x${port.toString(16)}: no device`;
	}
}
