import { pino, type Logger } from 'pino';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

// Synchronous stderr: stdout stays free for --json output, and worker threads lose no line at exit
// (async destinations dropped lines when a process exited).
let root: Logger | undefined;

export function logger(): Logger {
  root ??= pino(
    { name: 'mollifier', level: process.env.MOLLIFIER_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
    threadChannel() ?? pino.destination({ fd: 2, sync: true }),
  );
  return root;
}

/** Replace the library's logger, e.g. with a child of the application's own pino instance. */
export function setLogger(replacement: Logger): void {
  root = replacement;
}

/**
 * A worker thread of a process that names a channel in MOLLIFIER_LOG_CHANNEL (an embedded sweep's job threads,
 * bin/logging.ts `forwardThreadLogs`) hands its records to that process, so they reach its log file or
 * terminal as its own records do; written to fd 2 they would cut through its progress display as raw JSON.
 * A posted message is queued in the receiver at once, so a thread stopped right after loses none.
 */
function threadChannel(): { write(line: string): void } | undefined {
  const name = process.env.MOLLIFIER_LOG_CHANNEL;
  if (isMainThread || !name) return undefined;
  const channel = new BroadcastChannel(name);
  channel.unref();
  return { write: (line) => channel.postMessage(line) };
}
