// `sweep table` formats: md (the paper's Table 2 layout: rows problem × metric, columns model variants),
// csv (one line per group and metric) and json.
import type { GroupStatistics, MetricSummary } from './statistics.js';

export const tableFormats = ['md', 'csv', 'json'] as const;
export type TableFormat = (typeof tableFormats)[number];

/** Metrics in the order the paper's table shows them, with how to print them. */
const shownMetrics: Array<{ name: string; label: string; scale?: number; digits: number }> = [
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

function columnName(options: Record<string, unknown>): string {
  if (options.kind === 'noop') return 'noop';
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

function cell(summary: MetricSummary | undefined, scale: number, digits: number): string {
  if (!summary || summary.mean === null) return '—';
  const m = (summary.mean * scale).toFixed(digits);
  return summary.std === null ? `${m} (n=${summary.n})` : `${m} ± ${(summary.std * scale).toFixed(digits)} (n=${summary.n})`;
}

export function markdownTable(groups: readonly GroupStatistics[]): string {
  if (groups.length === 0) return 'No jobs in the store.\n';
  const varying = varyingKeys(groups);
  const columns = [...new Set(groups.map((g) => columnName(g.options)))];
  const rows = [...new Set(groups.map((g) => rowName(g.options, varying)))];
  const lines = [`| problem | metric | ${columns.join(' | ')} |`, `|---|---|${columns.map(() => '---|').join('')}`];
  for (const row of rows) {
    const inRow = groups.filter((g) => rowName(g.options, varying) === row);
    const present = shownMetrics.filter((m) => inRow.some((g) => g.metrics[m.name]));
    const at = (column: string) => inRow.find((g) => columnName(g.options) === column);
    for (const [i, metric] of present.entries()) {
      const cells = columns.map((c) => cell(at(c)?.metrics[metric.name], metric.scale ?? 1, metric.digits));
      lines.push(`| ${i === 0 ? row : ''} | ${metric.label} | ${cells.join(' | ')} |`);
    }
    const status = columns.map((c) => {
      const g = at(c);
      if (!g) return '—';
      const { done, diverged, failed, unfinished } = g.runs;
      return `${done} done${diverged ? `, ${diverged} diverged` : ''}${failed ? `, ${failed} failed` : ''}${unfinished ? `, ${unfinished} unfinished` : ''}`;
    });
    lines.push(`| ${present.length ? '' : row} | runs | ${status.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n\nmean ± sample standard deviation over completed runs (n); \`--format json\` adds the 95 % t-intervals and every metric.\n`;
}

const csvField = (value: unknown) => {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

export function csvTable(groups: readonly GroupStatistics[]): string {
  const optionKeys = [...new Set(groups.flatMap((g) => Object.keys(g.options)))].sort();
  const header = ['sweep', 'group', ...optionKeys, 'metric', 'n', 'mean', 'std', 'ci95_low', 'ci95_high'];
  const lines = [header.join(',')];
  for (const g of groups) {
    for (const [name, s] of Object.entries(g.metrics)) {
      lines.push([g.sweep, g.group, ...optionKeys.map((k) => g.options[k]), name, s.n, s.mean, s.std, s.ci95?.[0], s.ci95?.[1]].map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export function jsonTable(groups: readonly GroupStatistics[]): string {
  return `${JSON.stringify({ groups: groups.map((g) => ({ ...g.options, sweep: g.sweep, group: g.group, n: g.n, runs: g.runs, metrics: g.metrics })) }, null, 2)}\n`;
}

export function formatTable(groups: readonly GroupStatistics[], format: TableFormat): string {
  return format === 'md' ? markdownTable(groups) : format === 'csv' ? csvTable(groups) : jsonTable(groups);
}
