// The page of a sweep's report: a summary table, the comparison charts, then one section per configuration
// with its median run's maps, its seeds' losses and its runs. Plain HTML beside its image files (no network);
// every text from the store is escaped.
import type { GroupStatistics, MetricSummary } from '../statistics.js';
import type { JobRow } from '../store.js';
import { colourScaleNote, escapeHtml, figureRow, formatValue, style, type Figure } from './html.js';

export interface ConfigurationSection {
  label: string;
  statistics: GroupStatistics;
  rows: readonly JobRow[];
  /** The run whose maps are shown (the median corr among completed runs with fields). */
  representative: string | null;
  figures: Figure[];
  missingArtifacts: Array<{ job: string; why: string }>;
}

export interface SweepPageInput {
  sweep: string;
  source: string;
  generated: Date;
  groups: readonly GroupStatistics[];
  labels: ReadonlyMap<string, string>;
  comparison: Figure[];
  sections: ConfigurationSection[];
}

const summaryColumns = [
  { name: 'param_corr', title: 'corr', scale: 1, digits: 3 },
  { name: 'laplacian_corr', title: 'Laplacian corr', scale: 1, digits: 3 },
  { name: 'time_s', title: 'time (s)', scale: 1, digits: 1 },
  { name: 'peak_bytes', title: 'peak memory (MB)', scale: 1e-6, digits: 1 },
] as const;

function cell(summary: MetricSummary | undefined, scale: number, digits: number): string {
  if (!summary || summary.mean === null) return '–';
  const f = (v: number) => (v * scale).toFixed(digits);
  const interval = summary.ci95 ? ` <span class="meta">[${f(summary.ci95[0])}, ${f(summary.ci95[1])}]</span>` : '';
  return `${f(summary.mean)}${interval}`;
}

const runsText = (g: GroupStatistics) =>
  [`${g.runs.done} done`, g.runs.diverged && `${g.runs.diverged} diverged`, g.runs.failed && `${g.runs.failed} failed`, g.runs.stopped && `${g.runs.stopped} stopped early`, g.runs.unfinished && `${g.runs.unfinished} unfinished`].filter(Boolean).join(', ');

function summaryTable(input: SweepPageInput): string {
  const present = summaryColumns.filter((c) => input.groups.some((g) => g.metrics[c.name]?.n));
  const head = `<tr><th>configuration</th><th>runs</th>${present.map((c) => `<th>${escapeHtml(c.title)}</th>`).join('')}</tr>`;
  const body = input.groups
    .map((g, i) => `<tr><td><a href="#c${i + 1}">${escapeHtml(input.labels.get(g.group)!)}</a></td><td>${escapeHtml(runsText(g))}</td>${present.map((c) => `<td class="n">${cell(g.metrics[c.name], c.scale, c.digits)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function runTable(rows: readonly JobRow[], representative: string | null): string {
  const head = '<tr><th>job</th><th>seed</th><th>status</th><th>corr</th><th>time (s)</th><th>where</th><th>reason</th></tr>';
  const body = rows
    .map((r) => {
      const seed = (r.options as { seed?: unknown }).seed;
      const corr = r.metrics?.param_corr;
      const time = r.metrics?.time_s ?? r.duration_s;
      const where = r.host ? `${r.host}/${r.lane ?? ''}` : '';
      const mark = r.id === representative ? ' (maps)' : '';
      return `<tr><td><code>${escapeHtml(r.id)}</code>${mark}</td><td class="n">${escapeHtml(formatValue(seed))}</td><td>${escapeHtml(r.status)}</td><td class="n">${escapeHtml(formatValue(corr))}</td><td class="n">${escapeHtml(typeof time === 'number' ? time.toFixed(1) : '–')}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(r.reason ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<table>\n${head}\n${body}\n</table>`;
}

function section(s: ConfigurationSection, index: number): string {
  const options = Object.entries(s.statistics.options)
    .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(formatValue(v))}`)
    .join(', ');
  const fields = s.figures.filter((f) => f.group === 'fields');
  const losses = s.figures.filter((f) => f.group === 'losses');
  const missing = s.missingArtifacts.length
    ? `<p class="meta">No fields for ${s.missingArtifacts.length} completed run${s.missingArtifacts.length === 1 ? '' : 's'}: ${s.missingArtifacts.slice(0, 3).map((m) => `${escapeHtml(m.job)} (${escapeHtml(m.why)})`).join('; ')}${s.missingArtifacts.length > 3 ? '; …' : ''}</p>`
    : '';
  return `<h2 id="c${index + 1}">${escapeHtml(s.label)}</h2>
<p class="meta">${options}</p>
${fields.length ? `<h3>Fields of run ${escapeHtml(s.representative ?? '')} (median corr of the completed runs)</h3>\n${figureRow(fields)}` : '<p>No fields: no completed run of this configuration sent them.</p>'}
${missing}
${losses.length ? `<h3>Losses</h3>\n${figureRow(losses)}` : ''}
<h3>Runs</h3>
${runTable(s.rows, s.representative)}`;
}

export function sweepPage(input: SweepPageInput): string {
  const accuracy = input.comparison.filter((f) => f.group === 'accuracy');
  const noise = input.comparison.filter((f) => f.group === 'noise');
  const cost = input.comparison.filter((f) => f.group === 'cost');
  const title = `sweep ${input.sweep}`;
  const runs = input.groups.reduce((n, g) => n + g.runs.done + g.runs.diverged + g.runs.failed + g.runs.stopped + g.runs.unfinished, 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${input.groups.length} configurations, ${runs} runs · from ${escapeHtml(input.source)} · generated ${input.generated.toISOString()} by mollifier report</p>
<h2>Configurations</h2>
<p class="meta">Mean over completed runs, with the 95 % interval in brackets (Student-t on the mean; for correlations on Fisher's z, so it stays inside (−1, 1)).</p>
${summaryTable(input)}
${accuracy.length ? `<h2>Accuracy</h2>\n${figureRow(accuracy)}` : ''}
${noise.length ? `<h2>Accuracy against noise</h2>\n${figureRow(noise)}` : ''}
${cost.length ? `<h2>Time and memory</h2>\n${figureRow(cost)}` : ''}
<p class="meta">${colourScaleNote}</p>
${input.sections.map(section).join('\n')}
</body></html>
`;
}
