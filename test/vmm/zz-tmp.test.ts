import {test} from 'vitest';
import {loadScenario} from '../../source/scenario/scenario.js';
import {buildVmmScenario} from '../../source/vmm/scenario.js';
import {guestLockstep} from '../../source/vmm/lockstep.js';
test('x', () => {
  for (const h of ['popf','smsw','sidt','pushf','pentium']) for (const t of ['trap','bt','pv'] as const) {
    const file = h === 'pentium' ? 'samples/scenarios/pentium.json' : `samples/scenarios/hazard-${h}.json`;
    const sc = {...loadScenario(file), vmm: t};
    const sim = buildVmmScenario(sc);
    const t0 = Date.now();
    const r = guestLockstep(sim, 0);
    console.log(h, t, Date.now()-t0, 'ms', JSON.stringify(r, null, 0));
  }
}, 120000);
