import type {PtySession} from '../../source/bench/ui.js';

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
