// Logging for the CLI: pino everywhere; JSON lines on stderr by default, pretty on a terminal (pino-pretty);
// level from --log-level, else MOLLIFIER_LOG_LEVEL, else info. The level is exported to the environment so
// worker threads and lane processes (which build their own synchronous loggers) follow it.
import { pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { BroadcastChannel } from 'node:worker_threads';
import { logger, setLogger } from '../mollifier/core.js';
import { UsageError } from './usage-error.js';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function configureLogging(flagLevel: string | undefined): void {
  const level = flagLevel ?? process.env.MOLLIFIER_LOG_LEVEL ?? 'info';
  if (!(logLevels as readonly string[]).includes(level)) throw new UsageError(`log level '${level}' is not one of ${logLevels.join(', ')}`);
  process.env.MOLLIFIER_LOG_LEVEL = level;
  const format = process.env.MOLLIFIER_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') throw new UsageError(`MOLLIFIER_LOG_FORMAT '${format}' is not pretty or json`);
  const options = loggerOptions();
  setLogger(
    format === 'pretty'
      ? pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } } })
      : pino(options, pino.destination({ fd: 2, sync: true })),
  );
}

const loggerOptions = () => ({ name: 'mollifier', level: process.env.MOLLIFIER_LOG_LEVEL ?? 'info', base: { pid: process.pid } });

/** From now on the CLI's records go, as JSON lines, to `destination` (the sweep console's: bin/sweep-console.ts). */
export function logTo(destination: { write(line: string): void }): void {
  setLogger(pino(loggerOptions(), destination));
}

/**
 * Job threads started with `env` (their lane's) send their records here (mollifier/log.ts), and each is logged
 * again through this process's logger, to the same destination as the process's own. Closing waits a turn
 * of the event loop for messages already posted by threads that have just ended.
 */
export function forwardThreadLogs(): { env: Record<string, string>; close(): Promise<void> } {
  const name = `mollifier-log-${process.pid}-${randomUUID()}`;
  const channel = new BroadcastChannel(name);
  channel.onmessage = (event) => relog(String((event as MessageEvent).data));
  channel.unref();
  return { env: { MOLLIFIER_LOG_CHANNEL: name }, close: () => new Promise((resolve) => setImmediate(() => (channel.close(), resolve()))) };
}

function relog(line: string): void {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger().warn({ line: line.slice(0, 500) }, 'a job thread wrote a log line that is not JSON');
    return;
  }
  // Its own time, pid and name are those this process's logger adds again.
  const { level, time: _time, pid: _pid, hostname: _hostname, name: _name, msg, ...fields } = record;
  const label = pino.levels.labels[Number(level)] ?? 'info';
  const log = logger() as unknown as Record<string, (fields: object, message?: string) => void>;
  log[label]!.call(logger(), { ...fields, thread: true }, typeof msg === 'string' ? msg : undefined);
}
