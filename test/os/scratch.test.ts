import {test} from 'vitest';
import {assembleFile} from '../../source/isa/assembler/index.js';
import {formatAsmError} from '../../source/isa/program.js';
import {buildImage} from '../../source/os/loader.js';
import {Machine} from '../../source/cpu/machine.js';
import {runHeadless} from '../../source/cpu/headless.js';
function asm(f: string, defines?: Record<string, number>) {
  const r = assembleFile(f, {defines});
  if (!r.ok) throw new Error(r.errors.map(formatAsmError).join('\n'));
  return r.program;
}
test('x', () => {
  for (const d of [undefined, {PV: 1}, {HOSTILE: 1}, {PV: 1, HOSTILE: 1}]) { const k = asm('samples/os/kernel.s', d); console.log(JSON.stringify(d), k.bytes.length); }
  const k = asm('samples/os/kernel.s');
  const users = ['hello', 'hanoi', 'counter', 'fault'].map((n) => asm(`samples/user/${n}.s`));
  asm('samples/user/echo.s'); asm('samples/user/attack.s');
  const img = buildImage(k, users, 1 << 20);
  const m = new Machine({memorySize: 1 << 20, input: '3\n'});
  m.load(img.image); m.pc = img.entry;
  let out = ""; const r = runHeadless(m, {maxInstructions: 5_000_000, onOutput: (t) => { out += t; }});
  console.log(out, r.stop, m.instret, m.exceptionCounts.slice(0,34).join(","), m.exceptionCounts[128]);
});
