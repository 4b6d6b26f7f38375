// The report page: plain HTML with its style inline and the charts as image files beside it, so it opens from
// disk with no network. Every text that comes from a result is escaped.
import type { TrainResultFile } from './result-file.js';

export interface Figure {
  file: string;
  caption: string;
  /** Figures of one group (a quantity: truth, estimate, error) share a row. */
  group: string;
  width: number;
  height: number;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const style = `body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.figures{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0}figcaption{font-size:.85rem;color:#555}
.meta{color:#555;font-size:.85rem}`;

export function formatValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toFixed(4);
  if (value === null || value === undefined) return '–';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The scalar metrics worth a row (nested records such as versions and machine go to the page's foot). */
function metricRows(metrics: Record<string, unknown>): string {
  return Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v === null)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td class="${typeof v === 'number' ? 'n' : ''}">${escapeHtml(formatValue(v))}</td></tr>`)
    .join('\n');
}

export function figureRow(figures: readonly Figure[]): string {
  const image = (f: Figure) => `<figure><img src="${escapeHtml(f.file)}" width="${f.width}" height="${f.height}" alt="${escapeHtml(f.caption)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`;
  return `<div class="figures">\n${figures.map(image).join('\n')}\n</div>`;
}

/** The note under every page's field maps: how their colour scales are chosen. */
export const colourScaleNote = `A recovered map uses its truth's colour scale: values beyond it show in the end colours (without a truth, the
scale spans the estimate's 2-98 % range). An error map's diverging scale is centred on 0 and ends at the 98th percentile of
|error|. One square per grid node.`;

export function reportPage(result: TrainResultFile, figures: Figure[], source: string, generated: Date): string {
  const c = result.config;
  const title = `${c.pde} · ${c.model} · ${c.derivatives} · seed ${c.seed}`;
  const options = Object.entries(c)
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${escapeHtml(k)}=${escapeHtml(formatValue(v))}`)
    .join(', ');
  const status = result.status === 'completed' ? 'completed' : `${result.status}: ${result.reason ?? ''}`;
  const groups = [...new Set(figures.map((f) => f.group))];
  const images = groups.map((group) => `<h3>${escapeHtml(group)}</h3>\n${figureRow(figures.filter((f) => f.group === group))}`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(status)} · from ${escapeHtml(source)} · generated ${generated.toISOString()} by mollifier report</p>
<h2>Fields and losses</h2>
<p class="meta">${colourScaleNote}</p>
${images || '<p>No fields: the job did not complete.</p>'}
<h2>Metrics</h2>
${result.metrics ? `<table>\n${metricRows(result.metrics)}\n</table>` : '<p>No metrics: the job did not complete.</p>'}
<h2>Options</h2>
<p class="meta">${options}</p>
</body></html>
`;
}
