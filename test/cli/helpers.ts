/** Run the built `vmtop` binary (npm test builds dist/ first). */
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export function vmtop(args: string[], options: {input?: string; env?: Record<string, string>} = {}) {
	// A missing build is a failure that says so, not a puzzling exit code.
	if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build (npm test does it first)`);
	const r = spawnSync(process.execPath, [cli, ...args], {
		cwd: root,
		encoding: 'utf8',
		input: options.input ?? '',
		env: {...process.env, ...options.env},
		timeout: 60_000,
	});
	return {code: r.status, stdout: r.stdout, stderr: r.stderr};
}
