// Subject and stream names: one place, so every node agrees.

export const streams = {
  /** Work queue of jobs: one shared durable pull consumer, explicit ack. */
  jobs: 'MOLLIFIER_JOBS',
  /** Results of every sweep (limits retention); the orchestrator of a sweep's run reads that run's subjects. */
  results: 'MOLLIFIER_RESULTS',
  /**
   * The server's advisories of jobs the queue gave up on (max_deliver reached), kept so that an orchestrator
   * that was down when one fired still records the failure when it comes back.
   */
  giveUps: 'MOLLIFIER_GIVEUPS',
} as const;

/** The workers' shared durable consumer on the jobs stream. */
export const workerConsumer = 'mollifier-workers';

/** The key-value bucket of sweep leases: which orchestrator (which store's run) holds each sweep. */
export const leaseBucket = 'mollifier_sweeps';

export const subjects = {
  /** A job of one run of a sweep. */
  job: (sweep: string, run: string) => `mollifier.jobs.${sweep}.${run}`,
  /** Every job of a sweep, whatever its run (cancel, takeover). */
  jobsOfSweep: (sweep: string) => `mollifier.jobs.${sweep}.>`,
  jobsAll: 'mollifier.jobs.>',
  /** A result names its host in the subject, so server permissions can bind a worker's credentials to its host. */
  result: (sweep: string, run: string, host: string) => `mollifier.results.${sweep}.${run}.${token(host)}`,
  resultsOfRun: (sweep: string, run: string) => `mollifier.results.${sweep}.${run}.*`,
  resultsAll: 'mollifier.results.>',
  progress: (sweep: string, host: string) => `mollifier.progress.${sweep}.${token(host)}`,
  progressOfSweep: (sweep: string) => `mollifier.progress.${sweep}.*`,
  heartbeat: (host: string, lane: string) => `mollifier.heartbeat.${token(host)}.${token(lane)}`,
  heartbeatsAll: 'mollifier.heartbeat.>',
  cancel: (sweep: string) => `mollifier.cancel.${sweep}`,
  cancelAll: 'mollifier.cancel.*',
  /** Published by the server (not by us) when the workers' consumer reaches max_deliver on a job. */
  giveUp: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${streams.jobs}.${workerConsumer}`,
} as const;

/** The orchestrator's durable consumer of one run's results. */
export const resultConsumer = (sweep: string, run: string) => `mollifier-results-${sweep}-${run}`;

/** Prefix of every run's result consumer of a sweep (a takeover deletes the other runs'). */
export const resultConsumerPrefix = (sweep: string) => `mollifier-results-${sweep}-`;

/** The orchestrator's durable consumer of the give-ups (every sweep's: the advisory names no sweep). */
export const giveUpConsumer = (sweep: string) => `mollifier-giveups-${sweep}`;

/** A subject token: no dots, wildcards or spaces. */
export function token(text: string): string {
  return text.replace(/[.*>\s]/g, '_') || '_';
}
