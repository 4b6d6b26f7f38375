// Where a sweep's jobs run: a NATS server's workers (--nats), or this process's own lanes on an in-process
// transport (the embedded mode). Shared by `sweep run` and `storm`.
import { availableParallelism } from 'node:os';
import { InProcessBroker, limits, type OrchestratorTransport, type ProblemModule } from '../../protocol/index.js';
import { logger } from '../../mollifier/core.js';
import { forwardThreadLogs } from '../logging.js';
import { checkedProblemModules } from '../problems.js';
import { natsOptionsOf, type NatsCliOptions } from './nats-options.js';

export interface SweepTransport {
  transport: OrchestratorTransport;
  /** Stops this process's lanes (embedded mode) once the sweep has returned. */
  stopWorkers: () => Promise<void>;
}

/** The embedded mode's lane names for `lanes` lanes (default: CPU cores, at most the limit). */
export function embeddedLaneNames(lanes: number | undefined): string[] {
  return Array.from({ length: lanes ?? Math.min(availableParallelism(), limits.lanesPerProcess) }, (_, i) => `cpu${i}`);
}

export async function openSweepTransport(
  options: NatsCliOptions & { problems: string[] },
  embedded: { laneNames: string[]; dataRoots: string[]; problems: readonly ProblemModule[] },
  log: { warn: (fields: object, message: string) => void },
): Promise<SweepTransport> {
  if (options.nats) {
    const { NatsOrchestratorTransport } = await import('../../protocol/nats/index.js');
    const transport = await NatsOrchestratorTransport.connect(natsOptionsOf(options), { onInvalid: (subject, reason) => log.warn({ subject, reason }, `ignored an invalid message on ${subject}: ${reason}`) });
    return { transport, stopWorkers: async () => undefined };
  }
  const broker = new InProcessBroker();
  const [{ WorkerNode }, { Lane }] = await Promise.all([import('../../worker/node.js'), import('../../worker/lane.js')]);
  if (embedded.problems.length) await checkedProblemModules(options.problems);
  const threadLogs = forwardThreadLogs();
  const lanes = embedded.laneNames.map((name) => new Lane({ name, device: 'cpu', slots: 1, dataRoots: embedded.dataRoots, problems: embedded.problems, env: threadLogs.env }));
  // The orchestrator logs each job's start and end with its lane and status (orchestrator/sweep-runner.ts):
  // this in-process worker's lines about the same jobs would say it all twice, so they are debug here.
  const workerLog = logger().child({ role: 'worker' });
  const node = new WorkerNode(broker.worker, { lanes, heartbeatMs: 2000, log: { info: (fields, message) => workerLog.debug(fields, message), warn: (fields, message) => workerLog.warn(fields, message), error: (fields, message) => workerLog.error(fields, message) } });
  const running = node.run();
  return {
    transport: broker.orchestrator,
    stopWorkers: async () => {
      broker.close();
      await node.stop();
      await running;
      await threadLogs.close();
    },
  };
}
