// The report of one train result: the recovered parameter beside its truth and their difference, the
// Laplacian and the fields likewise, the loss curves, and the scored metrics. Returns the files to write (SVG
// charts and a self-contained index.html that shows them); writing them is the caller's.
import { finiteRange, heatmapSpec, lossSpec, profileSpec, quantile, robustRange, svgOf, type VegaLiteSpec } from './charts.js';
import { reportPage, type Figure } from './html.js';
import type { TrainResultFile } from './result-file.js';

export interface ReportFile {
  name: string;
  text: string;
}

const difference = (a: ArrayLike<number>, b: ArrayLike<number>): number[] => Array.from(a, (v, i) => v - b[i]!);

export type FigureSpec = { name: string; spec: VegaLiteSpec; caption: string; group: string };

/** The figures of one result, as specs with their file names, captions and groups (one group per quantity). */
export function resultFigures(result: Pick<TrainResultFile, 'fields' | 'history'>): FigureSpec[] {
  const figures: FigureSpec[] = [];
  const fields = result.fields;
  if (fields) {
    const p = fields.parameter_name ?? 'parameter';
    const grid = fields.grid;
    // A 1D grid's node times, computed once for every curve.
    const times = grid.dims === 1 ? Array.from({ length: grid.n }, (_, i) => grid.t0 + i * grid.dt) : [];
    const pairs: Array<{ key: string; label: string; estimate: number[]; truth: number[] | null | undefined }> = [
      { key: 'parameter', label: p, estimate: fields.parameter, truth: fields.parameter_true },
      ...(fields.laplacian ? [{ key: 'laplacian', label: '∇² field', estimate: fields.laplacian, truth: fields.laplacian_true }] : []),
      ...Object.entries(fields.field).map(([name, estimate]) => ({ key: `field-${name}`, label: name, estimate, truth: fields.field_true?.[name] })),
    ];
    for (const { key, label, estimate, truth } of pairs) {
      if (grid.dims === 2) {
        const domain = robustRange(estimate, truth);
        if (truth) figures.push({ group: label, name: `${key}-true.svg`, spec: heatmapSpec({ title: `${label}: truth`, grid, values: truth, legend: label, domain, scheme: 'viridis' }), caption: `${label}, true` });
        figures.push({ group: label, name: `${key}-recovered.svg`, spec: heatmapSpec({ title: `${label}: recovered`, grid, values: estimate, legend: label, domain, scheme: 'viridis' }), caption: truth ? `${label}, recovered (the truth's scale)` : `${label}, recovered (2-98 % range)` });
        if (truth) {
          const error = difference(estimate, truth);
          const extent = quantile(error.map(Math.abs), 0.98) || Math.max(...finiteRange(error).map(Math.abs));
          figures.push({
            group: label,
            name: `${key}-error.svg`,
            spec: heatmapSpec({ title: `${label}: recovered − true`, grid, values: error, legend: `Δ ${label}`, domain: [-extent, extent], scheme: 'blueorange' }),
            caption: `${label}, recovered − true`,
          });
        }
      } else {
        figures.push({
          group: label,
          name: `${key}.svg`,
          spec: profileSpec({ title: label, axis: 't', coordinates: times, series: truth ? { true: truth, recovered: estimate } : { recovered: estimate }, valueTitle: label }),
          caption: truth ? `${label}: true and recovered` : `${label}: recovered`,
        });
      }
    }
  }
  if (result.history && result.history.epoch.length > 0) {
    figures.push({ group: 'losses', name: 'loss.svg', spec: lossSpec(result.history, 'training loss'), caption: 'total, data and PDE losses by epoch' });
  }
  return figures;
}

/** Each figure as an SVG file and the page's entry for it. */
export async function renderFigures(figures: readonly FigureSpec[]): Promise<{ files: ReportFile[]; rendered: Figure[] }> {
  const rendered: Figure[] = [];
  const files: ReportFile[] = [];
  for (const figure of figures) {
    const svg = await svgOf(figure.spec);
    files.push({ name: figure.name, text: svg });
    rendered.push({ file: figure.name, caption: figure.caption, group: figure.group, ...svgSize(svg) });
  }
  return { files, rendered };
}

export async function resultReport(result: TrainResultFile, source: string, generated: Date): Promise<ReportFile[]> {
  const { files, rendered } = await renderFigures(resultFigures(result));
  files.push({ name: 'index.html', text: reportPage(result, rendered, source, generated) });
  return files;
}

function svgSize(svg: string): { width: number; height: number } {
  const match = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  return match ? { width: Math.round(Number(match[1])), height: Math.round(Number(match[2])) } : { width: 300, height: 300 };
}
