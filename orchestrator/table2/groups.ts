// The store's runs as Table 2's cells: one group per problem row × regime × column (a spec's group: its options
// without the seed and the options that go with the seed), summarised by statistics.ts, plus what only a group has:
// the correlations across its runs of predicted with true parameter means ("mean corr") and standard deviations
// ("noise corr", the paper's B.4.1 variance), and the autodiff / mollified ratios of time per step and peak memory.
import { sampleCorrelation } from 'simple-statistics';
import { groupStatistics, summarise, type GroupStatistics, type MetricSummary } from '../statistics.js';
import type { JobRow } from '../store.js';
import { columnName } from '../table.js';
import { table2Problems, type Table2Problem } from './paper.js';

export interface AcrossRuns {
  /** Pearson r across runs of the prediction vs the truth; null below 3 runs, or when either side is constant. */
  corr: number | null;
  /** Fisher-z 95 % interval of r (n ≥ 4), else null. */
  ci95: [number, number] | null;
  /** Runs with both values. */
  n: number;
}

export interface Table2Group {
  problem: Table2Problem;
  /** The problem's row: its title, and the variant where a problem has several (rd's l, COMSOL data). */
  row: string;
  /** Which observations: '10 % observed, 1 % noise', 'every node, no noise'. */
  regime: string;
  column: string;
  stats: GroupStatistics;
  rows: JobRow[];
  done: JobRow[];
  meanCorr: AcrossRuns;
  noiseCorr: AcrossRuns;
  /** Per-run |relative error| of the parameter mean. */
  meanRelErr: MetricSummary;
  /** Failed runs whose reason says the backend ran out of memory. */
  oom: JobRow[];
}

const metric = (row: JobRow, name: string): number | undefined => {
  const value = row.metrics?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

// simple-statistics' r, or null where a side is constant (its r would be NaN).
const pearson = (x: number[], y: number[]): number | null => (new Set(x).size > 1 && new Set(y).size > 1 ? sampleCorrelation(x, y) : null);

/** r across runs of metric `predicted` vs metric `truth`, with Fisher's interval (its sd is 1/√(n − 3)). */
export function acrossRuns(rows: readonly JobRow[], predicted: string, truth: string): AcrossRuns {
  const pairs = rows.flatMap((r) => {
    const p = metric(r, predicted);
    const t = metric(r, truth);
    return p !== undefined && t !== undefined ? [[p, t] as const] : [];
  });
  const n = pairs.length;
  const r = n >= 3 ? pearson(pairs.map(([p]) => p), pairs.map(([, t]) => t)) : null;
  if (r === null || !Number.isFinite(r)) return { corr: null, ci95: null, n };
  const clamped = Math.max(-1 + 1e-12, Math.min(1 - 1e-12, r));
  const half = n >= 4 ? 1.959964 / Math.sqrt(n - 3) : null;
  return { corr: r, ci95: half === null ? null : [Math.tanh(Math.atanh(clamped) - half), Math.tanh(Math.atanh(clamped) + half)], n };
}

/** The correlation of predicted with true parameter means across runs (docs/metrics.md "mean corr"). */
export const meanCorrelation = (rows: readonly JobRow[]) => acrossRuns(rows, 'param_mean', 'param_true_mean');

/** A run that failed because memory ran out (wasm's 4 GiB heap, the JS heap, or the OS). */
export const isOutOfMemory = (row: JobRow) => row.status === 'failed' && /out of memory|\bOOM\b|Aborted\(\)|memory access out of bounds|heap/i.test(row.reason ?? '');

const percent = (value: unknown) => `${Number((Number(value) * 100).toPrecision(3))} %`;

/** The observations of a group: every node without noise, or the fraction observed and the noise. */
export function regimeOf(options: Record<string, unknown>): string {
  const sample = Number(options.sample ?? 1);
  const noise = Number(options['obs-noise'] ?? 0);
  if (sample === 1 && noise === 0) return 'every node observed, no measurement noise';
  return `${percent(sample)} of nodes observed, ${percent(noise)} measurement noise`;
}

/** The problem's row: rd is split by its data (COMSOL exports, or simulated at an interface length). */
export function rowOf(problem: Table2Problem, options: Record<string, unknown>): string {
  if (problem.pde !== 'rd') return problem.title;
  if (options['phi-n']) return `${problem.title}, l = 0.03 (COMSOL, ${String(options.case ?? 'data')} k)`;
  return `${problem.title}, l = ${String(options['interface-length'] ?? 0.03)}`;
}

export function table2Groups(rows: readonly JobRow[]): Table2Group[] {
  const stats = groupStatistics(rows.filter((r) => r.options.kind !== 'noop'));
  const groups: Table2Group[] = [];
  for (const g of stats) {
    const problem = table2Problems.find((p) => p.pde === g.options.pde);
    if (!problem) continue;
    const members = rows.filter((r) => r.sweep === g.sweep && r.group === g.group);
    const done = members.filter((r) => r.status === 'done' && r.metrics);
    groups.push({
      problem,
      row: rowOf(problem, g.options),
      regime: regimeOf(g.options),
      column: g.options.model === 'none' && g.options.radius === 'auto' ? 'no network (r from data)' : columnName(g.options),
      stats: g,
      rows: members,
      done,
      meanCorr: meanCorrelation(done),
      noiseCorr: acrossRuns(done, 'param_std', 'param_true_std'),
      meanRelErr: summarise(done.flatMap((r) => metric(r, 'param_mean_rel_err') ?? [])),
      oom: members.filter(isOutOfMemory),
    });
  }
  // Runs on another set of seeds than most (a fresh held-out set, docs/protocol.md rule 2, or fewer seeds) are a row of
  // their own: their cells must not share one with the main set's.
  const seedsOf = (g: Table2Group) => [...new Set(g.rows.map((r) => Number(r.options.seed)))].sort((a, b) => a - b);
  const keyOf = (g: Table2Group) => seedsOf(g).join(',');
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(keyOf(g), (counts.get(keyOf(g)) ?? 0) + 1);
  const common = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a), ['', 0])[0];
  for (const g of groups) {
    if (keyOf(g) === common) continue;
    const seeds = seedsOf(g);
    const consecutive = seeds.every((v, i) => i === 0 || v === seeds[i - 1]! + 1);
    g.row = `${g.row}, seeds ${consecutive && seeds.length > 2 ? `${seeds[0]}-${seeds.at(-1)}` : seeds.join(', ')}`;
  }
  // An autodiff column run again with other steps in one row and regime (at the mollified column's wall time): the
  // run with the steps the other autodiff columns of that row have keeps the name (else the longest), the other is
  // named by its steps, so two such runs stay two columns and the time row shows which one matches.
  const base = new Map(groups.map((g) => [g, g.column]));
  const epochsOf = (g: Table2Group) => Number(g.stats.options.epochs);
  for (const g of groups) {
    if (g.stats.options.derivatives !== 'autodiff' || g.stats.options.model === 'none') continue;
    const near = groups.filter((o) => o.row === g.row && o.regime === g.regime && o.stats.options.derivatives === 'autodiff' && o.stats.options.model !== 'none');
    const same = near.filter((o) => base.get(o) === base.get(g));
    if (same.length < 2) continue;
    const others = near.filter((o) => base.get(o) !== base.get(g)).map(epochsOf);
    const main = others.length ? (same.find((o) => others.includes(epochsOf(o))) ?? same[0]!) : same.reduce((a, b) => (epochsOf(b) > epochsOf(a) ? b : a));
    if (g !== main) g.column = `${base.get(g)} (${epochsOf(g)} step${epochsOf(g) === 1 ? '' : 's'})`;
  }
  return groups;
}

export const findGroup = (groups: readonly Table2Group[], row: string, regime: string, column: string) => groups.find((g) => g.row === row && g.regime === regime && g.column === column);

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

/** autodiff / mollified for one model (its column name without +M) in one row and regime: time per step, peak memory. */
export function ratios(groups: readonly Table2Group[], row: string, regime: string, column: string): { time: Ratio; memory: Ratio } {
  const autodiff = findGroup(groups, row, regime, column);
  const mollified = findGroup(groups, row, regime, `${column}+M`);
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
