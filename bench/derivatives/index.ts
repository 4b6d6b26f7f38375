export { benchPlan, benchMethods, gridSide, type BenchPlan, type StepConfig, type BenchMethod } from './config.js';
export { runBenchPlan, type BenchRow, type BenchRun } from './run.js';
export { benchmarkMarkdown, machineDescription, spliceSection } from './report.js';
