/**
 * The container: the only component that touches the store, the keyboard and
 * the terminal size. It subscribes to snapshots (`useSyncExternalStore`, at
 * most ~30 per second), sends keys to the controller, tells the store how many
 * history rows fit, and renders the layout.
 */
import {useInput} from 'ink';
import {useEffect, useSyncExternalStore} from 'react';
import {App} from './app.js';
import type {Controller} from './controller.js';
import {keyName} from './keymap.js';
import {layoutFor} from './layout.js';
import type {DashboardStore} from './store/dashboard-store.js';
import {setViewport} from './store/store-actions.js';
import {useTerminalSize} from './use-terminal-size.js';

export interface DashboardProps {
	store: DashboardStore;
	controller: Controller;
	/** Read keys (false when stdin is not a terminal). */
	interactive?: boolean;
}

export function Dashboard({store, controller, interactive = true}: DashboardProps) {
	const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
	const {columns, rows} = useTerminalSize();
	useInput((input, key) => controller.key(keyName(input, key), input), {isActive: interactive});
	const layout = layoutFor(columns, rows, snapshot.focus, snapshot.status);
	const historyRows = layout.kind === 'too-small' ? 1 : layout.historyRows;
	useEffect(() => setViewport(store, historyRows), [store, historyRows]);
	return <App snapshot={snapshot} layout={layout} />;
}
