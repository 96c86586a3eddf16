/**
 * `R`: start or stop recording the live run to a trace file. The recording
 * itself is the source's (the driver knows its batches and its run); this is
 * what the key says about it. While it records, the status line shows
 * `● REC FILE (N events)` from the snapshot; when it stops, a notice says
 * where the trace went.
 */
import {count} from './components/text.js';
import type {RecordingInfo} from './driver/source.js';
import type {DashboardStore} from './store/dashboard-store.js';
import * as act from './store/store-actions.js';

/** How long `saved FILE` stays (unless another message replaces it). */
export const SAVED_NOTICE_MS = 6000;

export function recordingNotice(info: RecordingInfo): string {
	return info.error ?? `saved ${info.file} (${count(info.events)} events)`;
}

export function toggleRecording(store: DashboardStore): void {
	const recorder = store.source.recorder;
	if (!recorder) return act.flash(store, 'recording needs a live run (this is a replay)');
	if (recorder.active) {
		const saved = recorder.stop('recording-stopped');
		return act.flash(store, saved ? recordingNotice(saved) : 'not recording', SAVED_NOTICE_MS);
	}
	if (store.source.stopped) return act.flash(store, 'the run has stopped: nothing to record (v or i restarts it)');
	try {
		recorder.start();
	} catch (error) {
		// The file could not be created (a read-only directory …): the run goes on unrecorded.
		return act.flash(store, (error as Error).message, SAVED_NOTICE_MS);
	}
	// The status line's `● REC` is the answer: show it now.
	store.invalidate(true);
}
