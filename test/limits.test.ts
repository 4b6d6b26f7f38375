// Issue 12, item 6: every limit is explicit (protocol/limits.ts) and past it is one line and exit 2 before any
// work: a 10⁷-job matrix, a seed list past the cap, lanes by the billion, a timeout that overflows Node's timer,
// a job option of 1 MB (here against a real nats-server: nothing reaches the queue).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { limits } from '../protocol/limits.js';
import { cli, SweepHarness } from './support/sweep-harness.js';

const h = new SweepHarness();
after(() => h.cleanUp());

function run(...args: string[]) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' }, timeout: 60_000 });
  return { code: result.status, stderr: result.stderr, signal: result.signal, ms: Date.now() - started };
}

function oneLine(result: ReturnType<typeof run>, pattern: RegExp): void {
  assert.equal(result.signal, null, `it finished (no hang, no kill): ${result.stderr.slice(-300)}`);
  assert.equal(result.code, 2, result.stderr.slice(-500));
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, result.stderr.slice(0, 2000));
  assert.match(lines[0]!, pattern);
}

function specFile(name: string, body: string): string {
  const path = join(h.dir, `${name}.yaml`);
  writeFileSync(path, `name: ${name}\n${body}`);
  return path;
}

test('regression: a 10⁷-job matrix is refused at once by its size, without building it', () => {
  const values = Array.from({ length: 100 }, (_, i) => i).join(', ');
  const path = specFile('huge', `seeds: 1000\nbase: {kind: noop}\nmatrix:\n  label: [${values}]\n  duration-ms: [${values}]\n`);
  const result = run('sweep', 'run', path, '--store', join(h.dir, 'huge.sqlite'), '--lanes', '1');
  oneLine(result, new RegExp(`matrix: 10,000 combinations × 1,000 seeds = 10,000,000 jobs; a sweep holds at most ${limits.jobsPerSweep.toLocaleString('en-US')}`));
  assert.ok(result.ms < 15_000, `refused in ${result.ms} ms`);
});

test('a seed list past the cap, and timeout-minutes past the timer\'s range, are spec errors with their line', () => {
  const seeds = specFile('seeds', `seeds: [${Array.from({ length: limits.seedsPerSweep + 1 }, (_, i) => i).join(', ')}]\nbase: {kind: noop}\n`);
  oneLine(run('sweep', 'run', seeds, '--store', join(h.dir, 'seeds.sqlite')), new RegExp(`seeds\\.yaml:2:\\d+: seeds: .*at most ${limits.seedsPerSweep}`));
  for (const minutes of [40_000, 80_000]) {
    const timeout = specFile('timeout', `timeout-minutes: ${minutes}\nseeds: 1\nbase: {kind: noop}\n`);
    oneLine(run('sweep', 'run', timeout, '--store', join(h.dir, 'timeout.sqlite'), '--lanes', '1'), new RegExp(`timeout\\.yaml:2:\\d+: timeout-minutes: .*at most ${limits.timeoutMinutes}`));
  }
});

test('regression: lanes by the billion are refused before any is made (sweep run --lanes, worker --cpus, --gpus, --jobs-per-gpu)', () => {
  const path = specFile('lanes', 'seeds: 1\nbase: {kind: noop}\n');
  oneLine(run('sweep', 'run', path, '--store', join(h.dir, 'lanes.sqlite'), '--lanes', '1000000000'), new RegExp(`--lanes 1000000000: at most ${limits.lanesPerProcess}`));
  const nats = ['--nats', 'nats://127.0.0.1:1'];
  oneLine(run('worker', ...nats, '--cpus', '1000000000'), new RegExp(`--cpus 1000000000: at most ${limits.lanesPerProcess}`));
  oneLine(run('worker', ...nats, '--gpus', '0-99999'), new RegExp(`--gpus '0-99999': 100000 GPUs; at most ${limits.gpusPerWorker}`));
  oneLine(run('worker', ...nats, '--gpus', '0', '--jobs-per-gpu', '100000'), new RegExp(`--jobs-per-gpu 100000: at most ${limits.jobsPerGpu}`));
  oneLine(run('worker', ...nats, '--ack-wait', '99999999'), new RegExp(`--ack-wait 99999999: at most ${limits.ackWaitSeconds}`));
  oneLine(run('worker', ...nats, '--max-deliver', '100000'), new RegExp(`--max-deliver 100000: at most ${limits.maxDeliver}`));
});

test('regression: a job option of 1 MB is one line and exit 2, and nothing reaches a real queue', { skip: h.skip, timeout: 60_000 }, () =>
  h.withServer(async () => {
    const big = 'x'.repeat(1024 * 1024);
    const path = specFile('bigoption', `seeds: 1\nbase: {kind: noop, label: "${big}"}\n`);
    oneLine(run('sweep', 'run', path, '--nats', h.server.url, '--store', join(h.dir, 'big.sqlite')), new RegExp(`bigoption\\.yaml:3:\\d+: base\\.label: .*at most ${limits.optionTextChars} characters`));
    const nc = await connect({ servers: h.server.url });
    try {
      const jsm = await jetstreamManager(nc);
      const streams = await jsm.streams.names().next();
      assert.deepEqual(streams, [], 'no stream was even created: refused before connecting');
    } finally {
      await nc.close();
    }
  }));
