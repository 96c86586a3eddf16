#!/usr/bin/env node
/**
 * vmtop's entry point. `npm run build` also bundles the commands (esbuild, source/cli/bundle.ts): one file
 * and a few lazily loaded chunks instead of hundreds of modules, ink's and react's among them — resolving and
 * reading those took most of the time to the first frame. The dashboard (no command: a scenario, a program,
 * flags, nothing) runs from a bundle of its own without chunks; a command (`run`, `stats`, …: a bare word)
 * from the chunked one, which loads only what the command needs. Both bundle the same code (main.ts), so
 * either runs any command line alike. A bundle runs when it is at least as new as this file (a `tsc` alone
 * leaves it stale: then the modules run, as built).
 */
import {statSync} from 'node:fs';

const first = process.argv[2];
const dashboard = first === undefined || first.startsWith('-') || /[./]/.test(first);
const bundle = new URL(dashboard ? './dashboard-bundle/main.js' : './bundle/main.js', import.meta.url);

function bundleIsCurrent(): boolean {
	try {
		return statSync(bundle).mtimeMs >= statSync(new URL(import.meta.url)).mtimeMs;
	} catch {
		return false;
	}
}

await import(bundleIsCurrent() ? bundle.href : './cli/main.js');
