import {test} from 'vitest';
import {assemble} from '../../source/isa/assembler/index.js';
test('s', () => {
const r = assemble(`.equ HC_OUT, 0x0800
.equ HC_R1, 0x10000
.equ HC_PORT_POWER, 0xF0000000
pv_vcpu: .space 36
 int 0x82
 .word HC_OUT + HC_R1 + HC_PORT_POWER
 ld r2, [pv_vcpu+32]
`, {file: 'x.s'});
console.log(r.ok ? [...r.program.bytes.slice(36)].map(x=>x.toString(16)) : r.errors);
});
