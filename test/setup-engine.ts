/**
 * Every test runs under the engine VMTOP_ENGINE names (interp or jit; unset:
 * the default, jit), so the CPU/OS/VMM suites check both engines:
 * `VMTOP_ENGINE=interp npx vitest run test/cpu test/os test/vmm` (`npm run test:interp`).
 */
import {isEngine, setDefaultEngine} from '../source/cpu/engine.js';

const chosen = process.env['VMTOP_ENGINE'];
if (chosen !== undefined && chosen !== '') {
	if (!isEngine(chosen)) throw new Error(`VMTOP_ENGINE must be interp or jit, got '${chosen}'`);
	setDefaultEngine(chosen);
}
