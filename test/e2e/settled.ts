import type {PtySession} from '../../source/bench/ui.js';

/** Wait until the screen shows `pattern` (20 s at most) and return it; a failure shows what the screen had. */
export async function see(s: PtySession, pattern: string): Promise<string> {
	const r = await s.wait(pattern, 20);
	if (!r.ok) throw new Error(`the screen never showed /${pattern}/:\n${r.screen ?? ''}`);
	return s.screen();
}

/**
 * The screen once a frame has been drawn whole (the pattern can match while the pseudo-terminal has
 * delivered only the top of a frame): read until two reads agree; a paused dashboard draws no more.
 */
export async function settled(s: PtySession): Promise<string> {
	let last = await s.screen();
	for (let i = 0; i < 40; i++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		const now = await s.screen();
		if (now === last) return now;
		last = now;
	}
	return last;
}
