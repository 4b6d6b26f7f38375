// `sweep cancel`: queued jobs leave the queue, running ones stop on every worker, a waiting `sweep run` records
// them and exits; and a stale result (an older generation's) never lands on a job that was queued again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { InProcessBroker, protocolVersion, type ResultMessage } from '../protocol/index.js';
import { parseSpec } from '../orchestrator/spec.js';
import { ResultStore } from '../orchestrator/store.js';
import { runSweep } from '../orchestrator/sweep-runner.js';
import { WorkerNode } from '../worker/node.js';
import { Lane } from '../worker/lane.js';
import { CliProcess, NatsServer, requireBinary } from './support/services.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-cancel-'));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const binary = requireBinary('nats-server');
const skip = 'skip' in binary ? binary.skip : false;
const longJobs = (name: string) => `name: ${name}\nseeds: 1\nbase: {kind: noop, duration-ms: 20000}\nmatrix:\n  label: [0, 1, 2, 3]\n`;

test('store: a result of an older generation is stale and not recorded', () => {
  const store = new ResultStore(join(tmp(), 'gen.sqlite'));
  try {
    const spec = parseSpec('name: gen\nseeds: 1\nbase: {kind: noop}\n');
    store.plan('gen', spec.jobs);
    const job = spec.jobs[0]!.id;
    const result = (generation: number, status: ResultMessage['status']): ResultMessage => ({
      v: protocolVersion, type: 'result', sweep: 'gen', run: '0123456789abcdef', job, ticket: '0123456789abcdef0123456789abcdef', generation, status, metrics: null, attempt: 1, host: 'h', lane: 'cpu0', device: 'cpu', pid: 1,
      started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:01.000Z',
    });
    assert.equal(store.recordResult(result(0, 'failed')), true);
    assert.equal(store.retryFailed('gen'), 1);
    assert.equal(store.recordResult(result(0, 'failed')), false, "the old generation's result, redelivered, is stale");
    assert.equal(store.statusOf('gen', job), 'queued');
    assert.equal(store.recordResult(result(1, 'completed')), true);
    assert.equal(store.statusOf('gen', job), 'done');
  } finally {
    store.close();
  }
});

test('in process: cancel stops the running job, drops the queued ones, and the sweep run ends with all failed', { timeout: 30_000 }, async () => {
  const broker = new InProcessBroker();
  const node = new WorkerNode(broker.worker, { lanes: [new Lane({ name: 'cpu0', device: 'cpu', slots: 1 })], heartbeatMs: 500, log: quiet });
  const running = node.run();
  const store = new ResultStore(join(tmp(), 'cancel.sqlite'));
  try {
    let sent = false;
    const outcome = await runSweep({
      spec: parseSpec(longJobs('cancelme')), store, transport: broker.orchestrator, log: quiet, cancelGraceMs: 60_000,
      onProgress: () => {
        if (sent) return;
        sent = true;
        void broker.orchestrator.cancel({ v: protocolVersion, type: 'cancel', sweep: 'cancelme', reason: 'test', at: new Date().toISOString() });
      },
    });
    assert.equal(outcome.cancelled, true);
    const jobs = store.jobs('cancelme');
    assert.deepEqual(jobs.map((j) => [j.status, j.reason]), Array(4).fill(['failed', 'cancelled: test']));
    const stopped = jobs.filter((j) => j.duration_s !== null);
    assert.equal(stopped.length, 1, 'one job was running and reported its stop');
    assert.ok(stopped[0]!.duration_s! < 10, `stopped mid-run, not after its 20 s: ${stopped[0]!.duration_s} s`);
  } finally {
    store.close();
    broker.close();
    await node.stop();
    await running;
  }
});

test('over NATS: `sweep cancel` from another process ends a waiting `sweep run`; the worker goes on with other sweeps', { skip, timeout: 90_000 }, async () => {
  const server = await NatsServer.start((binary as { path: string }).path);
  const dir = tmp();
  const worker = new CliProcess(cli, ['worker', '--nats', server.url, '--cpus', '1', '--host', 'w1']);
  try {
    await worker.waitForLine(/pulling from/);
    const specPath = join(dir, 'cancel.yaml');
    writeFileSync(specPath, longJobs('natscancel'));
    const store = join(dir, 'natscancel.sqlite');
    const run = new CliProcess(cli, ['sweep', 'run', specPath, '--nats', server.url, '--store', store, '--no-table']);
    await worker.waitForLine(/job [0-9a-f]{16} started/);
    const cancel = new CliProcess(cli, ['sweep', 'cancel', specPath, '--nats', server.url, '--store', store, '--reason', 'wrong grid']);
    assert.equal(await cancel.exited, 0, cancel.lines.join('\n'));
    assert.match(cancel.lines.join('\n'), /sweep natscancel cancelled: 4 jobs taken off the queue \(queued or running\); workers told to stop its running jobs; \d unfinished jobs recorded failed/);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    assert.ok(run.lines.some((l) => /was cancelled/.test(l)));
    await worker.waitForLine(/"reason":"cancelled: wrong grid".*"msg":"job [0-9a-f]{16} failed"/);
    assert.ok(!worker.lines.some((l) => /result not published/.test(l)), "the stopped job's result went out (its queue message was already gone)");
    const open = new ResultStore(store);
    const jobs = open.jobs('natscancel');
    open.close();
    assert.deepEqual(jobs.map((j) => [j.status, j.reason]), Array(4).fill(['failed', 'cancelled: wrong grid']));
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    assert.equal((await jsm.streams.info('MOLLIFIER_JOBS')).state.messages, 0, 'nothing of the sweep left in the queue');
    await nc.close();
    // The same worker takes the next sweep.
    const nextSpec = join(dir, 'next.yaml');
    writeFileSync(nextSpec, 'name: aftercancel\nseeds: 2\nbase: {kind: noop, duration-ms: 50}\n');
    const next = new CliProcess(cli, ['sweep', 'run', nextSpec, '--nats', server.url, '--store', join(dir, 'next.sqlite'), '--no-table']);
    assert.equal(await next.exited, 0, next.lines.slice(-5).join('\n'));
  } finally {
    worker.kill();
    await worker.exited;
    await server.stop();
  }
});
