/** The interval timer (port 0x20): `out 0x20, N` raises IRQ 0 every N instructions (0 stops it). */
import type {Machine} from '../machine.js';
import type {Device} from './port-table.js';

export function timer(m: Machine): Device {
	return {
		read: () => -1,
		write: (value) => {
			m.accountTimer();
			m.timerPeriod = value >>> 0;
			m.timerCountdown = m.timerPeriod;
			// IRQ 0 comes after N further instructions: the `out` itself (which
			// retires after this) is not one of them.
			m.sliceStart = m.instret + 1;
		},
	};
}
