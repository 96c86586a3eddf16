/**
 * Render into a fake terminal of any size (ink-testing-library's is fixed at
 * 100 columns). `resize` changes the size and emits `resize`, as a terminal does.
 */
import {EventEmitter} from 'node:events';
import {render} from 'ink';
import type {ReactElement} from 'react';

export class FakeStdout extends EventEmitter {
	isTTY = true;
	frames: string[] = [];
	constructor(
		public columns: number,
		public rows: number,
	) {
		super();
	}
	write = (frame: string): boolean => {
		this.frames.push(frame);
		return true;
	};
	lastFrame(): string {
		return this.frames.at(-1) ?? '';
	}
	resize(columns: number, rows: number): void {
		this.columns = columns;
		this.rows = rows;
		this.emit('resize');
	}
}

export class FakeStdin extends EventEmitter {
	isTTY = true;
	isRaw = false;
	private data: string | null = null;
	setEncoding(): void {}
	setRawMode(raw: boolean): void {
		this.isRaw = raw;
	}
	resume(): void {}
	pause(): void {}
	ref(): void {}
	unref(): void {}
	read = (): string | null => {
		const d = this.data;
		this.data = null;
		return d;
	};
	/** A key press (or pasted text). */
	write(data: string): void {
		this.data = data;
		this.emit('readable');
		this.emit('data', data);
	}
}

export function renderAt(node: ReactElement, columns: number, rows = 40) {
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const instance = render(node, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		debug: true,
		exitOnCtrlC: false,
		patchConsole: false,
	});
	return {stdout, stdin, instance, lastFrame: () => stdout.lastFrame()};
}
