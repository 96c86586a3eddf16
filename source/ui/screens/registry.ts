/**
 * The screens of this dashboard, and opening one: the first time, its report
 * is computed after the "computing…" frame has been drawn, then kept.
 */
import type {DashboardStore} from '../store/dashboard-store.js';
import {setScreen} from '../store/store-actions.js';
import type {ScreenDefinition} from './report.js';

export class ScreenRegistry {
	private readonly defs: Map<string, ScreenDefinition>;

	constructor(defs: readonly ScreenDefinition[] = []) {
		this.defs = new Map(defs.map((d) => [d.id, d]));
	}

	has(id: string): boolean {
		return this.defs.has(id);
	}

	/** Show screen `id` (the dashboard when it is already showing). */
	toggle(store: DashboardStore, id: string): void {
		const def = this.defs.get(id);
		if (!def) return;
		if (store.ui.screen === id) return setScreen(store, 'dashboard');
		setScreen(store, id);
		if (store.ui.screenStates[id] !== undefined) return;
		store.ui.screenStates[id] = {status: 'loading', title: def.title};
		// Let the "computing…" frame reach the terminal before a long computation.
		setTimeout(() => {
			Promise.resolve()
				.then(() => def.load())
				.then(
					(report) => {
						store.ui.screenStates[id] = {status: 'ready', report};
					},
					(error: unknown) => {
						store.ui.screenStates[id] = {status: 'error', title: def.title, message: (error as Error).message ?? String(error)};
					},
				)
				.finally(() => store.invalidate());
		}, 60);
	}
}
