// The orchestrator's process never loads TensorFlow.js: `sweep run --nats`, `sweep status`, `sweep table`,
// `sweep cancel` and `nats-config` run under module hooks that record every module their process resolved.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliProcess } from './support/services.js';
import { cli, SweepHarness } from './support/sweep-harness.js';

const h = new SweepHarness();
after(() => h.cleanUp());
const hooks = fileURLToPath(new URL('./support/loaded-modules.js', import.meta.url));
let traces = 0;

/** Runs the CLI under the hooks; resolves to its exit code, output and the modules its process loaded. */
async function traced(args: string[]): Promise<{ code: number | null; modules: string[]; lines: string[] }> {
  const log = join(h.dir, `trace-${traces++}.loaded`);
  const run = new CliProcess(cli, args, { NODE_OPTIONS: `--import ${hooks}`, MOLLIFIER_LOADED_LOG: log });
  const code = await run.exited;
  return { code, modules: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [], lines: run.lines };
}

function noTensorFlow(what: string, trace: Awaited<ReturnType<typeof traced>>): void {
  assert.equal(trace.code, 0, `${what}: ${trace.lines.slice(-5).join('\n')}`);
  assert.ok(trace.modules.length > 20, `${what}: the hooks recorded its modules (${trace.modules.length})`);
  const heavy = trace.modules.filter((url) => /@tensorflow|\/mollifier\/(backend|training|models|layer|autodiff)\//.test(url));
  assert.deepEqual(heavy, [], `${what} loaded TensorFlow.js or the science library`);
}

test('the hooks see TensorFlow.js where it is loaded (train --help loads the training modules)', async () => {
  const trace = await traced(['train', '--help']);
  assert.ok(trace.modules.some((url) => url.includes('@tensorflow')), 'the check can fail');
});

test('orchestrator commands never load TensorFlow.js: sweep run --nats, status, table, cancel, nats-config', { skip: h.skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const worker = h.worker('w1');
    try {
      await worker.waitForLine(/pulling from/);
      const store = join(h.dir, 'light.sqlite');
      const specPath = h.spec('light', 3, 20);
      noTensorFlow('sweep run --nats', await traced(['sweep', 'run', specPath, '--nats', h.server.url, '--store', store]));
      noTensorFlow('sweep status', await traced(['sweep', 'status', '--store', store]));
      noTensorFlow('sweep table', await traced(['sweep', 'table', '--store', store]));
      noTensorFlow('sweep cancel', await traced(['sweep', 'cancel', specPath, '--nats', h.server.url, '--store', store]));
      noTensorFlow('nats-config', await traced(['nats-config', '--dir', join(h.dir, 'bus')]));
    } finally {
      worker.kill();
      await worker.exited;
    }
  }));
