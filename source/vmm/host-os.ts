/**
 * Type II: the VMM runs "on an extended host", under the host operating system
 * (the lecture's separation of concerns). Every exit from a guest first lands in
 * the host OS, which hands it to the VMM process — one more level in the events
 * (`host.enter`/`host.exit`) and `hostOs` more cycles per intercept (docs/v32.md §8.1).
 * That cost per exit is all that is modelled: the host OS's own scheduling of
 * the VMM process (the lecture's "system/resource scheduling done by OS": a host
 * timer, other host processes, the VMM preempted) is not — said on screen too.
 */
import type {Guest} from './guest.js';
import type {Monitor} from './monitor.js';

export function passThroughHost(vm: Monitor, g: Guest, reason: string): void {
	const m = vm.machine;
	const bus = vm.bus;
	if (bus.wanted['host.enter']) bus.emit({kind: 'host.enter', reason, ...vm.stamp(g)});
	m.journeys.phase('host');
	m.extraCycles += m.costs.hostOs;
	m.journeys.phase('vmm');
	g.hostPasses++;
	if (bus.wanted['host.exit']) bus.emit({kind: 'host.exit', cost: m.costs.hostOs, ...vm.stamp(g)});
}
