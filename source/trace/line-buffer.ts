/**
 * A growable byte buffer that event lines are encoded into directly.
 *
 * A `full` trace writes one `instruction` line per instruction, millions a
 * second: building each as a JS string and concatenating made the garbage
 * collector the recorder's main cost. Writing the digits straight into bytes
 * allocates nothing per event.
 */

export class LineBuffer {
	buf: Buffer;
	/** `buf` as a DataView: several bytes per store (constants, digit pairs), little-endian. */
	private data: DataView;
	pos = 0;

	constructor(capacity = 1 << 20) {
		this.buf = Buffer.allocUnsafe(capacity);
		this.data = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
	}

	/** Make room for `n` more bytes. */
	reserve(n: number): void {
		if (this.pos + n <= this.buf.length) return;
		const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
		this.buf.copy(next, 0, 0, this.pos);
		this.buf = next;
		this.data = new DataView(next.buffer, next.byteOffset, next.length);
	}

	/** Constant bytes made with `packed()`: a store per 4 bytes. Caller has reserved room. */
	packed(p: Packed): void {
		const data = this.data;
		const pos = this.pos;
		const words = p.words;
		const last = words.length - 1;
		for (let i = 0; i < last; i++) data.setInt32(pos + 4 * i, words[i]!, true);
		data.setInt32(pos + p.length - 4, words[last]!, true);
		this.pos = pos + p.length;
	}

	/** Pre-encoded ASCII (`bytes` from `ascii()`); caller has reserved room. */
	raw(bytes: Uint8Array): void {
		// A loop beats Buffer#set for the short constants this is used with.
		const buf = this.buf;
		let pos = this.pos;
		for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i]!;
		this.pos = pos;
	}

	/** Longer pre-encoded bytes: one native copy. Caller has reserved room. */
	copy(bytes: Uint8Array): void {
		this.buf.set(bytes, this.pos);
		this.pos += bytes.length;
	}

	/**
	 * A number as JSON writes it. Safe integers (everything the machine
	 * counts) take the fast path; anything else goes through String(). Caller
	 * has reserved 24 bytes.
	 */
	number(n: number): void {
		const buf = this.buf;
		let pos = this.pos;
		if (n < 0 && n >= -0x80000000 && (n | 0) === n) {
			buf[pos++] = 0x2d; // -
			n = -n;
		}
		if (n >= 0 && n <= 0x7fffffff && (n | 0) === n) {
			// 32-bit integers: pc, phys, and counters in their first 2^31. The digits are counted
			// from the bit length, not by a comparison per magnitude: a counter reaching a new
			// magnitude would meet a comparison V8 has no feedback for, and deoptimize the recorder.
			const t = ((32 - Math.clz32(n)) * 1233) >>> 12; // ⌊log10 2^bits⌋, at most one too many
			const digits = n < 10 ? 1 : t + (n < POW10[t]! ? 0 : 1);
			let at = pos + digits;
			this.pos = at;
			// Two digits per division and per store (a table of "00".."99"): half the work of one at a time.
			const data = this.data;
			while (n >= 100) {
				const q = (n / 100) | 0;
				at -= 2;
				data.setUint16(at, PAIRS[n - q * 100]!, true);
				n = q;
			}
			if (n >= 10) data.setUint16(at - 2, PAIRS[n]!, true);
			else buf[at - 1] = 0x30 + n;
			return;
		}
		// Rare: counters past 2^31, fractions, negatives beyond 32 bits.
		this.pos = pos + buf.write(Number.isFinite(n) ? String(n) : 'null', pos, 'latin1');
	}

	/**
	 * A counter's value (instret, cycle) as JSON writes it, through `c`, which keeps the digits
	 * of the value before: counters mostly step by a little, and stepping the digits is cheaper
	 * than making them again. Caller has reserved 24 bytes.
	 */
	counter(n: number, c: Counter): void {
		if (!c.moveTo(n)) {
			this.number(n);
			return;
		}
		// Twelve bytes stored, `length` of them kept: what follows overwrites the rest.
		const data = this.data;
		const pos = this.pos;
		const words = c.words;
		data.setInt32(pos, words[0]!, NATIVE_LITTLE_ENDIAN);
		data.setInt32(pos + 4, words[1]!, NATIVE_LITTLE_ENDIAN);
		data.setInt32(pos + 8, words[2]!, NATIVE_LITTLE_ENDIAN);
		this.pos = pos + c.length;
	}

	bool(b: boolean): void {
		this.raw(b ? TRUE : FALSE);
	}

	/** Any string, UTF-8. */
	text(s: string): void {
		this.reserve(s.length * 3);
		this.pos += this.buf.write(s, this.pos, 'utf8');
	}

	byte(b: number): void {
		this.buf[this.pos++] = b;
	}

	/** The bytes written so far (a view: copy or use before the next write). */
	view(): Buffer {
		return this.buf.subarray(0, this.pos);
	}

	clear(): void {
		this.pos = 0;
	}
}

export function ascii(s: string): Uint8Array {
	return Uint8Array.from(Buffer.from(s, 'latin1'));
}

/** 10^0 … 10^9. */
const POW10 = Int32Array.from({length: 10}, (_, i) => 10 ** i);

/** "00" … "99": the two ASCII digits of each as a little-endian 16-bit word. */
const PAIRS = Uint16Array.from({length: 100}, (_, i) => 0x30 + ((i / 10) | 0) + ((0x30 + (i % 10)) << 8));

/**
 * Constant bytes (at least 4) as little-endian 32-bit words at offsets 0, 4, 8 …, the last
 * one at `length − 4` (it may overlap the one before): written with `LineBuffer.packed`.
 */
export interface Packed {
	readonly length: number;
	readonly words: Int32Array;
}

export function packed(text: string): Packed {
	const bytes = Buffer.from(text, 'latin1');
	if (bytes.length < 4) throw new RangeError(`packed: "${text}" is shorter than 4 bytes`);
	const count = Math.ceil(bytes.length / 4);
	const words = new Int32Array(count);
	for (let i = 0; i < count - 1; i++) words[i] = bytes.readInt32LE(4 * i);
	words[count - 1] = bytes.readInt32LE(bytes.length - 4);
	return {length: bytes.length, words};
}
const TRUE = ascii('true');
const FALSE = ascii('false');

/** Is this platform's Int32Array little-endian? (Counter's words are stored as they lie in memory.) */
const NATIVE_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** The decimal digits of a counter's last value (LineBuffer.counter): integers 0 … 10^12 − 1. */
export class Counter {
	/** The value the digits are of (NaN: none yet). */
	private value = Number.NaN;
	/** The ASCII digits, from the left; `words` is the same memory, for storing them four at a time. */
	private readonly digits = new Uint8Array(12);
	readonly words = new Int32Array(this.digits.buffer);
	length = 0;

	/** Hold `n`'s digits; false when `n` is no integer in range (then write it another way). */
	moveTo(n: number): boolean {
		const step = n - this.value;
		if (step === 0) return true;
		// Only a whole step moves the digits (a fraction — 5e-324 after 0 — would vanish in the byte store).
		if (step > 0 && step < 10 && Number.isInteger(step) && this.step(step)) {
			this.value = n;
			return true;
		}
		if (!(Number.isInteger(n) && n >= 0 && n < 1e12)) return false;
		const text = String(n);
		for (let i = 0; i < text.length; i++) this.digits[i] = text.charCodeAt(i);
		this.length = text.length;
		this.value = n;
		return true;
	}

	/** Add `step` (1–9) to the digits; false when the sum needs one digit more (made afresh). */
	private step(step: number): boolean {
		const digits = this.digits;
		let carry = step;
		for (let i = this.length - 1; i >= 0; i--) {
			const d = digits[i]! + carry;
			if (d <= 0x39) {
				digits[i] = d;
				return true;
			}
			digits[i] = d - 10;
			carry = 1;
		}
		return false;
	}
}
