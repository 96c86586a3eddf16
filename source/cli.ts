#!/usr/bin/env node
/**
 * vmtop's entry point. `npm run build` also bundles the commands (esbuild, source/cli/bundle.ts): one file
 * and a few lazily loaded chunks instead of hundreds of modules, ink's and react's among them — resolving and
 * reading those took most of the time to the first frame. The dashboard (no command: a scenario, a program,
 * flags, nothing) runs from a bundle of its own without chunks, as a script with V8's code cache; a command
 * (`run`, `stats`, …: a bare word) from the chunked one, which loads only what the command needs. All bundle
 * the same code (main.ts), so any runs any command line alike. A bundle runs when it is at least as new as
 * this file (a `tsc` alone leaves it stale: then the modules run, as built).
 */
import {createHash} from 'node:crypto';
import {readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {fileURLToPath} from 'node:url';
import vm from 'node:vm';

const first = process.argv[2];
const dashboard = first === undefined || first.startsWith('-') || /[./]/.test(first);

function isCurrent(bundle: URL): boolean {
	try {
		return statSync(bundle).mtimeMs >= statSync(new URL(import.meta.url)).mtimeMs;
	} catch {
		return false;
	}
}

/**
 * The dashboard bundle as a `vm.Script` with V8's code cache (Node 20 has none for ES modules): compiling the
 * bundle and, on the first frame, the functions it runs took a sixth of the CPU time to it. The cache is made
 * by a run that drew the dashboard, at its exit, once (dist/dashboard-bundle/main.script.cache; a read-only
 * install has none). It is used only for the very source it was made from, by the same Node: its first bytes
 * are the SHA-1 of both, and V8 checks its own version and flags again (a mismatch is rejected: compiled afresh).
 */
async function runWithCodeCache(url: URL): Promise<void> {
	const file = fileURLToPath(url);
	const bytes = readFileSync(file);
	const cacheFile = file.replace(/\.js$/, '.cache');
	// SHA-1: a key, not a signature (with the CPU's SHA instructions, 2 ms for the 1.9 MB bundle; SHA-256 took 15).
	const key = createHash('sha1').update(bytes).update(`\0${process.version} ${process.arch}`).digest();
	let cachedData: Buffer | undefined;
	try {
		const data = readFileSync(cacheFile);
		if (data.subarray(0, key.length).equals(key)) cachedData = data.subarray(key.length);
	} catch {
		// no cache yet
	}
	const script = new vm.Script(bytes.toString('utf8'), {filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER});
	if (cachedData === undefined || script.cachedDataRejected === true) {
		process.once('exit', (code) => {
			// Only a run that drew the dashboard knows the functions its first frame needs (not --help, a bad flag or a pipe).
			const drew = process.stdout.isTTY === true && code === 0 && !['-h', '--help', '-v', '--version'].includes(first ?? '');
			if (drew) saveCodeCache(script, key, cacheFile);
		});
	}
	const main = script.runInThisContext() as (require: NodeRequire, url: string) => Promise<void>;
	await main(createRequire(url), url.href);
}

function saveCodeCache(script: vm.Script, key: Buffer, cacheFile: string): void {
	const temp = `${cacheFile}.${process.pid}.tmp`;
	try {
		writeFileSync(temp, Buffer.concat([key, script.createCachedData()]));
		renameSync(temp, cacheFile);
	} catch {
		rmSync(temp, {force: true}); // not writable: the next start compiles again
	}
}

const script = new URL('./dashboard-bundle/main.script.js', import.meta.url);
const bundle = new URL(dashboard ? './dashboard-bundle/main.js' : './bundle/main.js', import.meta.url);
if (dashboard && isCurrent(script)) await runWithCodeCache(script);
else await import(isCurrent(bundle) ? bundle.href : './cli/main.js');
