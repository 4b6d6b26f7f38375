export { table2Plan, planDuration, jobId, canonicalJson, table2Columns, columnNames, fullProblems, quickProblems, measuredSecondsPerEpoch, type Table2Plan, type PlannedJob, type ColumnName, type ProblemSpec } from './plan.js';
export { readResults, parseResults, appendRecord, type Table2Record, type ResultsFile } from './results.js';
export { runTable2, jobTimeoutSeconds, hostInfo, type RunTable2Options, type RunTable2Summary } from './run.js';
export { table2Markdown, table2Groups, evaluateTargets, ratios, coveredSeconds, paperTable2, type TargetCheck, type Verdict } from './report.js';
