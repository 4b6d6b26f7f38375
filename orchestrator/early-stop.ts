// The median-stopping rule (Golovin et al., "Google Vizier", KDD 2017; Optuna's MedianPruner / PercentilePruner):
// a running job whose best loss so far is worse than most of its sweep's other jobs at the same epoch is unlikely
// to end among the best, so its lane is better spent on another. Pure decisions; the sweep runner acts on them.
import { quantile } from 'simple-statistics';
import { z } from 'zod';

/** A spec's `early-stop`, as written. */
export const earlyStopSchema = z.strictObject({
  'after-epochs': z.number().int('after-epochs is an integer ≥ 1').min(1, 'after-epochs is an integer ≥ 1'),
  percentile: z.number().gt(0, 'percentile is in (0, 100)').lt(100, 'percentile is in (0, 100)').default(50),
});

export interface EarlyStopRule {
  /** No job is stopped before it reports this epoch: early losses say little about where a run ends. */
  afterEpochs: number;
  /** A job is stopped when its best loss is worse than this percentile (0-100) of the others' (50: the median). */
  percentile: number;
}

export const earlyStopRuleOf = (written: z.infer<typeof earlyStopSchema>): EarlyStopRule => ({ afterEpochs: written['after-epochs'], percentile: written.percentile });

/**
 * Other jobs with a loss at the epoch that a decision needs at least: a percentile of one or two runs is mostly
 * their seeds' luck, and the first jobs of a sweep would otherwise stop each other.
 */
export const earlyStopMinOthers = 3;

/** What a decision reads of a job's losses. */
export interface LossHistory {
  /** The last epoch the job reported (-1 before any report). */
  readonly epoch: number;
  /** Its lowest loss at epochs ≤ `epoch`; null when it has not reached that epoch or reported no loss up to it. */
  bestUpTo(epoch: number): number | null;
}

/**
 * One job's losses by epoch, as its progress messages report them. Reports are throttled in time (about one a
 * second), so epochs are sparse and differ between jobs: "at epoch e" is read as the best loss up to e. A
 * non-finite loss (a progress message's null) is not kept: it is no evidence about where the run goes, and a
 * diverging job fails on its own. A redelivered job reports its epochs again; a later report of an epoch
 * replaces the earlier one (the same seed trains the same way).
 */
export class LossCurve implements LossHistory {
  private readonly losses = new Map<number, number>();
  private reached = -1;

  record(epoch: number, loss: number | null): void {
    this.reached = Math.max(this.reached, epoch);
    if (loss !== null && Number.isFinite(loss)) this.losses.set(epoch, loss);
  }

  get epoch(): number {
    return this.reached;
  }

  bestUpTo(epoch: number): number | null {
    if (epoch > this.reached) return null;
    let best: number | null = null;
    for (const [at, loss] of this.losses) if (at <= epoch && (best === null || loss < best)) best = loss;
    return best;
  }

  /** epoch → loss, in epoch order (for a store or a chart). */
  samples(): Array<[epoch: number, loss: number]> {
    return [...this.losses].sort(([a], [b]) => a - b);
  }
}

export type EarlyStopDecision =
  | { stop: true; epoch: number; bestLoss: number; threshold: number; others: number }
  | { stop: false; why: 'before-after-epochs' | 'no-loss' | 'too-few-others' | 'not-worse' };

/**
 * Whether to stop `job` now. `others` are the sweep's other jobs, finished or running (the job itself may be among
 * them: it is skipped). Lower losses are better; "worse" is strictly greater, so a job at the threshold goes on.
 */
export function shouldStopEarly(rule: EarlyStopRule, job: LossHistory, others: Iterable<LossHistory>): EarlyStopDecision {
  const epoch = job.epoch;
  if (epoch < rule.afterEpochs) return { stop: false, why: 'before-after-epochs' };
  const bestLoss = job.bestUpTo(epoch);
  if (bestLoss === null) return { stop: false, why: 'no-loss' };
  const theirs: number[] = [];
  for (const other of others) {
    if (other === job) continue;
    const loss = other.bestUpTo(epoch);
    if (loss !== null) theirs.push(loss);
  }
  if (theirs.length < earlyStopMinOthers) return { stop: false, why: 'too-few-others' };
  // Linear interpolation between order statistics (numpy's default), so the 50th is the usual median.
  const threshold = quantile(theirs, rule.percentile / 100);
  return bestLoss > threshold ? { stop: true, epoch, bestLoss, threshold, others: theirs.length } : { stop: false, why: 'not-worse' };
}

/** A stopped job's reason, as a result or `sweep status` would show it. */
export function earlyStopReason(rule: EarlyStopRule, decision: Extract<EarlyStopDecision, { stop: true }>): string {
  const loss = (x: number) => x.toPrecision(4);
  return `stopped early at epoch ${decision.epoch}: best loss ${loss(decision.bestLoss)} worse than the ${rule.percentile}th percentile ${loss(decision.threshold)} of ${decision.others} other jobs`;
}
