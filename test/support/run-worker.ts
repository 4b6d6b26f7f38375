import { Worker } from 'node:worker_threads';

/**
 * Run a compiled worker entry (its own thread, so its own tfjs engine and kernel/gradient registries as
 * initBackend leaves them) and resolve with the first message it posts.
 */
export function runWorker<T>(entry: URL, timeoutMs = 60_000, workerData?: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(entry, workerData === undefined ? {} : { workerData });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`worker ${entry.pathname} gave no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = (): void => clearTimeout(timer);
    worker.once('message', (message: T) => {
      settle();
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settle();
      reject(error);
    });
    worker.once('exit', (code) => {
      settle();
      reject(new Error(`worker ${entry.pathname} exited with code ${code} before answering`));
    });
  });
}
