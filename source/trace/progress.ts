/**
 * The progress line of `vmtop record` on stderr: instructions, events, bytes
 * and rate, redrawn in place at most ten times a second — only when stderr is
 * a terminal. Otherwise (a pipe, a log file, CI) only the final line is
 * written, so logs do not fill with carriage returns.
 */

export interface ProgressCounts {
	instructions: number;
	events: number;
	bytes: number;
}

export interface ProgressOptions {
	/** The instruction limit, for a bar with a percentage (else an open-ended line). */
	total?: number | null;
	stream?: NodeJS.WriteStream;
	now?: () => number;
}

const WIDTH = 24;

export class Progress {
	private readonly stream: NodeJS.WriteStream;
	private readonly now: () => number;
	private readonly start: number;
	private lastDraw = Number.NEGATIVE_INFINITY;
	private drawn = false;

	constructor(private readonly options: ProgressOptions = {}) {
		this.stream = options.stream ?? process.stderr;
		this.now = options.now ?? (() => performance.now());
		this.start = this.now();
	}

	get live(): boolean {
		return this.stream.isTTY === true;
	}

	/** Redraw if a tenth of a second has passed (cheap to call after every batch). */
	update(counts: ProgressCounts): void {
		if (!this.live) return;
		const now = this.now();
		if (now - this.lastDraw < 100) return;
		this.lastDraw = now;
		this.stream.write(`\r${this.line(counts, now)}\x1b[K`);
		this.drawn = true;
	}

	/** The final line, on its own line whatever the stream. */
	finish(counts: ProgressCounts, suffix = ''): void {
		if (this.drawn) this.stream.write('\r\x1b[K');
		this.stream.write(`${this.line(counts, this.now(), false)}${suffix}\n`);
	}

	/** `[######      ] 52%  1.2M instructions  34.1k events  5.6 MB  2.3M instr/s`. */
	line(c: ProgressCounts, now: number, bar = true): string {
		const seconds = Math.max((now - this.start) / 1000, 1e-3);
		const total = this.options.total;
		let head = '';
		if (bar && total) {
			const done = Math.min(1, c.instructions / total);
			const filled = Math.round(done * WIDTH);
			head = `[${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${Math.floor(done * 100)
				.toString()
				.padStart(3)}%  `;
		}
		return (
			`${head}${human(c.instructions)} instructions  ${human(c.events)} events  ${bytes(c.bytes)}  ` +
			`${human(c.instructions / seconds)} instr/s  ${human(c.events / seconds)} events/s` +
			(bar ? '' : `  in ${seconds.toFixed(1)} s`)
		);
	}
}

/** 1234 → `1.2k`, 5_600_000 → `5.6M`. */
export function human(n: number): string {
	if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
	if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
	if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
	return `${Math.round(n)}`;
}

export function bytes(n: number): string {
	if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
	if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
	if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
	return `${n} B`;
}
