/**
 * The I/O port space (docs/machine.md, devices): 256 ports, each answered by a
 * device. The table is filled once, every free port with the open bus, so
 * `in`/`out` index it and call — no branch on the port number (v86 does the
 * same with its port handlers).
 */
export interface Device {
	/** `in rd, port`. */
	read(): number;
	/** `out port, value`. */
	write(value: number): void;
}

/** A port nothing answers: reads 0xFFFFFFFF, ignores writes. */
export const openBus: Device = {
	read: () => -1,
	write: () => {},
};

export const PORTS = 256;

export function portTable(devices: Record<number, Device>): Device[] {
	const table = new Array<Device>(PORTS).fill(openBus);
	for (const [port, device] of Object.entries(devices)) table[Number(port)] = device;
	return table;
}
