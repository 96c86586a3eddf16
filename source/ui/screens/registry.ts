/**
 * The screens of this dashboard, and opening one: the first time, its report
 * is computed after the "computing…" frame has been drawn, then kept.
 */
import {type Scheduler, realScheduler} from '../../driver/pacing.js';
import type {DashboardStore} from '../store/dashboard-store.js';
import {setScreen} from '../store/store-actions.js';
import type {ScreenDefinition, ScreenReport} from './report.js';

/** Time for the "computing…" frame to reach the terminal before a long computation starts. */
const FRAME_FIRST_MS = 60;

export class ScreenRegistry {
	private readonly defs: Map<string, ScreenDefinition>;
	/** The key each screen's kept report was computed for. */
	private readonly keys = new Map<string, string>();
	/** The latest computation started for each screen (an older one stops). */
	private readonly runs = new Map<string, number>();

	constructor(
		defs: readonly ScreenDefinition[] = [],
		private readonly sched: Scheduler = realScheduler,
	) {
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
		const key = def.key?.() ?? '';
		if (store.ui.screenStates[id] !== undefined && this.keys.get(id) === key) return;
		this.keys.set(id, key);
		// A computation still running for the old key stops writing once this one starts.
		const run = (this.runs.get(id) ?? 0) + 1;
		this.runs.set(id, run);
		const current = () => this.runs.get(id) === run;
		store.ui.screenStates[id] = {status: 'loading', title: def.title};
		const ready = (report: ScreenReport): void => {
			if (!current()) return;
			store.ui.screenStates[id] = {status: 'ready', report};
			store.invalidate();
		};
		const failed = (error: unknown): void => {
			if (!current()) return;
			store.ui.screenStates[id] = {status: 'error', title: def.title, message: (error as Error)?.message ?? String(error)};
			store.invalidate();
		};
		if (def.steps) {
			this.sched.after(FRAME_FIRST_MS, () => this.stepped(store, id, def.title, def.steps!, ready, failed, current));
			return;
		}
		this.sched.after(FRAME_FIRST_MS, () => {
			let report: ScreenReport | Promise<ScreenReport>;
			try {
				report = def.load();
			} catch (error) {
				return failed(error);
			}
			// A report computed on the spot is shown at once; a promise when it settles.
			if (report instanceof Promise) report.then(ready, failed);
			else ready(report);
		});
	}

	/** One piece of a stepped screen per turn of the event loop, the progress shown between them. */
	private stepped(
		store: DashboardStore,
		id: string,
		title: string,
		steps: NonNullable<ScreenDefinition['steps']>,
		ready: (r: ScreenReport) => void,
		failed: (e: unknown) => void,
		current: () => boolean,
	): void {
		let it: ReturnType<typeof steps>;
		try {
			it = steps();
		} catch (error) {
			return failed(error);
		}
		const piece = (): void => {
			if (!current()) return;
			let r: IteratorResult<string, ScreenReport>;
			try {
				r = it.next();
			} catch (error) {
				return failed(error);
			}
			if (r.done) return ready(r.value);
			store.ui.screenStates[id] = {status: 'loading', title, progress: r.value};
			store.invalidate();
			this.sched.soon(piece);
		};
		piece();
	}
}
