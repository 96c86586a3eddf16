/**
 * `npm run bench`: one JSON object per line, `{"name", "value", "unit"}`.
 * `npm run bench -- core pvm` runs only those groups.
 */
import process from 'node:process';
import {benchCore} from './core.js';
import type {BenchRow} from './row.js';

type Group = () => BenchRow[] | Promise<BenchRow[]>;

const groups: Record<string, Group> = {
	core: benchCore,
	workload: async () => (await import('./workload.js')).benchWorkload(),
	pvm: async () => (await import('./pvm.js')).benchPvm(),
	ui: async () => (await import('./ui.js')).benchUi(),
	trace: async () => (await import('./trace.js')).benchTrace(),
	nested: async () => (await import('./nested.js')).benchNested(),
	startup: async () => (await import('./startup.js')).benchStartup(),
};

// `npm run bench | head -3` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
	if (error.code === 'EPIPE') process.exit(0);
	throw error;
});

const wanted = process.argv.slice(2);
const unknown = wanted.filter((g) => !(g in groups));
if (unknown.length > 0) {
	process.stderr.write(`unknown bench group ${unknown.join(', ')}; groups: ${Object.keys(groups).join(', ')}\n`);
	process.exit(2);
}
for (const [name, group] of Object.entries(groups)) {
	if (wanted.length > 0 && !wanted.includes(name)) continue;
	for (const row of await group()) process.stdout.write(JSON.stringify(row) + '\n');
}
