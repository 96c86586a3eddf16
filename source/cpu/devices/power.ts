/** The power controller (port 0xF0): `out 0xF0, code` powers the machine off with that exit code. */
import type {Machine} from '../machine.js';
import type {Device} from './port-table.js';

export function power(m: Machine): Device {
	return {
		read: () => -1,
		write: (value) => m.stop('poweroff', value | 0, `powered off with code ${value | 0}`),
	};
}
