import { pino, type Logger } from 'pino';

// Synchronous stderr: stdout stays free for --json output, and worker threads lose no line at exit
// (async destinations dropped lines when a process exited).
let root: Logger | undefined;

export function logger(): Logger {
  root ??= pino(
    { name: 'mollifier', level: process.env.MOLLIFIER_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
    pino.destination({ fd: 2, sync: true }),
  );
  return root;
}

/** Replace the library's logger, e.g. with a child of the application's own pino instance. */
export function setLogger(replacement: Logger): void {
  root = replacement;
}
