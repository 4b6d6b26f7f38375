// The store's runs as Table 2's cells: one group per problem × column (a spec's group: its options without the
// seed and the options that go with the seed), summarised by statistics.ts, plus what only a group has: the
// correlation of predicted with true parameter means across its runs ("mean corr", docs/metrics.md), and the
// autodiff / mollified ratios of time per step and peak memory.
import { sampleCorrelation } from 'simple-statistics';
import { groupStatistics, summarise, type GroupStatistics, type MetricSummary } from '../statistics.js';
import type { JobRow } from '../store.js';
import { columnNames, table2Columns, table2Problems, type ColumnName, type Table2Problem } from './paper.js';

export interface MeanCorrelation {
  /** Pearson r across runs of param_mean vs param_true_mean; null below 3 distinct true means or with constant predictions. */
  corr: number | null;
  /** Runs with both means. */
  n: number;
  /** Distinct true means among them. */
  levels: number;
}

export interface Table2Group {
  problem: Table2Problem;
  column: ColumnName;
  stats: GroupStatistics;
  rows: JobRow[];
  done: JobRow[];
  meanCorr: MeanCorrelation;
  /** Per-run |relative error| of the parameter mean. */
  meanRelErr: MetricSummary;
  /** Failed runs whose reason says the backend ran out of memory. */
  oom: JobRow[];
}

const metric = (row: JobRow, name: string): number | undefined => {
  const value = row.metrics?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

export function meanCorrelation(rows: readonly JobRow[]): MeanCorrelation {
  const pairs = rows.flatMap((r) => {
    const p = metric(r, 'param_mean');
    const t = metric(r, 'param_true_mean');
    return p !== undefined && t !== undefined ? [[p, t] as const] : [];
  });
  const levels = new Set(pairs.map(([, t]) => t)).size;
  const predicted = pairs.map(([p]) => p);
  const constant = predicted.every((p) => p === predicted[0]);
  const corr = levels < 3 || constant ? null : sampleCorrelation(predicted, pairs.map(([, t]) => t));
  return { corr: corr !== null && Number.isFinite(corr) ? corr : null, n: pairs.length, levels };
}

/** A run that failed because memory ran out (wasm's 4 GiB heap, the JS heap, or the OS). */
export const isOutOfMemory = (row: JobRow) => row.status === 'failed' && /out of memory|\bOOM\b|Aborted\(\)|memory access out of bounds|heap/i.test(row.reason ?? '');

export function table2Groups(rows: readonly JobRow[]): Table2Group[] {
  const stats = groupStatistics(rows);
  const groups: Table2Group[] = [];
  for (const problem of table2Problems) {
    for (const column of table2Columns) {
      const of = stats.filter((g) => g.options.kind !== 'noop' && g.options.pde === problem.pde && g.options.model === column.model && g.options.derivatives === column.derivatives);
      for (const g of of) {
        const members = rows.filter((r) => r.sweep === g.sweep && r.group === g.group);
        const done = members.filter((r) => r.status === 'done' && r.metrics);
        groups.push({
          problem,
          column: column.name,
          stats: g,
          rows: members,
          done,
          meanCorr: meanCorrelation(done),
          meanRelErr: summarise(done.flatMap((r) => metric(r, 'param_mean_rel_err') ?? [])),
          oom: members.filter(isOutOfMemory),
        });
      }
    }
  }
  return groups;
}

export const findGroup = (groups: readonly Table2Group[], pde: string, column: string) => groups.find((g) => g.problem.pde === pde && g.column === column);

/** The wasm backend addresses at most 4 GiB: a run that ran out of it needed at least that much. */
export const wasmMemoryBytes = 2 ** 32;

export interface Ratio {
  value: number | null;
  /** True when value is only a lower bound (autodiff ran out of memory). */
  lowerBound: boolean;
  note: string;
}

/** Mean over done runs of training time per step (the rd autodiff columns run fewer steps than the mollified ones). */
function timePerStep(group: Table2Group | undefined): number | null {
  const values = group?.done.flatMap((r) => {
    const epochs = r.options.kind === 'train' ? r.options.epochs : undefined;
    const time = metric(r, 'time_s');
    return time !== undefined && epochs ? [time / epochs] : [];
  }) ?? [];
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** autodiff / mollified for one model on one problem: training time per step and peak memory. */
export function ratios(groups: readonly Table2Group[], pde: string, model: string): { time: Ratio; memory: Ratio } {
  const name = (derivatives: string) => table2Columns.find((c) => c.model === model && c.derivatives === derivatives)!.name;
  const autodiff = findGroup(groups, pde, name('autodiff'));
  const mollified = findGroup(groups, pde, name('mollifier'));
  const of = (key: 'time' | 'memory'): Ratio => {
    const a = key === 'time' ? timePerStep(autodiff) : (autodiff?.stats.metrics.peak_bytes?.mean ?? null);
    const m = key === 'time' ? timePerStep(mollified) : (mollified?.stats.metrics.peak_bytes?.mean ?? null);
    if (a !== null && m !== null && m > 0) return { value: a / m, lowerBound: false, note: '' };
    if (!autodiff || !mollified) return { value: null, lowerBound: false, note: 'not run' };
    if (m === null) return { value: null, lowerBound: false, note: 'mollified runs failed' };
    if (autodiff.done.length === 0 && autodiff.oom.length > 0) {
      return key === 'memory'
        ? { value: wasmMemoryBytes / m, lowerBound: true, note: 'autodiff ran out of the 4 GiB wasm memory' }
        : { value: null, lowerBound: false, note: 'autodiff ran out of memory before finishing' };
    }
    return { value: null, lowerBound: false, note: autodiff.done.length === 0 ? 'autodiff runs failed' : 'no value' };
  };
  return { time: of('time'), memory: of('memory') };
}

export { columnNames };
