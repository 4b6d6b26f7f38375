// Logging for the CLI: pino everywhere; JSON lines on stderr by default, pretty on a terminal (pino-pretty);
// level from --log-level, else MOLLIFIER_LOG_LEVEL, else info. The level is exported to the environment so
// worker threads and lane processes (which build their own synchronous loggers) follow it.
import { pino } from 'pino';
import { setLogger } from '../mollifier/core.js';
import { UsageError } from './usage-error.js';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function configureLogging(flagLevel: string | undefined): void {
  const level = flagLevel ?? process.env.MOLLIFIER_LOG_LEVEL ?? 'info';
  if (!(logLevels as readonly string[]).includes(level)) throw new UsageError(`log level '${level}' is not one of ${logLevels.join(', ')}`);
  process.env.MOLLIFIER_LOG_LEVEL = level;
  const format = process.env.MOLLIFIER_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') throw new UsageError(`MOLLIFIER_LOG_FORMAT '${format}' is not pretty or json`);
  const options = { name: 'mollifier', level, base: { pid: process.pid } };
  setLogger(
    format === 'pretty'
      ? pino({ ...options, transport: { target: 'pino-pretty', options: { destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' } } })
      : pino(options, pino.destination({ fd: 2, sync: true })),
  );
}
