#!/usr/bin/env node
/**
 * vmtop's entry point. `npm run build` also bundles the commands (esbuild,
 * dist/bundle/): one file and a few lazily loaded chunks instead of hundreds of
 * modules, ink's and react's among them — resolving and reading those took most
 * of the time to the first frame. The bundle runs when it is at least as new as
 * this file (a `tsc` alone leaves it stale: then the modules run, as built).
 */
import {statSync} from 'node:fs';

const bundle = new URL('./bundle/main.js', import.meta.url);

function bundleIsCurrent(): boolean {
	try {
		return statSync(bundle).mtimeMs >= statSync(new URL(import.meta.url)).mtimeMs;
	} catch {
		return false;
	}
}

await import(bundleIsCurrent() ? bundle.href : './cli/main.js');
