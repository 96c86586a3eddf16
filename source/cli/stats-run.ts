/**
 * One headless run for `vmtop stats`: the run itself lives in
 * source/stats/stats-run.ts (the dashboard's compare screen runs it too).
 */
export {DEFAULT_MAX_INSTRUCTIONS, type StatsRun, compareSkipped, compareTechniques, compareTechniquesFor, statsRun, withVmm} from '../stats/stats-run.js';
