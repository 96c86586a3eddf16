/** The instruction counter (port 0x21): `in` reads instret, the guest's clock. */
import type {Machine} from '../machine.js';
import type {Device} from './port-table.js';

export function instretCounter(m: Machine): Device {
	return {read: () => m.instret | 0, write: () => {}};
}
