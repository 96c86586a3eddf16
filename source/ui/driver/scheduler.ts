// The clock both drivers are paced by lives in driver/pacing.ts; this re-export keeps the UI's imports.
export {type Scheduler, realScheduler} from '../../driver/pacing.js';
