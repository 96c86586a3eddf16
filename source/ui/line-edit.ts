/**
 * Editing one line of a prompt (filter, go to) with a caret, the readline
 * way: Ctrl-A/Ctrl-E to the start/end, ←/→ one character, Backspace, Ctrl-U
 * deletes what is before the caret, Ctrl-W the word before it. Pure.
 */
export interface Line {
	text: string;
	/** 0 … text.length: where typing goes. */
	caret: number;
}

/** UTF-16 units of the character before (-1) or at (+1) the caret: 2 for a surrogate pair. */
function step(text: string, caret: number, dir: -1 | 1): number {
	const at = dir < 0 ? caret - 2 : caret;
	const hi = text.charCodeAt(at);
	const lo = text.charCodeAt(at + 1);
	return hi >= 0xd800 && hi <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff ? 2 : 1;
}

/** The line after key `name`, or null when the key is no editing key. */
export function editLine(line: Line, name: string): Line | null {
	const {text, caret} = line;
	switch (name) {
		case 'ctrl-a':
		case 'home':
			return {text, caret: 0};
		case 'ctrl-e':
		case 'end':
			return {text, caret: text.length};
		case 'left':
		case 'ctrl-b':
			return {text, caret: Math.max(0, caret - step(text, caret, -1))};
		case 'right':
		case 'ctrl-f':
			return {text, caret: Math.min(text.length, caret + step(text, caret, 1))};
		case 'backspace':
		case 'ctrl-h': {
			if (caret === 0) return line;
			const n = step(text, caret, -1);
			return {text: text.slice(0, caret - n) + text.slice(caret), caret: caret - n};
		}
		case 'ctrl-u':
			return {text: text.slice(caret), caret: 0};
		case 'ctrl-w': {
			// The word before the caret and the blanks after it, as a shell does.
			const start = text.slice(0, caret).search(/\S*\s*$/);
			return {text: text.slice(0, start) + text.slice(caret), caret: start};
		}
		default:
			return null;
	}
}

/** Typed text inserted at the caret. */
export function insertText(line: Line, typed: string): Line {
	return {text: line.text.slice(0, line.caret) + typed + line.text.slice(line.caret), caret: line.caret + typed.length};
}
