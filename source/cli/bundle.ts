/**
 * `npm run bundle` (the build's second step): the commands bundled with esbuild into dist/bundle/ — one
 * file and a few lazily loaded chunks instead of hundreds of modules (docs/architecture.md "Startup").
 * React's production build only (`process.env.NODE_ENV`, as the dashboard runs it), and string-width made
 * cheaper to load (below). Not part of vmtop: only the build runs it.
 */
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {builtinModules} from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import {fileURLToPath} from 'node:url';
import type {BuildOptions, Plugin} from 'esbuild';

/**
 * string-width 8 builds `/^\p{RGI_Emoji}$/v` when it loads: V8 compiles that property of strings (thousands
 * of emoji sequences) on the spot, a tenth of the time to the dashboard's first frame, and every later
 * non-ASCII character (`│`) ran it. UTS #51 (ED-20, ED-17) bounds what it can match: a single code point
 * only if it has Emoji_Presentation, a sequence only if it holds an emoji character. The patch tests that
 * first (cheap `u` classes) and builds the big expression only when a text can hold an emoji; every answer
 * is string-width's own (test/cli/bundle-string-width.test.ts compares both on every code point and on
 * random sequences).
 */
const RGI_DECLARATION = 'const rgiEmojiRegex = /^\\p{RGI_Emoji}$/v;';
const RGI_USE = 'rgiEmojiRegex.test(segment)';
const RGI_LAZY = `let rgiEmojiRegex;
// vmtop (source/cli/bundle.ts): built only when a segment can be an RGI emoji (UTS #51: a single code point
// with Emoji_Presentation, or a sequence holding an emoji character); compiling it costs tens of ms.
const emojiPresentationRegex = /\\p{Emoji_Presentation}/u;
const emojiCharacterRegex = /\\p{Emoji}/u;
function isRgiEmoji(segment) {
	const single = segment.length === 1 || (segment.length === 2 && segment.codePointAt(0) > 0xFFFF);
	if (!(single ? emojiPresentationRegex : emojiCharacterRegex).test(segment)) {
		return false;
	}

	rgiEmojiRegex ??= /^\\p{RGI_Emoji}$/v;
	return rgiEmojiRegex.test(segment);
}`;

/** string-width 8's index.js with the RGI expression built lazily; throws when string-width no longer reads as expected. */
export function patchStringWidth(source: string): string {
	const declared = source.split(RGI_DECLARATION).length - 1;
	const used = source.split(RGI_USE).length - 1;
	if (declared !== 1 || used !== 1) {
		throw new Error(`string-width changed (expected one '${RGI_DECLARATION}' and one '${RGI_USE}'): review source/cli/bundle.ts`);
	}
	// Replaced by functions: `$'` in the text is not a replacement pattern.
	return source.replace(RGI_USE, () => 'isRgiEmoji(segment)').replace(RGI_DECLARATION, () => RGI_LAZY);
}

/** Applies patchStringWidth to string-width 8 (wrap-ansi's own string-width 7 has no such expression). */
const lazyEmoji: Plugin = {
	name: 'vmtop-string-width',
	setup(build) {
		build.onLoad({filter: /[\\/]string-width[\\/]index\.js$/}, (args) => {
			const pkg = JSON.parse(readFileSync(path.join(path.dirname(args.path), 'package.json'), 'utf8')) as {version: string};
			if (!pkg.version.startsWith('8.')) return undefined;
			return {contents: patchStringWidth(readFileSync(args.path, 'utf8')), loader: 'js', resolveDir: path.dirname(args.path)};
		});
	},
};

/**
 * Without chunks, Ink's `await import('./devtools.js')` (only under DEV=true) would be inlined and its
 * `import 'react-devtools-core'` (not installed) would fail at load: the package is imported when asked, as before.
 */
const devtoolsWhenAsked: Plugin = {
	name: 'vmtop-devtools-when-asked',
	setup(build) {
		build.onResolve({filter: /^react-devtools-core$/}, (args) =>
			args.namespace === 'when-asked' ? {path: args.path, external: true} : {path: args.path, namespace: 'when-asked'},
		);
		build.onLoad({filter: /.*/, namespace: 'when-asked'}, (args) => ({
			contents: `const module = await import(${JSON.stringify(args.path)});\nexport default module.default;\n`,
			loader: 'js',
		}));
	},
};

/** Node's modules from `require` (the script form of the dashboard bundle has no `import` statements). */
const builtinsFromRequire: Plugin = {
	name: 'vmtop-builtins-from-require',
	setup(build) {
		const builtins = new Set(builtinModules);
		build.onResolve({filter: /^[a-z_:/]+$/}, (args) => {
			if (!builtins.has(args.path.replace(/^node:/, ''))) return undefined;
			return args.namespace === 'builtin' ? {path: args.path, external: true} : {path: args.path, namespace: 'builtin'};
		});
		build.onLoad({filter: /.*/, namespace: 'builtin'}, (args) => ({contents: `module.exports = require(${JSON.stringify(args.path)});\n`, loader: 'js'}));
	},
};

/** The name the script form gets `import.meta.url` under (source/cli.ts passes it). */
export const SCRIPT_URL = 'vmtopScriptUrl';

async function bundle(): Promise<void> {
	const {build} = await import('esbuild');
	const dist = fileURLToPath(new URL('../', import.meta.url));
	const common: BuildOptions = {
		entryPoints: [path.join(dist, 'cli', 'main.js')],
		bundle: true,
		format: 'esm',
		platform: 'node',
		target: 'node20',
		define: {'process.env.NODE_ENV': '"production"'},
		// Bundled CommonJS (react, react-reconciler) calls require() for Node's modules.
		banner: {js: "import {createRequire as vmtopRequire} from 'node:module'; const require = vmtopRequire(import.meta.url);"},
		logLevel: 'warning',
	};
	// The chunks' names are hashes: last build's would stay behind.
	for (const dir of ['bundle', 'dashboard-bundle', 'bench-bundle']) rmSync(path.join(dist, dir), {recursive: true, force: true});
	// The commands: each loads its own chunks (`vmtop run` never loads React).
	await build({...common, splitting: true, outdir: path.join(dist, 'bundle'), external: ['react-devtools-core'], plugins: [lazyEmoji]});
	// The dashboard: one file, the same code. Node's loader resolves, reads and links every module on its
	// own, and the dashboard needed some 45 chunks (source/cli.ts picks the bundle).
	await build({...common, outfile: path.join(dist, 'dashboard-bundle', 'main.js'), plugins: [lazyEmoji, devtoolsWhenAsked]});
	// The same, as a script: one async function of (require, import.meta.url). Only a script can use V8's code
	// cache on Node 20 (`vm.Script` cachedData): source/cli.ts runs it so, from the second start on.
	const script = await build({
		...common,
		banner: {},
		write: false,
		outfile: path.join(dist, 'dashboard-bundle', 'main.script.js'),
		define: {...common.define, 'import.meta.url': SCRIPT_URL},
		plugins: [lazyEmoji, devtoolsWhenAsked, builtinsFromRequire],
	});
	// What the bench attaches to a run (source/bench/dashboard-parts.ts), bundled as the dashboard is: `ui.attached_ratio`
	// measures the dashboard a user runs.
	await build({
		...common,
		entryPoints: [path.join(dist, 'bench', 'dashboard-parts.js')],
		outfile: path.join(dist, 'bench-bundle', 'dashboard-parts.js'),
		plugins: [lazyEmoji, devtoolsWhenAsked],
	});
	const text = `(async function (require, ${SCRIPT_URL}) {\n${script.outputFiles[0]!.text}\n})\n`;
	new vm.Script(text, {filename: 'main.script.js'}); // a SyntaxError here (an import or export left) fails the build
	writeFileSync(path.join(dist, 'dashboard-bundle', 'main.script.js'), text);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await bundle();
