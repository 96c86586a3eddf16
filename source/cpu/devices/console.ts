/** The console (ports 0x10 out, 0x11 in): bytes out to the screen, bytes in from the keyboard (IRQ 1). */
import type {Machine} from '../machine.js';
import type {Device} from './port-table.js';

export class Console {
	private readonly input: number[] = [];
	private inputHead = 0;
	/** Written and not yet taken by `take`: the first `written` bytes (a kernel prints a byte per `out`). */
	private output = new Uint8Array(4096);
	private written = 0;

	constructor(private readonly m: Machine) {}

	/** Port 0x10. */
	readonly out: Device = {
		read: () => -1,
		write: (value) => this.write(value),
	};

	/** A byte written to port 0x10 (translated code calls it directly: Machine.consoleOut). */
	write(value: number): void {
		if (this.written === this.output.length) {
			const grown = new Uint8Array(this.output.length * 2);
			grown.set(this.output);
			this.output = grown;
		}
		this.output[this.written++] = value;
		const bus = this.m.bus;
		if (bus?.wanted.console) bus.emit({kind: 'console', text: String.fromCharCode(value & 0xff), ...this.m.stamp()});
	}

	/** Port 0x11: the next input byte, or 0xFFFFFFFF when none is waiting. */
	readonly in: Device = {
		read: () => (this.inputHead < this.input.length ? this.input[this.inputHead++]! : -1),
		write: () => {},
	};

	push(bytes: Uint8Array): void {
		for (const b of bytes) this.input.push(b);
	}

	get pending(): number {
		return this.input.length - this.inputHead;
	}

	/** The input not read yet, removed (a transient VMM moves it to the guest's virtual console). */
	drain(): number[] {
		const rest = this.input.slice(this.inputHead);
		this.input.length = 0;
		this.inputHead = 0;
		return rest;
	}

	take(): string {
		if (this.written === 0) return '';
		const text = Buffer.from(this.output.buffer, 0, this.written).toString('latin1');
		this.written = 0;
		return text;
	}
}
