// One training job: a base model with a mollified or autodiff PDE loss, Adam with cosine decay, progress
// through a callback, divergence detection, and the direct and separable estimates at the end.
import { tf, type Tensor } from '../backend/tf.js';
import { peakTensorBytes } from '../backend/peak-memory.js';
import { assertAxisFits, type BoundaryMode } from '../layer/index.js';
import type { FieldModel } from '../models/types.js';
import type { KernelFamily } from '../kernels/index.js';
import { chromatinDefaults, type ChromatinConstants } from '../pdes/residuals.js';
import type { TrainingData } from './data.js';
import { learningRate, scheduleDefaults } from './schedule.js';
import { autodiffStrategy, mollifiedStrategy, type Estimates } from './strategies.js';

export const derivativeMethods = ['mollifier', 'autodiff'] as const;
export type DerivativeMethod = (typeof derivativeMethods)[number];

export interface TrainOptions {
  derivatives: DerivativeMethod;
  epochs: number;
  /** lr0 (default 1e-3); decays to lrMin after the constant fraction. */
  lr?: number;
  lrMin?: number;
  constantFraction?: number;
  /** Weight of MSE_f against MSE_u (default 1). */
  pdeWeight?: number;
  /**
   * PDE warm-up [choice: 0]: over this fraction of the epochs the PDE weight ramps linearly from 0 to pdeWeight,
   * so the field first fits the data and the residual then shapes a field that already means something.
   */
  pdeWarmup?: number;
  family?: KernelFamily;
  radius?: number;
  boundary?: BoundaryMode;
  /** The residual's constants (default: the problem's, constantsOf). */
  constants?: Readonly<Record<string, number>>;
  /** Mollified, `valid` boundary: fit observed rim nodes with the raw network output [choice: true]. */
  rimData?: boolean;
  /** Autodiff collocation nodes per step (default: the problem's own; a 4th-order residual's graph needs fewer). */
  collocationBatch?: number;
  seed?: number;
  /** Called every `progressEvery` epochs and at the end. */
  onProgress?: (progress: TrainProgress) => void;
  progressEvery?: number;
  /** A loss above this many times the first one, or a non-finite one, ends the job as diverged (default 1e6). */
  divergenceFactor?: number;
  /** Keep the losses of every this many epochs, and of the first and the last [choice: ⌈epochs / 200⌉]. */
  historyEvery?: number;
}

/** The losses of the kept epochs (1-based), as training read them. */
export interface LossHistory {
  epoch: number[];
  loss: number[];
  data: number[];
  pde: number[];
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  loss: number;
  lossData: number;
  lossPde: number;
  lr: number;
  /** Epochs per second so far. */
  rate: number;
}

export interface TrainOutcome {
  status: 'completed' | 'diverged';
  reason?: string;
  epochs: number;
  lossData: number;
  lossPde: number;
  timeSeconds: number;
  /** Peak of all live tensor bytes during one training step (backend/peak-memory.ts). */
  peakBytes: number;
  estimates: Estimates | undefined;
  history: LossHistory;
}

/** How often the loss history keeps an epoch by default: at most about 200 points a run. */
export function defaultHistoryEvery(epochs: number): number {
  return Math.max(1, Math.ceil(epochs / 200));
}

export async function train(data: TrainingData, model: FieldModel, options: TrainOptions): Promise<TrainOutcome> {
  const epochs = options.epochs;
  const boundary: BoundaryMode = options.boundary ?? (data.grid.dims === 2 && data.grid.periodic ? 'periodic' : 'valid');
  const radius = options.radius ?? 4;
  // Fail before any tensor exists: a kernel wider than the grid would otherwise throw mid-step.
  const axes = data.grid.dims === 1 ? [['length', data.grid.n]] : [['rows (y)', data.grid.ny], ['columns (x)', data.grid.nx]];
  for (const [name, size] of axes as Array<[string, number]>) assertAxisFits(size, radius, boundary, name);
  const strategyOptions = {
    family: options.family ?? 'bump',
    radius,
    boundary,
    constants: options.constants ?? data.problem.constantsOf?.(undefined, data.instance) ?? {},
    seed: options.seed ?? 0,
    collocationBatch: options.collocationBatch ?? data.problem.defaults.collocationBatch,
    rimData: options.rimData ?? true,
  };
  const strategy = options.derivatives === 'mollifier' ? mollifiedStrategy(data, model, strategyOptions) : autodiffStrategy(data, model, strategyOptions);
  const schedule = {
    initial: options.lr ?? scheduleDefaults.initial,
    minimum: options.lrMin ?? scheduleDefaults.minimum,
    constantFraction: options.constantFraction ?? scheduleDefaults.constantFraction,
    total: epochs,
  };
  const optimizer = tf.train.adam(schedule.initial, 0.9, 0.999, 1e-8);
  const pdeWeight = options.pdeWeight ?? 1;
  const warmupEpochs = Math.floor((options.pdeWarmup ?? 0) * epochs);
  const pdeWeightAt = (epoch: number) => (epoch < warmupEpochs ? (pdeWeight * epoch) / warmupEpochs : pdeWeight);
  const every = Math.max(1, options.progressEvery ?? Math.ceil(epochs / 50));
  const divergence = options.divergenceFactor ?? 1e6;
  const historyEvery = Math.max(1, Math.floor(options.historyEvery ?? defaultHistoryEvery(epochs)));
  const history: LossHistory = { epoch: [], loss: [], data: [], pde: [] };
  let lossData = NaN;
  let lossPde = NaN;
  let firstLoss = NaN;
  let status: TrainOutcome['status'] = 'completed';
  let reason: string | undefined;
  const started = performance.now();
  // Losses stay on the device as [total, data, pde] rows and are read in one asynchronous batch every
  // `every` epochs: a read per step would stall a GPU's queue each step, and a synchronous read is not
  // possible at all on webgpu. Divergence is found at the next batch, at the epoch where it happened.
  let pending: Tensor[] = [];
  let epoch = 0;
  /** Reads the pending rows; returns false (with status and reason set) when training must stop. */
  const drain = async (): Promise<boolean> => {
    if (pending.length === 0) return true;
    const rows = pending;
    pending = [];
    const stacked = tf.stack(rows);
    tf.dispose(rows);
    const values = await stacked.data();
    stacked.dispose();
    const firstEpoch = epoch + 1 - rows.length;
    for (let r = 0; r < rows.length; r++) {
      const [loss, d, p] = [values[3 * r]!, values[3 * r + 1]!, values[3 * r + 2]!];
      const at = firstEpoch + r;
      [lossData, lossPde] = [d, p];
      if (at === 0) firstLoss = loss;
      const nonFinite = !Number.isFinite(loss);
      const blownUp = loss > divergence * Math.max(firstLoss, 1e-12);
      // The diverging epoch is kept too: the curve shows where it went.
      if (at === 0 || (at + 1) % historyEvery === 0 || at + 1 === epochs || nonFinite || blownUp) {
        history.epoch.push(at + 1);
        history.loss.push(loss);
        history.data.push(d);
        history.pde.push(p);
      }
      if (nonFinite) {
        [status, reason, epoch] = ['diverged', `loss became ${loss} at epoch ${at + 1} (data ${d}, pde ${p})`, at];
        return false;
      }
      if (blownUp) {
        [status, reason, epoch] = ['diverged', `loss ${loss.toExponential(3)} at epoch ${at + 1} exceeds ${divergence} × the first loss ${firstLoss.toExponential(3)}`, at];
        return false;
      }
      if (options.onProgress && ((at + 1) % every === 0 || at + 1 === epochs)) {
        const seconds = (performance.now() - started) / 1000;
        options.onProgress({ epoch: at + 1, epochs, loss, lossData: d, lossPde: p, lr: learningRate(at, schedule), rate: (epoch + 1) / Math.max(seconds, 1e-9) });
      }
    }
    return true;
  };
  try {
    for (; epoch < epochs; epoch++) {
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate(epoch, schedule);
      const weight = pdeWeightAt(epoch);
      let parts: Tensor | undefined;
      const total = optimizer.minimize(
        () => {
          const { data: d, pde } = strategy.losses();
          parts = tf.keep(tf.stack([d, pde]));
          return tf.add(d, tf.mul(pde, weight)) as tf.Scalar;
        },
        true,
        model.variables,
      )!;
      pending.push(tf.tidy(() => tf.concat([tf.reshape(total, [1]), parts!])));
      tf.dispose([total, parts!]);
      if ((epoch + 1) % every === 0 || epoch + 1 === epochs) {
        if (!(await drain())) break;
      }
    }
    if (status === 'completed') epoch = epochs;
    tf.dispose(pending);
    const timeSeconds = (performance.now() - started) / 1000;
    let peakBytes = NaN;
    let estimates: Estimates | undefined;
    if (status === 'completed') {
      // One extra, untimed step under a byte watcher: the peak of all live tensor bytes (weights, optimiser
      // state and data included) during a training step.
      peakBytes = await peakTensorBytes(() => {
        const value = optimizer.minimize(() => {
          const { data: d, pde } = strategy.losses();
          return tf.add(d, tf.mul(pde, pdeWeight)) as tf.Scalar;
        }, true, model.variables);
        value?.dispose();
      });
      estimates = await strategy.estimates();
    }
    return { status, ...(reason ? { reason } : {}), epochs: epoch, lossData, lossPde, timeSeconds, peakBytes, estimates, history };
  } finally {
    optimizer.dispose();
    strategy.dispose();
  }
}
