/**
 * What `ui.attached_ratio` attaches to a run: the live driver, the store, the
 * dashboard and the renderer. `npm run build` bundles this file as the
 * dashboard is bundled (source/cli/bundle.ts: React's production build,
 * string-width's lazy emoji expression), so the bench measures the dashboard
 * a user runs; source/bench/ui.ts loads that bundle.
 */
export {render} from 'ink';
export {createElement} from 'react';
export {LiveDriver} from '../driver/live-driver.js';
export {Controller} from '../ui/controller.js';
export {Dashboard} from '../ui/dashboard.js';
export {DashboardStore} from '../ui/store/dashboard-store.js';
