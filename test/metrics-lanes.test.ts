// Issue 12, item 3/4: lane series expire and stay bounded (20,000 forged heartbeats grew /metrics to 129 MB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SweepMetrics } from '../orchestrator/metrics.js';
import { protocolVersion, type HeartbeatMessage } from '../protocol/index.js';

const beat = (host: string, lane: string): HeartbeatMessage => ({
  v: protocolVersion, type: 'heartbeat', host, lane, device: 'cpu', pid: 1, slots: 1, running: [], rss_bytes: 1, heap_bytes: 1, at: new Date().toISOString(),
});

const laneSeries = async (metrics: SweepMetrics) => (await metrics.registry.getSingleMetric('mollifier_lane_slots')!.get()).values.length;

test('regression: 20,000 heartbeats of distinct lanes keep at most maxLanes lane series, the most recent ones', async () => {
  const metrics = new SweepMetrics();
  for (let i = 0; i < 20_000; i++) metrics.heartbeat(beat(`evil${i}`, 'cpu0'));
  assert.equal(await laneSeries(metrics), SweepMetrics.maxLanes);
  const hosts = (await metrics.registry.getSingleMetric('mollifier_lane_slots')!.get()).values.map((v) => v.labels.host);
  assert.ok(hosts.includes('evil19999') && !hosts.includes('evil0'), 'the longest-silent lanes went first');
  const text = await metrics.registry.metrics();
  assert.ok(text.length < 8 * 2 ** 20, `/metrics is ${text.length} bytes`);
});

test('a lane silent past laneExpiryMs loses its series; a beating one keeps them', async (t) => {
  const metrics = new SweepMetrics();
  let now = 1_000_000;
  t.mock.method(Date, 'now', () => now);
  metrics.heartbeat(beat('quiet', 'cpu0'));
  metrics.heartbeat(beat('busy', 'cpu0'));
  now += SweepMetrics.laneExpiryMs / 2;
  metrics.heartbeat(beat('busy', 'cpu0'));
  now += SweepMetrics.laneExpiryMs / 2 + 1;
  metrics.heartbeat(beat('busy', 'cpu0'));
  const hosts = (await metrics.registry.getSingleMetric('mollifier_lane_slots')!.get()).values.map((v) => v.labels.host);
  assert.deepEqual(hosts, ['busy']);
});

test('regression: an embedded sweep that ends before the lanes beat again still has every lane in /metrics (the beat sent before it subscribed is replayed)', async () => {
  const { InProcessBroker } = await import('../protocol/index.js');
  const { WorkerNode } = await import('../worker/node.js');
  const { Lane } = await import('../worker/lane.js');
  const { ResultStore } = await import('../orchestrator/store.js');
  const { parseSpec } = await import('../orchestrator/spec.js');
  const { runSweep } = await import('../orchestrator/sweep-runner.js');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const broker = new InProcessBroker();
  const lanes = [new Lane({ name: 'cpu0', device: 'cpu', slots: 1 }), new Lane({ name: 'cpu1', device: 'cpu', slots: 1 })];
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
  // A heartbeat period far longer than the sweep: the only beats are the ones sent as the node starts.
  const node = new WorkerNode(broker.worker, { lanes, heartbeatMs: 600_000, log: silent });
  const running = node.run();
  const store = new ResultStore(join(mkdtempSync(join(tmpdir(), 'mollifier-lanes-')), 'store.sqlite'));
  const metrics = new SweepMetrics();
  try {
    const outcome = await runSweep({ spec: parseSpec('name: short\nseeds: 2\nbase: {kind: noop}\n'), store, transport: broker.orchestrator, log: silent, metrics });
    assert.equal(outcome.counts.done, 2);
    const lanesSeen = (await metrics.registry.getSingleMetric('mollifier_lane_slots')!.get()).values.map((v) => v.labels.lane).sort();
    assert.deepEqual(lanesSeen, ['cpu0', 'cpu1']);
  } finally {
    broker.close();
    await node.stop();
    await running;
    store.close();
  }
});
