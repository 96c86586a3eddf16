/**
 * The guests' console output, per guest, keeping the last `limit` characters
 * (a console is a tail, not a log). Appends are string concatenation on the
 * event path; the trim happens once the text is twice the limit.
 */
export class ConsoleBuffers {
	private readonly texts = new Map<number, string>();

	constructor(private readonly limit = 8_192) {}

	append(guest: number, text: string): void {
		let t = (this.texts.get(guest) ?? '') + text;
		if (t.length > 2 * this.limit) t = t.slice(-this.limit);
		this.texts.set(guest, t);
	}

	text(guest: number): string {
		const t = this.texts.get(guest) ?? '';
		return t.length > this.limit ? t.slice(-this.limit) : t;
	}

	/** Guests that wrote something. */
	guests(): number[] {
		return [...this.texts.keys()].sort((a, b) => a - b);
	}

	clear(): void {
		this.texts.clear();
	}
}
