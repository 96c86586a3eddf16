/**
 * JSON for files people write (scenarios, ISA profiles): JSON.parse, plus the
 * two things it lets through silently or badly — a key given twice (JSON.parse
 * keeps the last one: a typo'd experiment runs with the wrong value) and
 * nesting so deep that the code walking it runs out of stack. Both are
 * reported with the line and column.
 */

/** Deeper than this is not a scenario or profile anyone wrote; refusing it keeps every walker safe. */
export const MAX_JSON_DEPTH = 64;

export class JsonTextError extends Error {
	override name = 'JsonTextError';
}

/** Parse `text`; throws JsonTextError with a message that follows `FILE: ` (syntax, depth, duplicate key). */
export function parseStrictJson(text: string): unknown {
	const deep = tooDeep(text);
	if (deep) throw new JsonTextError(`${deep}: nested more than ${MAX_JSON_DEPTH} levels deep`);
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new JsonTextError(`not valid JSON (${(error as Error).message})`);
	}
	const duplicate = findDuplicateKey(text);
	if (duplicate) throw new JsonTextError(`${duplicate.at}: key "${duplicate.key}" is given twice (JSON keeps only the last; remove one)`);
	return value;
}

function lineCol(text: string, i: number): string {
	let line = 1;
	let last = -1;
	for (let k = 0; k < i; k++) {
		if (text.charCodeAt(k) === 10) {
			line++;
			last = k;
		}
	}
	return `line ${line}, column ${i - last}`;
}

/** Where the nesting first goes past MAX_JSON_DEPTH (brackets outside strings), or null. */
function tooDeep(text: string): string | null {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++; // backslash: skip the escaped character
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x7b || c === 0x5b) {
			if (++depth > MAX_JSON_DEPTH) return lineCol(text, i);
		} else if (c === 0x7d || c === 0x5d) depth--;
	}
	return null;
}

/** The first key given twice in one object of (valid) JSON `text`. */
function findDuplicateKey(text: string): {key: string; at: string} | null {
	// One set of keys per open object; null for an open array.
	const stack: Array<Set<string> | null> = [];
	let expectKey = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x22) {
			const start = i;
			for (i++; i < text.length; i++) {
				const d = text.charCodeAt(i);
				if (d === 0x5c) i++;
				else if (d === 0x22) break;
			}
			const top = stack[stack.length - 1];
			if (expectKey && top) {
				const key = JSON.parse(text.slice(start, i + 1)) as string;
				if (top.has(key)) return {key, at: lineCol(text, start)};
				top.add(key);
				expectKey = false;
			}
		} else if (c === 0x7b) {
			stack.push(new Set());
			expectKey = true;
		} else if (c === 0x5b) {
			stack.push(null);
			expectKey = false;
		} else if (c === 0x7d || c === 0x5d) {
			stack.pop();
			expectKey = false;
		} else if (c === 0x2c) expectKey = stack[stack.length - 1] !== null && stack.length > 0;
	}
	return null;
}
