// `sweep table` formats: md (the paper's Table 2 layout: rows problem × metric, columns model variants),
// csv (one line per group and metric) and json; and `--runs`, one CSV line per job (runsCsv).
import { stringify } from 'csv-stringify/sync';
import type { GroupStatistics, MetricSummary } from './statistics.js';
import type { JobRow } from './store.js';

export const tableFormats = ['md', 'csv', 'json'] as const;
export type TableFormat = (typeof tableFormats)[number];

/** One metric row of a table: a summary of the group's runs (by metric name) or a cell of its own. */
export interface TableMetric {
  label: string;
  /** A metric of the runs, summarised over the group (statistics.ts). */
  name?: string;
  scale?: number;
  digits?: number;
  /** A cell computed from the group (a derived statistic such as Table 2's mean corr). */
  cell?: (group: GroupStatistics) => string;
  /** Appended to a present cell (e.g. the paper's number beside ours). */
  suffix?: (row: string, column: string) => string;
  /** Shown in this row only (default: wherever a group of the row has the metric). */
  rows?: readonly string[];
}

/** How groups become a table: which column and row a group is, in what order, and the metric rows. */
export interface TableLayout {
  columnOf(group: GroupStatistics): string;
  rowOf(group: GroupStatistics): string;
  columns?: readonly string[];
  rows?: readonly string[];
  metrics: readonly TableMetric[];
  /** A cell for a group none of whose runs completed (default: the runs row says so). */
  failed?: (group: GroupStatistics) => string | undefined;
  /** Whether to show the bold row names and the `runs` row. */
  runsRow?: boolean;
  boldRows?: boolean;
}

/** Metrics in the order the paper's table shows them, with how to print them. */
const shownMetrics: TableMetric[] = [
  { name: 'time_s', label: 'time (s)', digits: 1 },
  { name: 'param_mean', label: 'param mean', digits: 3 },
  { name: 'param_corr', label: 'corr', digits: 3 },
  { name: 'param_corr_smoothed', label: 'corr vs smoothed truth', digits: 3 },
  { name: 'laplacian_corr', label: 'Laplacian corr', digits: 3 },
  { name: 'peak_bytes', label: 'peak memory (MB)', scale: 1e-6, digits: 1 },
  { name: 'duration_ms', label: 'duration (ms)', digits: 0 },
];

const columnKeys = ['model', 'derivatives'];
const rowKeys = ['pde', 'kind'];

/** PINN, PINN+M, PirateNet, ...: the paper's column names. */
export function columnName(options: Record<string, unknown>): string {
  if (options.kind === 'noop') return 'noop';
  if (options.model === 'none') return 'no network';
  const model = String(options.model ?? 'pinn');
  const name = model === 'pinn' ? 'PINN' : model === 'piratenet' ? 'PirateNet' : model === 'pinnsformer' ? 'PINNsFormer' : model;
  return options.derivatives === 'mollifier' ? `${name}+M` : name;
}

/** Options that differ between groups (besides the column keys) name the rows. */
function rowName(options: Record<string, unknown>, varying: string[]): string {
  const head = String(options.pde ?? options.kind ?? 'job');
  const rest = varying.filter((k) => !rowKeys.includes(k)).map((k) => `${k}=${JSON.stringify(options[k])}`);
  return rest.length ? `${head}, ${rest.join(', ')}` : head;
}

function varyingKeys(groups: readonly GroupStatistics[]): string[] {
  const keys = [...new Set(groups.flatMap((g) => Object.keys(g.options)))].filter((k) => !columnKeys.includes(k));
  return keys.filter((k) => new Set(groups.map((g) => JSON.stringify(g.options[k]))).size > 1).sort();
}

const number = (value: number, digits: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(digits));

/** mean ± sample std (n when asked), or — when no run gave the value. */
export function summaryCell(summary: MetricSummary | undefined, scale = 1, digits = 3, withN = true): string {
  if (!summary || summary.mean === null) return '—';
  const m = number(summary.mean * scale, digits);
  const n = withN ? ` (n=${summary.n})` : '';
  return summary.std === null ? `${m}${n}` : `${m} ± ${number(summary.std * scale, digits)}${n}`;
}

function runsCell(g: GroupStatistics): string {
  const { done, diverged, failed, stopped, unfinished } = g.runs;
  return `${done} done${diverged ? `, ${diverged} diverged` : ''}${failed ? `, ${failed} failed` : ''}${stopped ? `, ${stopped} stopped early` : ''}${unfinished ? `, ${unfinished} unfinished` : ''}`;
}

/** THE table builder: groups as rows (row × metric) and columns, as `layout` says. */
export function metricTable(groups: readonly GroupStatistics[], layout: TableLayout): string[] {
  const columns = layout.columns ?? [...new Set(groups.map(layout.columnOf))];
  const rows = (layout.rows ?? [...new Set(groups.map(layout.rowOf))]).filter((row) => groups.some((g) => layout.rowOf(g) === row));
  const lines = [`| problem | metric | ${columns.join(' | ')} |`, `|---|---|${columns.map(() => '---|').join('')}`];
  for (const row of rows) {
    const inRow = groups.filter((g) => layout.rowOf(g) === row);
    const at = (column: string) => inRow.find((g) => layout.columnOf(g) === column);
    const present = layout.metrics.filter((m) => (m.rows ? m.rows.includes(row) : m.cell !== undefined || inRow.some((g) => m.name !== undefined && g.metrics[m.name])));
    const name = layout.boldRows ? `**${row}**` : row;
    for (const [i, metric] of present.entries()) {
      const cells = columns.map((column) => {
        const g = at(column);
        if (!g) return 'not run';
        const failure = layout.failed?.(g);
        if (failure) return failure;
        const value = metric.cell ? metric.cell(g) : summaryCell(g.metrics[metric.name!], metric.scale ?? 1, metric.digits ?? 3, !layout.failed);
        return value === '—' ? value : `${value}${metric.suffix?.(row, column) ?? ''}`;
      });
      lines.push(`| ${i === 0 ? name : ''} | ${metric.label} | ${cells.join(' | ')} |`);
    }
    if (layout.runsRow !== false) lines.push(`| ${present.length ? '' : name} | runs | ${columns.map((c) => (at(c) ? runsCell(at(c)!) : '—')).join(' | ')} |`);
  }
  return lines;
}

export function markdownTable(groups: readonly GroupStatistics[]): string {
  if (groups.length === 0) return 'No jobs in the store.\n';
  const varying = varyingKeys(groups);
  // A forward problem's score, its field's error (`u_rel_l2`, ...; docs/forward.md), under its channels' own names.
  const fieldErrors = [...new Set(groups.flatMap((g) => Object.keys(g.metrics).filter((name) => name.endsWith('_rel_l2'))))]
    .sort()
    .map((name) => ({ name, label: `${name.slice(0, -'_rel_l2'.length)} rel. L2 error (%)`, scale: 100, digits: 3 }));
  const lines = metricTable(groups, { columnOf: (g) => columnName(g.options), rowOf: (g) => rowName(g.options, varying), metrics: [...fieldErrors, ...shownMetrics] });
  return `${lines.join('\n')}\n\nmean ± sample standard deviation over completed runs (n); \`--format json\` adds the 95 % intervals (Student t; Fisher z for correlations) and every metric.\n`;
}

/** A CSV cell: text as it is, numbers and booleans as JSON writes them, objects as JSON, nothing as empty. */
const csvCell = (value: unknown): string =>
  value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value)) ? '' : typeof value === 'string' ? value : JSON.stringify(value);

/** Quoting and escaping by csv-stringify (README's library list), so any value reads back with a CSV parser. */
const csvText = (header: readonly string[], rows: readonly unknown[][]): string => stringify([[...header], ...rows.map((row) => row.map(csvCell))]);

export function csvTable(groups: readonly GroupStatistics[]): string {
  const optionKeys = [...new Set(groups.flatMap((g) => Object.keys(g.options)))].sort();
  const header = ['sweep', 'group', ...optionKeys, 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const rows = groups.flatMap((g) => Object.entries(g.metrics).map(([name, s]) => [g.sweep, g.group, ...optionKeys.map((k) => g.options[k]), name, s.n, s.mean, s.std, s.ci95?.[0], s.ci95?.[1]]));
  return csvText(header, rows);
}

/**
 * `sweep table --runs`: one line per job, for analysis elsewhere. Options and metrics get `options.` and
 * `metrics.` prefixes (the keys of `sweep status --json`) because their names meet each other and the job's own
 * columns (option `estimate` and metric `estimate`, the job's `device` and metric `device`). Only the options
 * that differ between the jobs shown are columns; the seed has its own.
 */
export function runsCsv(rows: readonly JobRow[]): string {
  const optionsOf = (row: JobRow) => row.options as Record<string, unknown>;
  const optionKeys = [...new Set(rows.flatMap((r) => Object.keys(optionsOf(r))))]
    .filter((k) => k !== 'seed' && new Set(rows.map((r) => JSON.stringify(optionsOf(r)[k]))).size > 1)
    .sort();
  const metricKeys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics ?? {})))].sort();
  const header = ['sweep', 'group', 'job', 'seed', ...optionKeys.map((k) => `options.${k}`), 'status', 'attempts', 'host', 'lane', 'device', 'duration_s', 'started_at', 'finished_at', ...metricKeys.map((k) => `metrics.${k}`), 'reason'];
  const lines = rows.map((r) => [
    r.sweep, r.group, r.id, optionsOf(r).seed, ...optionKeys.map((k) => optionsOf(r)[k]),
    r.status, r.attempts, r.host, r.lane, r.device, r.duration_s, r.started_at, r.finished_at,
    ...metricKeys.map((k) => r.metrics?.[k]), r.reason,
  ]);
  return csvText(header, lines);
}

export function jsonTable(groups: readonly GroupStatistics[]): string {
  return `${JSON.stringify({ groups: groups.map((g) => ({ ...g.options, sweep: g.sweep, group: g.group, n: g.n, runs: g.runs, metrics: g.metrics })) }, null, 2)}\n`;
}

export function formatTable(groups: readonly GroupStatistics[], format: TableFormat): string {
  return format === 'md' ? markdownTable(groups) : format === 'csv' ? csvTable(groups) : jsonTable(groups);
}
