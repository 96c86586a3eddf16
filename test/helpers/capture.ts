/**
 * The one way tests capture what a command writes: `process.stdout.write` and
 * `process.stderr.write` go to the given sinks instead of the terminal, until
 * `vi.restoreAllMocks()` (call it in `afterEach`). A stream without a sink is
 * left alone.
 */
import {vi} from 'vitest';

export interface OutputSinks {
	stdout?: (text: string) => void;
	stderr?: (text: string) => void;
}

export function captureOutput(sinks: OutputSinks): void {
	const {stdout, stderr} = sinks;
	if (stdout) {
		vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
			stdout(String(chunk));
			return true;
		});
	}
	if (stderr) {
		vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
			stderr(String(chunk));
			return true;
		});
	}
}
