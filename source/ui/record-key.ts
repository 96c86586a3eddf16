/**
 * `R`: start or stop recording the live run to a trace file. The recording
 * itself is the source's (the driver knows its batches and its run); this is
 * what the key says about it. While it records, the status line shows
 * `● REC FILE (N events)`; when it stops, `saved FILE (N events)` takes that
 * place for a few seconds — the same slot, so it is as visible as `● REC` was.
 */
import {count} from './components/text.js';
import type {RecordingInfo} from '../driver/source.js';
import type {DashboardStore} from './store/dashboard-store.js';
import * as act from './store/store-actions.js';

export function recordingNotice(info: RecordingInfo): string {
	return info.error ?? `saved ${info.file} (${count(info.events)} events)`;
}

/** Say where a stopped recording went (or that its end could not be written). */
export function noteSaved(store: DashboardStore, info: RecordingInfo): void {
	act.noteRecording(store, recordingNotice(info), info.error === undefined);
}

export function toggleRecording(store: DashboardStore): void {
	const recorder = store.source.recorder;
	if (!recorder) return act.flash(store, 'recording needs a live run (this is a replay)');
	if (recorder.active) {
		const saved = recorder.stop('recording-stopped');
		return saved ? noteSaved(store, saved) : undefined;
	}
	if (store.source.stopped) return act.flash(store, 'the run has stopped: nothing to record (v or i restarts it)');
	try {
		recorder.start();
	} catch (error) {
		// The file could not be created (a read-only directory …): the run goes on unrecorded.
		return act.noteRecording(store, (error as Error).message, false);
	}
	act.recordingStarted(store);
}
