// The sweep runner's side of early stopping: every job's loss curve from its progress (and, for jobs that ended
// before this run, from their stored loss history), the rule's decision at each report of a running job, and
// one stop message per job it stops. The decision itself is early-stop.ts's.
import { protocolVersion, type OrchestratorTransport, type ProgressMessage } from '../protocol/index.js';
import { earlyStopReason, LossCurve, shouldStopEarly, type EarlyStopRule } from './early-stop.js';

export interface EarlyStopLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export class EarlyStopper {
  private readonly curves = new Map<string, LossCurve>();
  private readonly stopping = new Set<string>();

  constructor(
    private readonly rule: EarlyStopRule,
    private readonly sweep: string,
    private readonly transport: OrchestratorTransport,
    private readonly log: EarlyStopLog,
    /** Loss histories of the sweep's jobs that already ended (artifacts in the store). */
    ended: Iterable<[job: string, history: { epoch: ArrayLike<number>; loss: ArrayLike<number> }]> = [],
  ) {
    for (const [job, history] of ended) {
      const curve = this.curveOf(job);
      for (let i = 0; i < history.epoch.length; i++) curve.record(history.epoch[i]!, history.loss[i]!);
    }
  }

  private curveOf(job: string): LossCurve {
    let curve = this.curves.get(job);
    if (!curve) this.curves.set(job, (curve = new LossCurve()));
    return curve;
  }

  /** A running job reported: record its loss, and stop it if the rule says so (once). */
  consider(progress: ProgressMessage): void {
    const curve = this.curveOf(progress.job);
    curve.record(progress.epoch, progress.loss);
    if (this.stopping.has(progress.job)) return;
    const decision = shouldStopEarly(this.rule, curve, this.curves.values());
    if (!decision.stop) return;
    this.stopping.add(progress.job);
    const reason = earlyStopReason(this.rule, decision);
    this.log.info({ job: progress.job, epoch: decision.epoch, loss: decision.bestLoss, threshold: decision.threshold }, `job ${progress.job} ${reason}`);
    this.transport
      .stopJob({ v: protocolVersion, type: 'cancel', sweep: this.sweep, job: progress.job, reason, at: new Date().toISOString() })
      .catch((error: Error) => {
        // Not sent (the server away): the job runs on; a later report may stop it.
        this.stopping.delete(progress.job);
        this.log.warn({ job: progress.job, err: error.message }, `job ${progress.job}: the stop could not be sent`);
      });
  }
}
