import {test} from 'vitest';
import {Machine} from '../../source/cpu/machine.js';
import {assemble} from '../../source/isa/assembler/index.js';
test('x', () => {
  const r = assemble(`
_start: mov r1, table
        lidt r1
        mov r2, 0
        div r0, r0, r2
        .align 4
table:  .word 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
`, {file: 'loop.s'});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const m = new Machine();
  m.load(r.program.bytes);
  const t = performance.now();
  m.run(1000);
  console.log('returned', m.instret, m.stopped, performance.now() - t);
});
