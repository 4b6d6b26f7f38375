// The report of one sweep from its store: every configuration's metrics with 95 % intervals and every run (the
// Table 2 view), accuracy against the noise level where the sweep varies one, time and peak memory, and per
// configuration the fields of its median run (truth, recovered, error) and the loss curves of all its seeds.
import type { StoredArtifact } from '../artifact-store.js';
import { groupStatistics, type GroupStatistics } from '../statistics.js';
import type { JobRow } from '../store.js';
import { columnName } from '../table.js';
import { resultFigures, renderFigures, type FigureSpec, type ReportFile } from './result-report.js';
import { intervalSpec, noiseSpec, seedLossSpec, type NoisePoint } from './sweep-charts.js';
import { sweepPage, type ConfigurationSection } from './sweep-page.js';
import type { TrainResultFile } from './result-file.js';

export interface SweepReportInput {
  sweep: string;
  /** The sweep's jobs (store.jobs(sweep)). */
  rows: readonly JobRow[];
  artifact(job: string): StoredArtifact | null;
  /** Jobs with a stored artifact (a cheap test before reading one). */
  artifactJobs: ReadonlySet<string>;
  /** Every job's loss history, read without the fields (the maps need one run's fields per configuration). */
  histories: ReadonlyMap<string, NonNullable<StoredArtifact['history']>>;
  /** Why a job's artifact is missing, if it is. */
  artifactProblem(job: string): string | null;
  source: string;
}

/** Metrics the comparison charts show, in this order, where any run has them. */
export const comparedMetrics = [
  { name: 'param_corr', title: 'corr(recovered, true parameter)', scale: 1 },
  { name: 'laplacian_corr', title: 'corr(recovered, true ∇² field)', scale: 1 },
  { name: 'param_mean_rel_err', title: 'relative error of the parameter mean', scale: 1 },
  { name: 'time_s', title: 'training time (s)', scale: 1 },
  { name: 'peak_bytes', title: 'peak tensor memory (MB)', scale: 1e-6 },
] as const;

const noiseOptions = [
  { name: 'obs-noise', title: 'measurement noise (relative to the field std)' },
  { name: 'noise', title: "the case's noise level" },
] as const;

/** Options that differ between the groups (the seed never does: it is within a group). */
function varyingOptions(groups: readonly GroupStatistics[]): string[] {
  const keys = [...new Set(groups.flatMap((g) => Object.keys(g.options)))];
  return keys.filter((k) => new Set(groups.map((g) => JSON.stringify(g.options[k]))).size > 1).sort();
}

/** A configuration's name: the paper's column name, then every other option that varies (`except` left out). */
function labelOf(options: Record<string, unknown>, varying: readonly string[], except: readonly string[] = []): string {
  const columns = ['model', 'derivatives'];
  const parts = varying.some((k) => columns.includes(k)) ? [columnName(options)] : [];
  // An option a configuration does not set (its default applies) is left out of its name, not printed as undefined.
  for (const key of varying) if (!columns.includes(key) && !except.includes(key) && options[key] !== undefined) parts.push(`${key}=${JSON.stringify(options[key])}`);
  return parts.join(', ') || String(options.pde ?? options.kind ?? 'all runs');
}

const numberOf = (row: JobRow, name: string): number | null => {
  const value = row.metrics?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

/** The run a configuration's maps show: the completed run with an artifact whose corr is the median (ties: the lower). */
function medianRun(rows: readonly JobRow[], withArtifact: (job: string) => boolean): JobRow | undefined {
  const candidates = rows.filter((r) => r.status === 'done' && withArtifact(r.id));
  const scored = candidates.filter((r) => numberOf(r, 'param_corr') !== null).sort((a, b) => numberOf(a, 'param_corr')! - numberOf(b, 'param_corr')!);
  return scored.length ? scored[Math.floor((scored.length - 1) / 2)] : candidates[0];
}

/** An artifact in the shape of a train result's fields, so the single-run figures draw it. */
export function artifactAsResult(artifact: StoredArtifact): Pick<TrainResultFile, 'fields' | 'history'> {
  const plain = (values: Float32Array | undefined) => (values ? Array.from(values) : null);
  const prefixed = (prefix: string) => Object.fromEntries(Object.entries(artifact.arrays).filter(([name]) => name.startsWith(prefix)).map(([name, v]) => [name.slice(prefix.length), Array.from(v)]));
  return {
    fields: {
      grid: artifact.grid,
      parameter_name: artifact.parameter_name,
      parameter: plain(artifact.arrays.parameter) ?? [],
      parameter_true: plain(artifact.arrays.parameter_true),
      laplacian: plain(artifact.arrays.laplacian),
      laplacian_true: plain(artifact.arrays.laplacian_true),
      field: prefixed('field.'),
      field_true: prefixed('field_true.'),
    },
    history: null,
  };
}

export async function sweepReport(input: SweepReportInput, generated: Date): Promise<ReportFile[]> {
  const groups = groupStatistics(input.rows);
  const varying = varyingOptions(groups);
  const labels = new Map(groups.map((g) => [g.group, labelOf(g.options, varying)]));
  const rowsOf = new Map<string, JobRow[]>();
  for (const row of input.rows) rowsOf.set(row.group, [...(rowsOf.get(row.group) ?? []), row]);
  const comparison: FigureSpec[] = [];
  for (const metric of comparedMetrics) {
    if (!groups.some((g) => g.metrics[metric.name]?.n)) continue;
    const rows = groups.map((g) => {
      const s = g.metrics[metric.name];
      const scale = (v: number) => v * metric.scale;
      const runs = (rowsOf.get(g.group) ?? []).filter((r) => r.status === 'done').map((r) => numberOf(r, metric.name)).filter((v): v is number => v !== null).map(scale);
      return { configuration: labels.get(g.group)!, mean: s?.mean == null ? null : scale(s.mean), interval: s?.ci95 ? ([scale(s.ci95[0]), scale(s.ci95[1])] as [number, number]) : null, runs };
    });
    const group = metric.name === 'time_s' || metric.name === 'peak_bytes' ? 'cost' : 'accuracy';
    comparison.push({ group, name: `compare-${metric.name}.svg`, spec: intervalSpec(metric.title, metric.title, rows), caption: `${metric.title}: mean (dot), 95 % interval (bar), each completed run (tick)` });
  }
  for (const noise of noiseOptions) {
    if (!varying.includes(noise.name) || !groups.some((g) => g.metrics.param_corr?.n)) continue;
    const points: NoisePoint[] = groups
      .filter((g) => typeof g.options[noise.name] === 'number' && g.metrics.param_corr?.mean != null)
      .map((g) => ({ configuration: labelOf(g.options, varying, [noise.name]), noise: g.options[noise.name] as number, mean: g.metrics.param_corr!.mean!, interval: g.metrics.param_corr!.ci95 }));
    comparison.push({ group: 'noise', name: `noise-${noise.name}.svg`, spec: noiseSpec(`accuracy against ${noise.name}`, noise.title, 'corr(recovered, true parameter)', points), caption: `corr against ${noise.name}: mean and 95 % interval per configuration` });
  }
  const { files, rendered } = await renderFigures(comparison);
  const sections: ConfigurationSection[] = [];
  for (const [index, g] of groups.entries()) {
    const members = rowsOf.get(g.group) ?? [];
    const representative = medianRun(members, (job) => input.artifactJobs.has(job));
    const figures: FigureSpec[] = [];
    const prefix = `c${String(index + 1).padStart(3, '0')}-`;
    if (representative) {
      const artifact = input.artifact(representative.id)!;
      for (const f of resultFigures(artifactAsResult(artifact))) figures.push({ ...f, name: prefix + f.name, group: 'fields' });
    }
    const curves = members
      .filter((r) => r.status === 'done' || r.status === 'diverged')
      .map((r) => ({ row: r, history: input.histories.get(r.id) ?? null }))
      .filter((c) => c.history && c.history.epoch.length > 0)
      .map((c) => ({ seed: String((c.row.options as { seed?: number }).seed ?? c.row.id), epoch: c.history!.epoch, loss: c.history!.loss }));
    if (curves.length) figures.push({ group: 'losses', name: `${prefix}loss.svg`, spec: seedLossSpec(`total loss, ${curves.length} seed${curves.length === 1 ? '' : 's'}`, curves), caption: 'each seed (grey), the median over seeds (blue) and their range (band)' });
    const out = await renderFigures(figures);
    files.push(...out.files);
    const missing = members.filter((r) => r.status === 'done' && !input.artifactJobs.has(r.id)).map((r) => ({ job: r.id, why: input.artifactProblem(r.id) ?? 'none was sent (a job of an older version, or too large)' }));
    sections.push({ label: labels.get(g.group)!, statistics: g, rows: members, representative: representative?.id ?? null, figures: out.rendered, missingArtifacts: missing });
  }
  files.push({ name: 'index.html', text: sweepPage({ sweep: input.sweep, source: input.source, generated, groups, labels, comparison: rendered, sections }) });
  return files;
}
