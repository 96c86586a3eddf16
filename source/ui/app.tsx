/**
 * Layout only: picks the panels for the terminal size and hands each its
 * slice of the snapshot. No state, no effects.
 */
import {Box} from 'ink';
import {ChooserOverlay} from './components/ChooserOverlay.js';
import {ConsolePanel} from './components/ConsolePanel.js';
import {ExitReasonTable} from './components/ExitReasonTable.js';
import {FilterBar} from './components/FilterBar.js';
import {GuestsTable} from './components/GuestsTable.js';
import {HelpOverlay} from './components/HelpOverlay.js';
import {JourneyWalk} from './components/JourneyWalk.js';
import {Legend} from './components/Legend.js';
import {MapScreen} from './components/MapScreen.js';
import {LevelColumns} from './components/LevelColumns.js';
import {PropertiesPanel} from './components/PropertiesPanel.js';
import {ReportScreen} from './components/ReportScreen.js';
import {Sparkline} from './components/Sparkline.js';
import {StatusLine} from './components/StatusLine.js';
import {TooSmall} from './components/TooSmall.js';
import {VerticalCooperation} from './components/VerticalCooperation.js';
import {helpBindings} from './keymap.js';
import {type Layout, MIN_COLUMNS, MIN_ROWS, tableHeights} from './layout.js';
import type {Snapshot} from './store/snapshot.js';

export interface AppProps {
	snapshot: Snapshot;
	layout: Layout;
}

function historyTitle(s: Snapshot): string {
	const parts = [s.status.detail ? 'every instruction' : 'instructions sampled at events'];
	if (s.filter.active) parts.push(`filter: ${s.filter.active}`);
	if (s.filter.search) parts.push(`search: ${s.filter.search}`);
	if (s.history.cursor !== null) parts.push('scrolled (End follows)');
	return `History — ${parts.join(' — ')}`;
}

function Bottom({s, layout}: {s: Snapshot; layout: Extract<Layout, {kind: 'full' | 'compact'}>}) {
	const following = s.history.cursor === null;
	const coop = (width: number) => <VerticalCooperation cooperation={s.cooperation} width={width} height={layout.cooperation} following={following} />;
	const guests = (width: number, height?: number) => (
		<GuestsTable guests={s.guests} width={width} height={height} focused={s.focus === 'guests'} sort={s.sort} offset={s.tableOffset.guests} sinceReset={s.sinceReset} />
	);
	const exits = (width: number, height: number) => (
		<ExitReasonTable
			exits={s.exits}
			total={s.exitTotal}
			width={width}
			height={height}
			focused={s.focus === 'exits'}
			sort={s.sort}
			noVmm={s.status.description.vmm === 'none'}
			hostTime={s.status.hostTime === true}
			offset={s.tableOffset.exits}
		/>
	);
	const console = (width: number, height: number) => (
		<ConsolePanel consoles={s.consoles} selected={s.consoleGuest} width={width} height={height} focused={s.focus === 'console'} />
	);
	if (layout.kind === 'compact') {
		const h = layout.bottom;
		if (s.focus === 'exits' && layout.panels.exits) return exits(layout.columns, h);
		if (s.focus === 'guests' && layout.panels.guests) return guests(layout.columns, h);
		if (s.focus === 'console') return console(layout.columns, h);
		return coop(layout.columns);
	}
	const row = layout.bottom - layout.cooperation;
	const split = tableHeights(layout, s.focus, s.exits.length, s.guests.length);
	const guestRows = split.guests;
	const props = Math.max(2, row - guestRows - 2);
	// Without a VMM, no exits and no guests: the console and the counters take their room.
	return (
		<Box flexDirection="column" height={layout.bottom}>
			{coop(layout.columns)}
			<Box flexDirection="row" height={row}>
				<Box flexDirection="column" width={layout.left}>
					{layout.panels.exits ? exits(layout.left, split.exits) : null}
					{console(layout.left, split.console)}
				</Box>
				<Box width={1} />
				<Box flexDirection="column" width={layout.right}>
					{layout.panels.guests ? guests(layout.right, guestRows) : null}
					<Sparkline label={s.spark.label} values={s.spark.values} width={layout.right} />
					<PropertiesPanel properties={s.properties} width={layout.right} height={props} />
				</Box>
			</Box>
		</Box>
	);
}

/** The footer's keys for what is on the screen: a screen, journey mode, a replay or a live run. */
export function footerKeys(s: Snapshot): string {
	const replay = !s.status.canRestart && !s.status.canRecord;
	if (s.chooser) return '↑ ↓ setting  ← → value  enter restart  esc cancel  q quit';
	if (s.help) return '? or esc closes  l legend  q quit';
	if (s.legend) return 'l or esc closes  ? help  q quit';
	if (s.screen === 'map') return 'm or esc: back  l legend  ? help  q quit';
	if (s.screen !== 'dashboard') return 'esc back  m map  l legend  ? help  q quit';
	if (s.journeyWalk) return '→/space next step  ← back  n next journey  N/b previous  f which journeys stop  J leave  l legend  m map  q quit';
	if (replay) return 'space pause  s step  n ] next exception  [ previous  b back  g go to  J journey mode  +/- speed  f filter  l legend  ? help  q quit';
	return 'space pause  s step  n next exception  J journey mode  +/- speed  f filter  l legend  m map  ? help  q quit';
}

export function App({snapshot: s, layout}: AppProps) {
	if (layout.kind === 'too-small') {
		return <TooSmall columns={layout.columns} rows={layout.rows} minColumns={MIN_COLUMNS} minRows={MIN_ROWS} />;
	}
	const body = layout.history + layout.bottom;
	let main;
	if (s.chooser) main = <ChooserOverlay chooser={s.chooser} width={layout.columns} height={body} />;
	else if (s.help) main = <HelpOverlay width={layout.columns} height={body} bindings={helpBindings(s.status.canRecord)} offset={s.overlayOffset} />;
	else if (s.legend) main = <Legend width={layout.columns} height={body} offset={s.overlayOffset} />;
	else if (s.screen === 'map') main = <MapScreen description={s.status.description} width={layout.columns} height={body} offset={s.screenOffset} />;
	else if (s.screen === 'dashboard' && s.journeyWalk) main = <JourneyWalk walk={s.journeyWalk} width={layout.columns} height={body} lecture={s.lecture} />;
	else if (s.screen !== 'dashboard' && s.screenState) main = <ReportScreen state={s.screenState} width={layout.columns} height={body} offset={s.screenOffset} />;
	else {
		main = (
			<Box flexDirection="column" height={body}>
				<LevelColumns
					history={s.history}
					width={layout.columns}
					height={layout.history}
					focused={s.focus === 'history'}
					detail={s.status.detail}
					multiGuest={s.guests.length > 1}
					title={historyTitle(s)}
				/>
				<Bottom s={s} layout={layout} />
			</Box>
		);
	}
	return (
		<Box flexDirection="column" width={layout.columns} height={layout.rows}>
			<StatusLine status={s.status} width={layout.columns} flash={s.flash} />
			{main}
			<FilterBar filter={s.filter} width={layout.columns} goto={s.goto} keys={footerKeys(s)} />
		</Box>
	);
}
