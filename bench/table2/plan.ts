// Which training jobs `mollifier bench table2` runs: the paper's Table 2 (SCIENCE.md §6) — three base models
// × two derivative methods on the three problems, five runs each — sized for a 2-core CPU machine.
//
// A group (one cell column of one problem) is the runs of one configuration. Run i uses seed i and the
// parameter level levels[i mod L], so a group of five runs spans three true parameter means, which "mean
// corr" needs (docs/metrics.md: a group must span ≥ 3 distinct true means). Level 1 is the paper's case
// itself (Langevin `varying`, heat `smooth`, rd `smooth` with k0 = 1); the others scale it:
//   langevin: F(t) = μ0 + 0.5 sin(2πt/2.5), μ0 ∈ {1, 0.5, 1.5} (a --param-field file for μ0 ≠ 1)
//   heat:     D = s · (1 + 0.5 sin 2πx sin 2πy), s ∈ {1, 0.5, 1.5}  (a --param-field file for s ≠ 1)
//   rd:       k = k0 · (1 + 0.5 sin sin), case `smooth`, k0 ∈ {1, 0.5, 1.5} (the job's own `k` option)
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { JobConfig } from '../../mollifier/training/job.js';
import type { ModelName } from '../../mollifier/models/types.js';
import type { DerivativeMethod } from '../../mollifier/training/train.js';
import { gridCoordinates, type ProblemName } from '../../mollifier/pdes/types.js';
import { simulateProblem } from '../../mollifier/pdes/simulate.js';
import { formatNumber } from '../../mollifier/io/numbers.js';
import { canonicalJson } from '../../orchestrator/canonical.js';

export { canonicalJson };

/** Bump it when a job's meaning changes without its JobConfig changing: every id changes with it. */
export const planVersion = 2;

export const table2Columns = [
  { name: 'PINN', model: 'pinn', derivatives: 'autodiff' },
  { name: 'PINN+M', model: 'pinn', derivatives: 'mollifier' },
  { name: 'PirateNet', model: 'piratenet', derivatives: 'autodiff' },
  { name: 'PirateNet+M', model: 'piratenet', derivatives: 'mollifier' },
  { name: 'PINNsFormer', model: 'pinnsformer', derivatives: 'autodiff' },
  { name: 'PINNsFormer+M', model: 'pinnsformer', derivatives: 'mollifier' },
] as const satisfies ReadonlyArray<{ name: string; model: ModelName; derivatives: DerivativeMethod }>;
export type ColumnName = (typeof table2Columns)[number]['name'];
export const columnNames: readonly ColumnName[] = table2Columns.map((c) => c.name);

export function columnOf(model: string, derivatives: string): ColumnName | undefined {
  return table2Columns.find((c) => c.model === model && c.derivatives === derivatives)?.name;
}

export interface ProblemSpec {
  problem: ProblemName;
  title: string;
  /** The paper's case this stands for. */
  paperCase: string;
  /** 1: parameter over time (temporal corr), 2: over space (spatial corr). */
  dims: 1 | 2;
  /** How a level changes the case, for the report. */
  levelName: string;
  levelMeaning: string;
  /** Level values; run i takes levels[i mod levels.length]. The first is the paper's case. */
  levels: readonly number[];
  grid: number;
  epochs: number;
  radius: number;
  /** Training settings of every job of the problem (JobConfig fields) [choice, see the report]. */
  settings?: Partial<Pick<JobConfig, 'lr' | 'pdeWarmup' | 'interfaceLength'>>;
  /**
   * Autodiff columns: steps and collocation batch when they differ from the mollified ones. rd's 4th-order
   * autodiff step on 64 nodes takes ~3 s and 1.7 GB here, so its columns run a few steps for time and memory
   * per step; their accuracy is not comparable and the report says so.
   */
  autodiff?: { epochs: number; collocationBatch: number };
}

/**
 * Full plan sizes [choice]: ~80 min on a 2-core machine, 2 jobs at a time (see the report). Every job observes
 * all nodes (sample 1, the paper's Ω_u = Ω "initial testing" setting of Table 2; `--sample 0.1` runs its 10 % check).
 */
export const fullProblems: readonly ProblemSpec[] = [
  {
    problem: 'langevin',
    title: 'Langevin',
    paperCase: 'time-varying forcing (case `varying`)',
    dims: 1,
    levelName: 'mu0',
    levelMeaning: 'F(t) = μ0 + 0.5 sin(2πt/2.5); μ0 = 1 is case `varying`, the others a --param-field file',
    levels: [1, 0.5, 1.5],
    grid: 501,
    epochs: 300,
    radius: 4,
  },
  {
    problem: 'heat',
    title: 'Heat',
    paperCase: 'smooth diffusivity (case `smooth`)',
    dims: 2,
    levelName: 's',
    levelMeaning: 'D = s·(1 + 0.5 sin 2πx sin 2πy); s = 1 is case `smooth`, the others a --param-field file',
    levels: [1, 0.5, 1.5],
    grid: 32,
    epochs: 300,
    radius: 4,
  },
  {
    problem: 'rd',
    title: 'Reaction-diffusion',
    paperCase: 'methylation rate k (case `smooth`, so spatial corr is defined), interface length l = 0.15',
    dims: 2,
    levelName: 'k0',
    levelMeaning: 'k = k0·(1 + 0.5 sin(2πx/L) sin(2πy/L)), case `smooth` with --k k0, l = 0.15 (see below)',
    levels: [1, 0.5, 1.5],
    grid: 64,
    epochs: 400,
    radius: 4,
    settings: { lr: 2e-3, pdeWarmup: 0.3, interfaceLength: 0.15 },
    autodiff: { epochs: 10, collocationBatch: 64 },
  },
];

/** --quick: tiny grids and a few epochs, ~1 minute for all 18 jobs. */
export const quickProblems: readonly ProblemSpec[] = fullProblems.map((spec) => ({
  ...spec,
  grid: spec.problem === 'langevin' ? 64 : spec.problem === 'heat' ? 12 : 16,
  epochs: spec.problem === 'rd' ? 3 : 5,
  radius: 2,
  ...(spec.autodiff ? { autodiff: { epochs: 2, collocationBatch: 16 } } : {}),
}));

/** Shared by every job of the plan [choice]: the train CLI's defaults. */
export const commonSettings = { family: 'bump', sample: 1, obsNoise: 0, lr: 1e-3, preset: 'cpu', estimate: 'separable' } as const;

/**
 * Seconds per epoch measured on the full-plan sizes (wasm backend, one job alone on a 2-core Xeon, a few epochs
 * after warm-up), and the fixed cost of a job (process start, data, estimates; rd: the simulation to steady
 * state at l = 0.15, 2-76 s by seed). rd autodiff: per step of 64 collocation nodes. Used for the ETA and the
 * per-job timeout only.
 */
export const measuredSecondsPerEpoch: Record<ProblemName, { nodes: number; overhead: number } & Record<ColumnName, number>> = {
  langevin: { nodes: 501, overhead: 2, PINN: 0.134, 'PINN+M': 0.041, PirateNet: 0.217, 'PirateNet+M': 0.07, PINNsFormer: 0.22, 'PINNsFormer+M': 0.074 },
  heat: { nodes: 32 * 32, overhead: 2.5, PINN: 0.547, 'PINN+M': 0.083, PirateNet: 0.877, 'PirateNet+M': 0.136, PINNsFormer: 0.806, 'PINNsFormer+M': 0.135 },
  rd: { nodes: 64 * 64, overhead: 28, PINN: 3.3, 'PINN+M': 0.311, PirateNet: 6.5, 'PirateNet+M': 0.66, PINNsFormer: 5.3, 'PINNsFormer+M': 0.59 },
};

export interface LevelField {
  /** File name inside the fields folder. */
  name: string;
  /** The CSV text (t,F or x,y,D); the job id hashes this, not the path. */
  text: string;
  sha256: string;
}

export interface PlannedJob {
  /** Stable: a hash of the canonical JobConfig (a --param-field file by its content, not its path). */
  id: string;
  /** problem/model/derivatives/seedN/level — what --only matches. */
  label: string;
  problem: ProblemName;
  column: ColumnName;
  seed: number;
  level: { name: string; value: number };
  /** Nodes (langevin) or nodes per axis. */
  grid: number;
  config: JobConfig;
  field?: LevelField;
  /** Expected wall time of the job, s (ETA and default timeout). */
  estimateSeconds: number;
}

export interface Table2Plan {
  quick: boolean;
  seeds: number;
  problems: readonly ProblemSpec[];
  jobs: PlannedJob[];
  fieldsDir: string;
}

export interface PlanOptions {
  quick?: boolean;
  /** Runs per configuration (default 5 full, 1 quick). */
  seeds?: number;
  /** Comma-separated substrings of a job's label or id; a job runs when any matches. */
  only?: string;
  /** Fraction of nodes observed (default 1, commonSettings). */
  sample?: number;
  /** Where the --param-field files are written before a run (default bench/out/table2-fields). */
  fieldsDir?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The job id: 16 hex digits of sha256 over the plan version and the canonical config. */
export function jobId(config: JobConfig, fieldSha256?: string): string {
  const keyed = { ...config, paramField: config.paramField === undefined ? undefined : `sha256:${fieldSha256 ?? config.paramField}` };
  return sha256(canonicalJson({ table2: planVersion, config: keyed })).slice(0, 16);
}

const levelText = (name: string, value: number) => `${name}=${formatNumber(value)}`;

/** The parameter of a scaled level on the case's own grid, as a --param-field CSV. */
function levelField(spec: ProblemSpec, value: number): LevelField {
  const parameter = spec.problem === 'langevin' ? 'F' : 'D';
  const instance = simulateProblem(spec.problem, { case: spec.problem === 'langevin' ? 'varying' : 'smooth', grid: spec.grid, seed: 0 });
  const base = instance.fields[parameter]!;
  // Langevin: shift the mean μ0 (the case has μ0 = 1); heat: scale the whole diffusivity.
  const values = spec.problem === 'langevin' ? base.map((f) => f - 1 + value) : base.map((d) => d * value);
  const coordinates = gridCoordinates(instance.grid);
  const header = spec.problem === 'langevin' ? ['t', parameter] : ['x', 'y', parameter];
  const lines = [header.join(',')];
  for (let i = 0; i < values.length; i++) lines.push([...coordinates.map((c) => formatNumber(c[i]!)), formatNumber(values[i]!)].join(','));
  const text = `${lines.join('\n')}\n`;
  return { name: `${spec.problem}-n${spec.grid}-${levelText(spec.levelName, value)}.csv`, text, sha256: sha256(text) };
}

function levelConfig(spec: ProblemSpec, value: number, fieldsDir: string): { config: Partial<JobConfig>; field?: LevelField } {
  if (spec.problem === 'rd') return { config: { case: 'smooth', grid: spec.grid, k: value } };
  if (value === 1) return { config: { case: spec.problem === 'langevin' ? 'varying' : 'smooth', grid: spec.grid } };
  const field = levelField(spec, value);
  return { config: { paramField: join(fieldsDir, field.name) }, field };
}

function estimate(spec: ProblemSpec, column: ColumnName, quick: boolean): number {
  const measured = measuredSecondsPerEpoch[spec.problem];
  const nodes = spec.problem === 'langevin' ? spec.grid : spec.grid * spec.grid;
  const autodiff = !column.endsWith('+M') && spec.autodiff;
  // An autodiff step on a fixed collocation batch costs the same whatever the grid.
  const scale = autodiff ? (quick ? spec.autodiff!.collocationBatch / 64 : 1) : quick ? Math.min(1, nodes / measured.nodes) : nodes / measured.nodes;
  const epochs = autodiff ? spec.autodiff!.epochs : spec.epochs;
  return (quick ? Math.min(measured.overhead, 3) : measured.overhead) + measured[column] * scale * epochs;
}

function matches(job: Pick<PlannedJob, 'id' | 'label'>, only: string | undefined): boolean {
  if (!only) return true;
  const terms = only.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const label = job.label.toLowerCase();
  return terms.length === 0 || terms.some((t) => label.includes(t) || job.id.startsWith(t));
}

export function table2Plan(options: PlanOptions = {}): Table2Plan {
  const quick = Boolean(options.quick);
  const seeds = options.seeds ?? (quick ? 1 : 5);
  if (!Number.isInteger(seeds) || seeds < 1) throw new RangeError(`--seeds ${seeds} must be an integer ≥ 1`);
  const fieldsDir = options.fieldsDir ?? join('bench', 'out', 'table2-fields');
  const problems = quick ? quickProblems : fullProblems;
  const jobs: PlannedJob[] = [];
  const fields = new Map<string, ReturnType<typeof levelConfig>>();
  // Seed-major order: a run that stops early still fills every cell, with fewer runs.
  for (let seed = 0; seed < seeds; seed++) {
    for (const spec of problems) {
      for (const column of table2Columns) {
        const value = spec.levels[seed % spec.levels.length]!;
        const key = `${spec.problem}:${value}`;
        if (!fields.has(key)) fields.set(key, levelConfig(spec, value, fieldsDir));
        const level = fields.get(key)!;
        const config: JobConfig = {
          pde: spec.problem,
          model: column.model,
          derivatives: column.derivatives,
          family: commonSettings.family,
          radius: spec.radius,
          obsNoise: commonSettings.obsNoise,
          sample: options.sample ?? commonSettings.sample,
          epochs: spec.epochs,
          lr: commonSettings.lr,
          seed,
          preset: commonSettings.preset,
          estimate: commonSettings.estimate,
          ...spec.settings,
          ...(column.derivatives === 'autodiff' && spec.autodiff ? spec.autodiff : {}),
          ...level.config,
        };
        const label = `${spec.problem}/${column.model}/${column.derivatives}/seed${seed}/${levelText(spec.levelName, value)}`;
        const job: PlannedJob = {
          id: jobId(config, level.field?.sha256),
          label,
          problem: spec.problem,
          column: column.name,
          seed,
          level: { name: spec.levelName, value },
          grid: spec.grid,
          config,
          ...(level.field ? { field: level.field } : {}),
          estimateSeconds: estimate(spec, column.name, quick),
        };
        if (matches(job, options.only)) jobs.push(job);
      }
    }
  }
  return { quick, seeds, problems, jobs, fieldsDir };
}

/** The plan's expected wall time at `parallel` jobs at a time (a greedy schedule, longest first). */
export function planDuration(jobs: readonly Pick<PlannedJob, 'estimateSeconds'>[], parallel: number): number {
  const slots = new Array<number>(Math.max(1, parallel)).fill(0);
  for (const seconds of jobs.map((j) => j.estimateSeconds).sort((a, b) => b - a)) {
    const i = slots.indexOf(Math.min(...slots));
    slots[i] += seconds;
  }
  return Math.max(...slots);
}
