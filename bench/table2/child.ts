// Entry of one `bench table2` job process: read a JobConfig (JSON, argv[2]), run it, send the outcome
// without the fields (the parent keeps metrics only). A crash (e.g. the wasm backend running out of
// memory) ends the process without a message; the parent records it as failed with the stderr tail.
import { createRequire } from 'node:module';
import { initBackend } from '../../mollifier/backend/index.js';
import { runJob, type JobConfig } from '../../mollifier/training/job.js';

export interface ChildBackendMessage {
  type: 'backend';
  backend: string;
  versions: Record<string, string>;
}

export interface ChildResultMessage {
  type: 'result';
  status: 'completed' | 'diverged' | 'failed';
  reason?: string;
  metrics: unknown;
}

function send(message: ChildBackendMessage | ChildResultMessage): Promise<void> {
  return new Promise((resolve) => (process.send ? process.send(message, () => resolve()) : (console.log(JSON.stringify(message)), resolve())));
}

// Orphaned (the parent was killed): stop instead of training on for nobody.
process.on('disconnect', () => process.exit(1));

function versions(): Record<string, string> {
  try {
    const require = createRequire(import.meta.url);
    return { node: process.version, tfjs: (require('@tensorflow/tfjs-core/package.json') as { version: string }).version };
  } catch {
    return { node: process.version };
  }
}

const config = JSON.parse(process.argv[2] ?? '{}') as JobConfig;
try {
  const backend = await initBackend({ log: false });
  await send({ type: 'backend', backend: backend.name, versions: versions() });
  const result = await runJob(config);
  await send({ type: 'result', status: result.status, ...(result.reason ? { reason: result.reason } : {}), metrics: result.metrics });
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  await send({ type: 'result', status: 'failed', reason: message.split('\n')[0]!.slice(0, 400), metrics: null });
}
process.exit(0);
