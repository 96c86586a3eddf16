/** vmtop's version for trace headers (cli/commands.ts reads it the same way; trace/ does not import cli/). */
import {readFileSync} from 'node:fs';

export const vmtopVersion: string = (
	JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}
).version;
