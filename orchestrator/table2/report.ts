// docs/table2.md from a results store alone (`mollifier report table2`): per regime of observation (the paper's:
// 10 % of nodes, measurement noise; and every node, no noise) the paper's Table 2 layout with our n, mean ± sd and
// 95 % interval per cell and the paper's number beside it (table.ts builds it), the no-network and equal-time
// columns, the autodiff / mollified ratios, the goals, and every run with its own parameter mean.
import type { JobRow } from '../store.js';
import { metricTable, type TableMetric } from '../table.js';
import type { GroupStatistics, MetricSummary } from '../statistics.js';
import { findGroup, ratios, table2Groups, type AcrossRuns, type Ratio, type Table2Group } from './groups.js';
import { columnNames, paperValue, table2Problems } from './paper.js';

export type Verdict = 'MET' | 'MISSED' | 'NO DATA';

export interface GoalCheck {
  goal: string;
  regime: string;
  value: string;
  verdict: Verdict;
  /** The same metric in the comparison columns of the goal's row and regime. */
  beside: string;
}

const ratioText = (value: number) => `${value >= 10 ? value.toFixed(0) : value.toFixed(1)}×`;
const ratioCell = (ratio: Ratio) => (ratio.value === null ? `— (${ratio.note})` : ratio.lowerBound ? `≥ ${ratioText(ratio.value)} (${ratio.note})` : ratioText(ratio.value));
/** Whole numbers from 100 up; two significant digits where `digits` decimals would print a nonzero value as 0. */
const fixed = (value: number, digits: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value !== 0 && Math.abs(value) < 0.5 * 10 ** -digits ? value.toPrecision(2) : value.toFixed(digits));

/** n, mean ± sd and the 95 % interval (Fisher's for correlations, statistics.ts) of one metric of a group. */
export function intervalCell(s: MetricSummary | undefined, scale = 1, digits = 3): string {
  if (!s || s.mean === null) return '—';
  const sd = s.std === null ? '' : ` ± ${fixed(s.std * scale, digits)}`;
  const ci = s.ci95 ? ` [${fixed(s.ci95[0] * scale, digits)}, ${fixed(s.ci95[1] * scale, digits)}]` : '';
  return `${fixed(s.mean * scale, digits)}${sd}${ci} n=${s.n}`;
}

const acrossCell = (a: AcrossRuns) => (a.corr === null ? `— (n=${a.n}${a.n >= 3 ? ', a side is constant' : ''})` : `${a.corr.toFixed(2)}${a.ci95 ? ` [${a.ci95[0].toFixed(2)}, ${a.ci95[1].toFixed(2)}]` : ''} n=${a.n}`);

/** Column order: the paper's six, then ours. */
function columnsOf(groups: readonly Table2Group[]): string[] {
  const present = new Set(groups.map((g) => g.column));
  const extra = [...present].filter((c) => !(columnNames as readonly string[]).includes(c)).sort((a, b) => Number(a.startsWith('no network')) - Number(b.startsWith('no network')) || a.localeCompare(b));
  return [...columnNames.filter((c) => present.has(c)), ...extra];
}

function failedCell(group: Table2Group): string | undefined {
  if (group.done.length > 0) return undefined;
  const all = group.rows.length;
  const why = group.oom.length === all ? 'out of memory' : group.rows.every((r) => r.status === 'diverged') ? 'diverged' : group.rows.every((r) => r.status === 'queued' || r.status === 'running') ? 'not finished' : 'failed';
  return `${why} (${all}/${all})`;
}

const distinct = <T>(values: T[]) => [...new Set(values)];

function regimeTable(groups: readonly Table2Group[], paperRegime: boolean): string[] {
  const byStats = new Map(groups.map((g) => [g.stats, g]));
  const of = (s: GroupStatistics) => byStats.get(s)!;
  const rowTitles = distinct(groups.map((g) => g.row)).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const pdeOf = (row: string) => groups.find((g) => g.row === row)!.problem.pde;
  const paper = (key: Parameters<typeof paperValue>[1]) => (row: string, column: string) => {
    if (!paperRegime) return '';
    const value = paperValue(pdeOf(row), key, column);
    return value === undefined ? '' : ` (paper ${value})`;
  };
  const oneD = rowTitles.filter((r) => pdeOf(r) === 'langevin');
  const twoD = rowTitles.filter((r) => pdeOf(r) !== 'langevin');
  const radii = (s: GroupStatistics) => distinct(of(s).done.flatMap((r) => (typeof r.metrics?.radius === 'number' ? [r.metrics.radius] : []))).sort((a, b) => a - b).join(', ') || '—';
  const rowsOfMetrics: TableMetric[] = [
    { label: 'time (s)', name: 'time_s', digits: 1, suffix: paper('time') },
    { label: 'peak memory (GB)', name: 'peak_bytes', scale: 1e-9, digits: 3, suffix: paper('memory') },
    { label: 'mean corr (across runs)', cell: (s) => acrossCell(of(s).meanCorr), suffix: paper('mean_corr') },
    { label: 'noise corr (sd across runs)', cell: (s) => acrossCell(of(s).noiseCorr) },
    { label: 'relative error of the mean (%)', cell: (s) => intervalCell(of(s).meanRelErr, 100, 1) },
    { label: 'temporal corr', name: 'param_corr', suffix: paper('corr'), rows: oneD },
    { label: 'spatial corr', name: 'param_corr', suffix: paper('corr'), rows: twoD },
    { label: 'corr vs truth smoothed at the kernel radius', name: 'param_corr_smoothed' },
    { label: 'kernel radius (cells)', cell: radii },
    { label: 'Laplacian corr', name: 'laplacian_corr', suffix: paper('laplacian'), rows: twoD },
    { label: 'runs ok / total', cell: (s) => `${of(s).done.length}/${of(s).rows.length}` },
  ];
  const metrics = rowsOfMetrics.map((m) => (m.name ? { ...m, cell: (s: GroupStatistics) => intervalCell(s.metrics[m.name!], m.scale ?? 1, m.digits ?? 3) } : m));
  return metricTable(
    groups.map((g) => g.stats),
    { columnOf: (s) => of(s).column, rowOf: (s) => of(s).row, columns: columnsOf(groups), rows: rowTitles, metrics, failed: (s) => failedCell(of(s)), runsRow: false, boldRows: true },
  );
}

const order = (row: string) => table2Problems.findIndex((p) => row.startsWith(p.title));

function ratioTable(groups: readonly Table2Group[], regime: string): string[] {
  const lines = ['| row | model | time per step autodiff/mollified | peak memory autodiff/mollified | paper time | paper memory |', '|---|---|---|---|---|---|'];
  const rows = distinct(groups.filter((g) => g.regime === regime).map((g) => g.row)).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  for (const row of rows) {
    const pde = groups.find((g) => g.row === row)!.problem.pde;
    for (const model of ['PINN', 'PirateNet', 'PINNsFormer']) {
      if (!findGroup(groups, row, regime, model) && !findGroup(groups, row, regime, `${model}+M`)) continue;
      const { time, memory } = ratios(groups, row, regime, model);
      const paper = (key: 'time' | 'memory') => {
        const a = paperValue(pde, key, model);
        const m = paperValue(pde, key, `${model}+M`);
        return a && m ? ratioText(a / m) : '—';
      };
      lines.push(`| ${row} | ${model} | ${ratioCell(time)} | ${ratioCell(memory)} | ${paper('time')} | ${paper('memory')} |`);
    }
  }
  return lines;
}

/** The issue's goals (the paper's own numbers for PINN+M), in the paper's regime, with the other columns beside. */
export function evaluateGoals(groups: readonly Table2Group[], regime: string): GoalCheck[] {
  const goals: Array<{ row: (r: string) => boolean; metric: string; label: string; threshold: number }> = [
    { row: (r) => r === 'Heat', metric: 'param_corr', label: 'heat, PINN+M: spatial corr ≥ 0.99', threshold: 0.99 },
    { row: (r) => r === 'Heat', metric: 'laplacian_corr', label: 'heat, PINN+M: Laplacian corr ≥ 0.99', threshold: 0.99 },
    { row: (r) => r.startsWith('Reaction-diffusion') && !r.includes('const'), metric: 'param_corr', label: 'reaction-diffusion, PINN+M: k-map corr ≥ 0.84', threshold: 0.84 },
    { row: (r) => r.startsWith('Reaction-diffusion') && !r.includes('const'), metric: 'laplacian_corr', label: 'reaction-diffusion, PINN+M: Laplacian corr ≥ 0.78', threshold: 0.78 },
    { row: (r) => r === 'Langevin', metric: 'param_corr', label: 'Langevin, PINN+M: temporal corr ≥ 0.97', threshold: 0.97 },
  ];
  const checks: GoalCheck[] = [];
  const rows = distinct(groups.filter((g) => g.regime === regime).map((g) => g.row));
  for (const goal of goals) {
    for (const row of rows.filter(goal.row)) {
      const main = findGroup(groups, row, regime, 'PINN+M');
      const s = main?.stats.metrics[goal.metric];
      const besides = groups.filter((g) => g.row === row && g.regime === regime && g.column !== 'PINN+M' && (g.column.startsWith('PINN') || g.column.startsWith('no network')) && !g.column.startsWith('PINNsFormer'));
      checks.push({
        goal: goal.label.replace(/^[a-z-]+/, row),
        regime,
        value: intervalCell(s),
        verdict: !s || s.mean === null ? 'NO DATA' : s.mean >= goal.threshold ? 'MET' : 'MISSED',
        beside: besides.map((g) => `${g.column}: ${g.stats.metrics[goal.metric]?.mean?.toFixed(3) ?? '—'}`).join('; ') || '—',
      });
    }
  }
  return checks;
}

const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function runTable(groups: readonly Table2Group[]): string[] {
  const lines = ['| run | id | status | train (s) | corr | corr smoothed | mean (true) | sd (true) | Laplacian corr | radius | peak (MB) | note |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
  const f = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—');
  for (const group of groups) {
    for (const r of [...group.rows].sort((a, b) => Number(a.options.seed) - Number(b.options.seed))) {
      const m = r.metrics ?? {};
      const label = `${group.row} / ${group.regime} / ${group.column} / seed ${r.options.seed}`;
      const peak = typeof m.peak_bytes === 'number' ? (m.peak_bytes / 1e6).toFixed(1) : '—';
      lines.push(`| ${escape(label)} | \`${r.id}\` | ${r.status}${group.oom.includes(r) ? ' (OOM)' : ''} | ${f(m.time_s, 1)} | ${f(m.param_corr, 3)} | ${f(m.param_corr_smoothed, 3)} | ${f(m.param_mean, 3)} (${f(m.param_true_mean, 3)}) | ${f(m.param_std, 3)} (${f(m.param_true_std, 3)}) | ${f(m.laplacian_corr, 3)} | ${f(m.radius, 0)} | ${peak} | ${escape(r.reason ?? '')} |`);
    }
  }
  return lines;
}

/** Wall time covered by at least one job: the union of the jobs' [start, finish] intervals, s. */
export function coveredSeconds(rows: readonly Pick<JobRow, 'started_at' | 'finished_at'>[]): number {
  const spans = rows
    .map((r) => [Date.parse(r.started_at ?? ''), Date.parse(r.finished_at ?? '')] as const)
    .filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b) && b >= a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let [start, end] = [-Infinity, -Infinity];
  for (const [a, b] of spans) {
    if (a > end) {
      if (end > start) total += end - start;
      [start, end] = [a, b];
    } else end = Math.max(end, b);
  }
  if (end > start) total += end - start;
  return total / 1000;
}

const duration = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);

export interface ReportMeta {
  /** The command that wrote this report. */
  command: string;
  storePath: string;
  generated: Date;
  /** Markdown placed after the summary (the plan, the protocol, what it says): written by people, not computed. */
  preface?: string;
}

/** The paper's regime first (the main table), then the others. */
const regimeOrder = (regime: string) => (regime.startsWith('every node') ? 1 : 0);

export function table2Markdown(rows: readonly JobRow[], meta: ReportMeta): string {
  const groups = table2Groups(rows);
  const used = groups.flatMap((g) => g.rows);
  const count = (status: string) => used.filter((r) => r.status === status).length;
  const values = (key: string) => distinct(used.flatMap((r) => (r.metrics?.[key] === undefined || r.metrics?.[key] === null ? [] : [String(r.metrics[key])])));
  const machines = distinct(used.flatMap((r) => (r.metrics?.machine_cpu ? [`${r.metrics.machine_cpu}, ${r.metrics.machine_cores} cores, ${r.metrics.machine_memory_gib} GiB, ${r.metrics.machine_platform}`] : [])));
  const sweeps = distinct(used.map((r) => r.sweep)).sort();
  const seeds = distinct(used.map((r) => Number(r.options.seed))).sort((a, b) => a - b);
  const jobSeconds = used.reduce((sum, r) => sum + (r.duration_s ?? 0), 0);
  const regimes = distinct(groups.map((g) => g.regime)).sort((a, b) => regimeOrder(a) - regimeOrder(b));
  const lines: string[] = [
    '# Table 2 of the paper, on held-out seeds, in the paper\'s regime and with every node observed',
    '',
    `Written by \`${meta.command}\` on ${meta.generated.toISOString()} from the results store \`${meta.storePath}\` (sweeps ${sweeps.map((s) => `\`${s}\``).join(', ')}): ${used.length} runs, ${count('done')} completed, ${count('diverged')} diverged, ${count('failed')} failed${count('queued') + count('running') ? `, ${count('queued') + count('running')} unfinished` : ''}; seeds ${seeds.join(', ')}. This page regenerates from the store alone, except the prose of the preface. Definitions of every metric are in docs/metrics.md, the paper's numbers from its Table 2 (arXiv 2505.11682).`,
    '',
    '| | |',
    '|---|---|',
    `| machine | ${machines.join('; ') || '—'} |`,
    `| backend | ${values('backend').join(', ') || '—'} |`,
    `| versions | node ${values('versions_node').join(', ') || '?'}, tfjs ${values('versions_tfjs').join(', ') || '?'} |`,
    `| lanes | ${distinct(used.flatMap((r) => (r.lane ? [r.lane] : []))).sort().join(', ') || '—'} (jobs ran in parallel, one per lane) |`,
    `| run time | ${duration(coveredSeconds(used))} of wall time with a job running; ${duration(jobSeconds)} of job time in all |`,
    '',
    ...(meta.preface ? [meta.preface.trim(), ''] : []),
  ];
  for (const regime of regimes) {
    const inRegime = groups.filter((g) => g.regime === regime);
    const paperRegime = regimeOrder(regime) === 0;
    lines.push(
      `## ${paperRegime ? 'The paper\'s regime' : 'Second view'}: ${regime}`,
      '',
      'Each cell: mean ± sample sd [95 % interval: Student t; Fisher z for correlations] n = completed runs. "mean corr" and "noise corr" are one number per column: the correlation across its runs of the predicted with the true parameter mean, and standard deviation, each run having its own drawn truth (the interval is Fisher\'s). "corr vs truth smoothed at the kernel radius" smooths the truth with the value kernel of the radius in the row below. Times are training wall time per run on this CPU; the paper\'s are on K80 GPUs at its sizes, so only ratios compare.',
      '',
      ...regimeTable(inRegime, paperRegime),
      '',
      `### Autodiff / mollified ratios (${regime})`,
      '',
      ...ratioTable(groups, regime),
      '',
    );
    if (paperRegime) {
      const goals = evaluateGoals(groups, regime);
      lines.push(
        '### Goals (the paper\'s own PINN+M numbers; a benchmark, not a test)',
        '',
        '| goal | PINN+M | verdict | beside it (mean) |',
        '|---|---|---|---|',
        ...goals.map((g) => `| ${escape(g.goal)} | ${g.value} | **${g.verdict}** | ${escape(g.beside)} |`),
        '',
      );
    }
  }
  lines.push('## Every run', '', ...runTable([...groups].sort((a, b) => regimeOrder(a.regime) - regimeOrder(b.regime) || order(a.row) - order(b.row))), '');
  return `${lines.join('\n')}\n`;
}
