/**
 * `npm run build`'s last step: assembles every sample (samples/**\/*.s, and the kernels with `PV`
 * defined, as `--vmm pv` assembles them) into dist/assembly-cache/ (source/isa/assembly-cache.ts).
 * Each entry is written to a temporary file and renamed; entries no sample produces any more are removed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {assembleFile} from './assembler/index.js';
import {readSource} from './assembler/source-file.js';
import {assemblyCacheLocation, cacheKey, entryFile, makeEntry} from './assembly-cache.js';

const location = assemblyCacheLocation();
if (location === undefined) throw new Error('write-assembly-cache runs from dist/ (npm run build)');

function samples(dir: string): string[] {
	return fs
		.readdirSync(dir, {withFileTypes: true})
		.flatMap((d) => (d.isDirectory() ? samples(path.join(dir, d.name)) : d.name.endsWith('.s') ? [path.join(dir, d.name)] : []))
		.sort();
}

const files = samples(path.join(location.root, 'samples'));
const jobs: Array<{file: string; defines?: Record<string, number>}> = [
	...files.map((file) => ({file})),
	...files.filter((f) => /[/\\]os[/\\]kernel[^/\\]*\.s$/.test(f)).map((file) => ({file, defines: {PV: 1}})),
];
fs.mkdirSync(location.dir, {recursive: true});
const written = new Set<string>();
for (const {file, defines} of jobs) {
	const read: string[] = [];
	const result = assembleFile(file, {
		...(defines ? {defines} : {}),
		readFile: (p) => {
			read.push(p);
			return readSource(p);
		},
	});
	if (!result.ok) continue; // a sample that does not assemble (on purpose) is not cached
	const key = cacheKey(location.root, file, defines)!;
	const target = entryFile(location, key);
	const temp = `${target}.${process.pid}.tmp`;
	fs.writeFileSync(temp, JSON.stringify(makeEntry(location, key, result.program, read)));
	fs.renameSync(temp, target);
	written.add(path.basename(target));
}
for (const name of fs.readdirSync(location.dir)) {
	if (!written.has(name)) fs.rmSync(path.join(location.dir, name));
}
