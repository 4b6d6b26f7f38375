// `mollifier storm`, its second half: the seeds' k maps from the store → mean and spread per node, scores against a
// truth where one is given, and the files (CSV, PNG, result.json), written whole or not at all.
import * as vega from 'vega';
import { join } from 'node:path';
import { fieldPng } from '../../orchestrator/report/raster.js';
import { robustRange } from '../../orchestrator/report/charts.js';
import { escapeHtml, formatValue, style } from '../../orchestrator/report/html.js';
import type { ResultStore } from '../../orchestrator/store.js';
import { formatNumber } from '../../mollifier/io/index.js';
import { smoothField } from '../../mollifier/metrics/smoothing.js';
import { fieldMean, pearson } from '../../mollifier/metrics/statistics.js';
import { nodeCoordinate, stormParameter, type SquareDomain } from '../../mollifier/storm/index.js';
import { writeFilesAtomically } from '../output.js';

export interface SeedMaps {
  seeds: number[];
  maps: Float64Array[];
  jobs: Array<{ id: string; seed: number; status: string; metrics: Record<string, number> | null; duration_s: number | null }>;
}

/** Each finished job's parameter map on the analysis grid (a cropped artifact grid is placed by its origin; NaN outside). */
export function seedMaps(store: ResultStore, sweep: string, domain: SquareDomain): SeedMaps {
  const out: SeedMaps = { seeds: [], maps: [], jobs: [] };
  for (const job of store.jobs(sweep)) {
    const seed = Number((job.options as { seed?: number }).seed ?? 0);
    out.jobs.push({ id: job.id, seed, status: job.status, metrics: (job.metrics as Record<string, number> | null) ?? null, duration_s: job.duration_s ?? null });
    if (job.status !== 'done') continue;
    const artifact = store.artifacts.read(sweep, job.id);
    const values = artifact?.arrays.parameter;
    if (!artifact || !values || artifact.grid.dims !== 2) continue;
    const g = artifact.grid;
    const map = new Float64Array(domain.n * domain.n).fill(NaN);
    const dj = Math.round((g.x0 - nodeCoordinate(domain, 0)) / g.hx);
    const di = Math.round((g.y0 - nodeCoordinate(domain, 0)) / g.hy);
    for (let i = 0; i < g.ny; i++) for (let j = 0; j < g.nx; j++) map[(i + di) * domain.n + j + dj] = values[i * g.nx + j]!;
    out.seeds.push(seed);
    out.maps.push(map);
  }
  return out;
}

/** Mean and sample standard deviation across the maps, node by node (NaN where a node has fewer than 1 or 2 values). */
export function acrossSeeds(maps: readonly Float64Array[]): { mean: Float64Array; sd: Float64Array } {
  const size = maps[0]?.length ?? 0;
  const mean = new Float64Array(size);
  const sd = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const values = maps.map((m) => m[k]!).filter(Number.isFinite);
    const m = values.reduce((a, v) => a + v, 0) / values.length;
    mean[k] = values.length ? m : NaN;
    sd[k] = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1)) : NaN;
  }
  return { mean, sd };
}

const finitePairs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!) && Number.isFinite(b[i]!)) (x.push(a[i]!), y.push(b[i]!));
  return [x, y] as const;
};

/** Scores of the mean map against the truth: plain and against the truth smoothed by the network's own kernel. */
export function truthScores(mean: Float64Array, truth: Float64Array, grid: Parameters<typeof smoothField>[1], kernel: { radius: number; boundary: 'periodic' | 'reflect' }) {
  const smoothed = smoothField(truth, grid, { radius: kernel.radius, boundary: kernel.boundary }).values;
  const [a, b] = finitePairs(mean, truth);
  const [c, d] = finitePairs(mean, smoothed);
  const meanK = fieldMean(a);
  const truthMean = fieldMean(b);
  return { smoothed, scores: { corr: pearson(a, b), corr_smoothed: pearson(c, d), smoothing: `the value kernel (bump) of radius ${kernel.radius} cells, ${kernel.boundary}`, mean: meanK, truth_mean: truthMean, mean_rel_err: Math.abs(meanK - truthMean) / Math.abs(truthMean) } };
}

function csvOf(domain: SquareDomain, name: string, values: Float64Array): string {
  const lines = [`x,y,${name}`];
  for (let i = 0; i < domain.n; i++) for (let j = 0; j < domain.n; j++) lines.push(`${formatNumber(nodeCoordinate(domain, j))},${formatNumber(nodeCoordinate(domain, i))},${Number.isFinite(values[i * domain.n + j]!) ? formatNumber(values[i * domain.n + j]!) : ''}`);
  return `${lines.join('\n')}\n`;
}

/** A map as a PNG, each node a square of pixels so the picture is at least 512 wide; the colour range is returned. */
function imageOf(values: Float64Array, n: number, range: [number, number], scheme: 'viridis' | 'blueorange'): Buffer {
  const scale = Math.max(1, Math.ceil(512 / n));
  const big = new Float64Array(n * scale * n * scale);
  for (let i = 0; i < n * scale; i++) for (let j = 0; j < n * scale; j++) big[i * n * scale + j] = values[Math.floor(i / scale) * n + Math.floor(j / scale)]!;
  return fieldPng(big, n * scale, n * scale, range, vega.scheme(scheme) as (t: number) => string);
}

const captions: Record<string, string> = {
  k: 'k, mean over the seeds', k_sd: 'k, standard deviation across the seeds', k_truth_smoothed: 'true k, smoothed by the kernel', k_error: 'k − smoothed truth',
  density: 'density (localisations per unit area)', phi_h: 'φ_h (heterochromatin)', phi_e: 'φ_e (euchromatin)', phi_n: 'φ_n (nucleoplasm)', phi_d: 'φ_d = φ_h − φ_e',
};

/** The colour bar of a scheme as a CSS gradient, with its two ends. */
function colourBar(scheme: 'viridis' | 'blueorange', range: [number, number]): string {
  const interpolate = vega.scheme(scheme) as (t: number) => string;
  const stops = Array.from({ length: 11 }, (_, i) => interpolate(i / 10)).join(',');
  return `<div class="bar"><span>${escapeHtml(formatValue(range[0]))}</span><i style="background:linear-gradient(to right,${stops})"></i><span>${escapeHtml(formatValue(range[1]))}</span></div>`;
}

/** index.html: every picture with its caption and colour bar, and the summary numbers (opens from disk). */
function indexPage(images: Array<{ name: string; range: [number, number]; scheme: 'viridis' | 'blueorange' }>, result: Record<string, unknown>): string {
  const k = result.k as Record<string, unknown>;
  const truth = (k.truth ?? {}) as Record<string, unknown>;
  const rows = Object.entries({ ...k, ...truth }).filter(([, v]) => typeof v === 'number').map(([name, v]) => `<tr><th>${escapeHtml(name)}</th><td class="n">${escapeHtml(formatValue(v))}</td></tr>`).join('\n');
  const figures = images.map((i) => `<figure><img src="${i.name}.png" width="320" height="320" alt="${escapeHtml(captions[i.name] ?? i.name)}"><figcaption>${escapeHtml(captions[i.name] ?? i.name)}</figcaption>${colourBar(i.scheme, i.range)}</figure>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>mollifier storm</title><style>${style}
.bar{display:flex;align-items:center;gap:.4rem;font-size:.8rem}.bar i{display:inline-block;width:200px;height:10px}</style></head><body>
<h1>k(x, y) from ${escapeHtml(String((result.input as Record<string, unknown>)?.localisations ?? (result.input as Record<string, unknown>)?.phi_n ?? ''))}</h1>
<table>${rows}</table>
<p class="meta">y grows upwards; one square per grid node. Every choice is in result.json.</p>
<div class="figures">${figures}</div></body></html>
`;
}

export interface StormOutput {
  dir: string;
  domain: SquareDomain;
  mean: Float64Array;
  sd: Float64Array;
  maps: Record<string, Float64Array>;
  truth?: { values: Float64Array; smoothed: Float64Array };
  result: Record<string, unknown>;
}

export function writeStormOutput(output: StormOutput): string[] {
  const { dir, domain, mean, sd } = output;
  const files: Array<{ path: string; text: string | Uint8Array }> = [];
  const colours: Record<string, [number, number]> = {};
  const images: Array<{ name: string; range: [number, number]; scheme: 'viridis' | 'blueorange' }> = [];
  const image = (name: string, values: Float64Array, range: [number, number], scheme: 'viridis' | 'blueorange' = 'viridis') => {
    colours[name] = range;
    images.push({ name, range, scheme });
    files.push({ path: join(dir, `${name}.png`), text: imageOf(values, domain.n, range, scheme) });
  };
  files.push({ path: join(dir, `${stormParameter}.csv`), text: csvOf(domain, stormParameter, mean) });
  files.push({ path: join(dir, `${stormParameter}_sd.csv`), text: csvOf(domain, `${stormParameter}_sd`, sd) });
  const kRange = robustRange(mean, output.truth?.smoothed);
  image(stormParameter, mean, kRange);
  image(`${stormParameter}_sd`, sd, robustRange(sd));
  for (const [name, values] of Object.entries(output.maps)) image(name, values, robustRange(values));
  if (output.truth) {
    image(`${stormParameter}_truth_smoothed`, output.truth.smoothed, kRange);
    const error = Float64Array.from(mean, (v, i) => v - output.truth!.smoothed[i]!);
    const [lo, hi] = robustRange(error);
    const span = Math.max(Math.abs(lo), Math.abs(hi));
    image(`${stormParameter}_error`, error, [-span, span], 'blueorange');
  }
  files.push({ path: join(dir, 'index.html'), text: indexPage(images, output.result) });
  files.push({ path: join(dir, 'result.json'), text: `${JSON.stringify({ ...output.result, images: { colour_ranges: colours, note: 'each node a square; y grows upwards; viridis (error: blue-orange, centred on 0)' } }, null, 2)}\n` });
  writeFilesAtomically(files);
  return files.map((f) => f.path);
}
