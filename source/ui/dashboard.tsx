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
import {helpBindings, keyName} from './keymap.js';
import {tailLines} from './components/ConsolePanel.js';
import {propertyLineCount} from './components/PropertiesPanel.js';
import {cooperationHeight} from './components/VerticalCooperation.js';
import {helpOverflow} from './components/HelpOverlay.js';
import {legendOverflow} from './components/Legend.js';
import {mapOverflow} from './components/MapScreen.js';
import {reportOverflow} from './components/ReportScreen.js';
import {type BottomContent, layoutFor, tableHeights} from './layout.js';
import type {Snapshot} from './store/snapshot.js';
import type {DashboardStore} from './store/dashboard-store.js';
import {setOverlayMax, setScreenMax, setTableLines, setViewport} from './store/store-actions.js';
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
	const layout = layoutFor(columns, rows, snapshot.focus, snapshot.status, bottomContent(snapshot, columns));
	const historyRows = layout.kind === 'too-small' ? 1 : layout.historyRows;
	useEffect(() => setViewport(store, historyRows), [store, historyRows]);
	// The tables' room, so the focused one scrolls exactly to its last row.
	const tables = layout.kind === 'too-small' ? {exits: 3, guests: 3} : tableHeights(layout, snapshot.focus, snapshot.exits.length, snapshot.guests.length);
	const exitLines = Math.max(0, tables.exits - 2);
	const guestLines = Math.max(0, tables.guests - 2);
	useEffect(() => setTableLines(store, {exits: exitLines, guests: guestLines}), [store, exitLines, guestLines]);
	// How far a screen taller than the terminal scrolls: a report, the map, the legend.
	const small = layout.kind === 'too-small';
	const body = layout.kind === 'too-small' ? 0 : layout.history + layout.bottom;
	const screenMax = small || snapshot.screen === 'dashboard' ? 0 : snapshot.screen === 'map' ? mapOverflow(snapshot.status.description, layout.columns, body) : reportOverflow(snapshot.screenState, layout.columns, body);
	useEffect(() => setScreenMax(store, screenMax), [store, screenMax]);
	const overlayMax = small ? 0 : snapshot.help ? helpOverflow(layout.columns, body, helpBindings(snapshot.status.canRecord)) : snapshot.legend ? legendOverflow(layout.columns, body) : 0;
	useEffect(() => setOverlayMax(store, overlayMax), [store, overlayMax]);
	return <App snapshot={snapshot} layout={layout} />;
}

/** What the panels under the history have to show, at the widths of the full layout. */
function bottomContent(s: Snapshot, columns: number): BottomContent {
	const left = Math.floor(columns * 0.52);
	const console = s.consoles[Math.min(s.consoleGuest, s.consoles.length - 1)];
	return {
		reasons: s.exits.length,
		guests: s.guests.length,
		// Only the tail can be shown (the panel is at most a share of the screen): never split the whole output per frame.
		consoleLines: Math.max(1, tailLines((console?.text ?? '').slice(-40 * left), 40, left).length),
		propertyLines: propertyLineCount(s.properties, columns - left - 1),
		cooperationLines: cooperationHeight(s.cooperation, columns),
	};
}
