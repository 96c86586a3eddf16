/** Helpers for damaging traces in tests. */
import {crc32} from 'node:zlib';

/**
 * The lines of a trace with the footer's event count and checksum made to
 * match the event lines again: a damaged line must then be found by its
 * content, not by the checksum.
 */
export function withChecksum(text: string[]): string[] {
	const events = text.slice(1, -1);
	const footer = JSON.parse(text.at(-1)!) as Record<string, unknown>;
	let crc = 0;
	for (const line of events) crc = crc32(Buffer.from(line + '\n'), crc);
	footer['events'] = events.length;
	footer['checksum'] = `crc32:${(crc >>> 0).toString(16).padStart(8, '0')}`;
	return [text[0]!, ...events, JSON.stringify(footer)];
}
