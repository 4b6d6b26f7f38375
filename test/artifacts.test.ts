// A job's artifact (its fields and loss history) from the worker to the store: the wire codec, the parts, the
// store's staging (durable before the ack), assembly with the result in one commit, content-addressed arrays,
// and what resuming and --retry-failed do to them; then end to end over a real nats-server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifactParts, decodeArtifact, encodeArtifact, limits, protocolVersion, sha256Hex, type ArtifactContent, type ArtifactMessage, type ResultMessage } from '../protocol/index.js';
import { parseSpec } from '../orchestrator/spec.js';
import { ResultStore } from '../orchestrator/store.js';
import { noopArtifact } from '../worker/artifact.js';
import { CliProcess } from './support/services.js';
import { cli, SweepHarness } from './support/sweep-harness.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-artifacts-'));
const run = '0123456789abcdef';
const ticket = '0123456789abcdef0123456789abcdef';

function content(n: number, offset = 0): ArtifactContent {
  const values = (k: number) => Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 0.37 + k + offset) + offset);
  return {
    grid: { dims: 2, nx: n, ny: n, x0: 0, y0: 0, hx: 0.1, hy: 0.1, periodic: false },
    parameter_name: 'D',
    arrays: { parameter: values(1), parameter_true: values(2), 'field.u': values(3) },
    history: { epoch: Float32Array.of(1, 10, 20), loss: Float32Array.of(1, 0.1, 0.01), data: Float32Array.of(0.5, 0.05, 0.005), pde: Float32Array.of(0.5, 0.05, 0.005) },
  };
}

/** The parts and the result reference a worker sends for `bytes` (worker/node.ts). */
function partsOf(sweep: string, job: string, bytes: Uint8Array, id = 'aaaaaaaaaaaaaaaa', generation = 0): { parts: ArtifactMessage[]; ref: NonNullable<ResultMessage['artifact']> } {
  const pieces = artifactParts(bytes);
  const parts = pieces.map((data, part): ArtifactMessage => ({ v: protocolVersion, type: 'artifact', sweep, run, job, ticket, generation, artifact: id, part, parts: pieces.length, host: 'h', data }));
  return { parts, ref: { id, parts: pieces.length, bytes: bytes.length, sha256: sha256Hex(bytes) } };
}

const resultOf = (sweep: string, job: string, artifact?: ResultMessage['artifact'], generation = 0, status: ResultMessage['status'] = 'completed'): ResultMessage => ({
  v: protocolVersion, type: 'result', sweep, run, job, ticket, status, metrics: { param_corr: 0.9 }, generation, attempt: 1, host: 'h', lane: 'cpu0', device: 'cpu', pid: 1,
  started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:02.000Z', ...(artifact ? { artifact } : {}),
});

/** A store with a planned two-job no-op sweep `s`; returns it and the job ids. */
function plannedStore(path: string): { store: ResultStore; jobs: string[] } {
  const spec = parseSpec('name: s\nseeds: [0, 1]\nbase: {kind: noop}\n');
  const store = new ResultStore(path);
  store.plan('s', spec.jobs);
  return { store, jobs: spec.jobs.map((j) => j.id) };
}

test('artifact codec: float32 values come back exactly, the parts reassemble, damage is one line', () => {
  const original = content(40);
  const bytes = encodeArtifact(original);
  const back = decodeArtifact(bytes);
  assert.deepEqual(back.grid, original.grid);
  for (const name of Object.keys(original.arrays)) assert.deepEqual(back.arrays[name], original.arrays[name]);
  assert.deepEqual(back.history, original.history);
  // A 400×400 noisy artifact needs several parts, each within a message.
  const big = noopArtifact(400, 3, 10);
  const pieces = artifactParts(big);
  assert.ok(pieces.length > 1, `${pieces.length} parts`);
  for (const piece of pieces) assert.ok(piece.length <= Math.ceil(limits.artifactPartBytes / 3) * 4);
  assert.deepEqual(Buffer.concat(pieces.map((p) => Buffer.from(p, 'base64'))), Buffer.from(big));
  assert.throws(() => decodeArtifact(bytes.subarray(0, bytes.length - 10)), /^Error: not an artifact/);
  assert.throws(() => encodeArtifact({ ...original, arrays: { parameter: new Float32Array(3) } }), /holds 3 values, the grid 1600/);
});

test('store: parts staged, then assembled with the result in one commit; arrays shared between jobs are stored once', () => {
  const { store, jobs } = plannedStore(join(tmp(), 'a.sqlite'));
  try {
    const [a, b] = jobs as [string, string];
    const first = partsOf('s', a, encodeArtifact(content(30)));
    for (const part of first.parts) assert.equal(store.artifacts.stage(part), true);
    assert.equal(store.recordResult(resultOf('s', a, first.ref)), true);
    const stored = store.artifacts.read('s', a)!;
    assert.deepEqual(stored.arrays['field.u'], content(30).arrays['field.u']);
    assert.deepEqual(stored.history?.loss, Float32Array.of(1, 0.1, 0.01));
    // b's truth equals a's; its estimate differs.
    const other = content(30);
    other.arrays.parameter = other.arrays.parameter!.map((v) => v * 2);
    const second = partsOf('s', b, encodeArtifact(other), 'bbbbbbbbbbbbbbbb');
    for (const part of second.parts) store.artifacts.stage(part);
    assert.equal(store.recordResult(resultOf('s', b, second.ref)), true);
    // 7 arrays per job (3 fields + 4 history columns, of which data and pde are equal here); only b's parameter is new.
    assert.equal(store.artifacts.size().blobs, 7);
    assert.equal(store.artifacts.size().stagedBytes, 0, 'staged parts are gone once their result is in');
    // A part of an ended job (a late duplicate) is not kept.
    assert.equal(store.artifacts.stage(first.parts[0]!), false);
  } finally {
    store.close();
  }
});

test('store: a part committed before a crash is assembled after the restart; a missing or damaged artifact keeps the result and names why', () => {
  const path = join(tmp(), 'b.sqlite');
  let { store, jobs } = plannedStore(path);
  const [a, b] = jobs as [string, string];
  const bytes = encodeArtifact(content(50));
  const sent = partsOf('s', a, bytes);
  for (const part of sent.parts) store.artifacts.stage(part);
  store.close();
  store = new ResultStore(path);
  try {
    assert.equal(store.recordResult(resultOf('s', a, sent.ref)), true);
    assert.ok(store.artifacts.read('s', a));
    // b: its result names an artifact whose part never came (its sender died between the part and the result).
    const lost = partsOf('s', b, bytes, 'cccccccccccccccc');
    assert.equal(store.recordResult(resultOf('s', b, { ...lost.ref, parts: 2 })), true, 'the result is recorded all the same');
    assert.equal(store.artifacts.read('s', b), null);
    assert.match(store.artifacts.problem('s', b)!, /0 of its 2 parts arrived/);
  } finally {
    store.close();
  }
  const again = plannedStore(join(tmp(), 'c.sqlite'));
  try {
    const [c] = again.jobs as [string];
    const sent2 = partsOf('s', c, bytes);
    for (const part of sent2.parts) again.store.artifacts.stage(part);
    assert.equal(again.store.recordResult(resultOf('s', c, { ...sent2.ref, sha256: 'f'.repeat(64) })), true);
    assert.match(again.store.artifacts.problem('s', c)!, /not the \d+ bytes its result names/);
  } finally {
    again.store.close();
  }
});

test('store: --retry-failed replaces the failed try\'s artifact and drops the arrays only it used; an older generation\'s parts are not kept', () => {
  const { store, jobs } = plannedStore(join(tmp(), 'd.sqlite'));
  try {
    const [a] = jobs as [string];
    const failed = partsOf('s', a, encodeArtifact(content(20, 5)));
    for (const part of failed.parts) store.artifacts.stage(part);
    assert.equal(store.recordResult(resultOf('s', a, failed.ref, 0, 'failed')), true);
    // 3 fields and the history's 4 columns, data and pde being equal.
    assert.equal(store.artifacts.size().blobs, 6);
    assert.equal(store.retryFailed('s'), 1);
    // A straggler of generation 0 arriving now is dropped: no generation-0 result will collect it.
    assert.equal(store.artifacts.stage(failed.parts[0]!), false);
    const retried = partsOf('s', a, encodeArtifact(content(20, 9)), 'dddddddddddddddd', 1);
    for (const part of retried.parts) assert.equal(store.artifacts.stage(part), true);
    assert.equal(store.recordResult(resultOf('s', a, retried.ref, 1)), true);
    assert.deepEqual(store.artifacts.read('s', a)!.arrays.parameter, content(20, 9).arrays.parameter);
    // The history is the same in both tries; the three fields of the failed try are gone.
    assert.equal(store.artifacts.size().blobs, 6);
  } finally {
    store.close();
  }
});

test('an embedded sweep keeps every job\'s artifact; resuming it changes none of them', { timeout: 120_000 }, async () => {
  const dir = tmp();
  const spec = join(dir, 'art.yaml');
  writeFileSync(spec, 'name: art\nseeds: 3\nbase: {kind: noop, duration-ms: 300, artifact-grid: 300}\nmatrix:\n  label: [a, b]\n');
  const store = join(dir, 'art.sqlite');
  const first = new CliProcess(cli, ['sweep', 'run', spec, '--store', store, '--no-table']);
  assert.equal(await first.exited, 0, first.lines.slice(-5).join('\n'));
  const check = () => {
    const s = new ResultStore(store);
    try {
      const rows = s.jobs('art');
      assert.equal(rows.length, 6);
      const withFields = s.artifacts.jobsWithArtifacts('art');
      for (const row of rows) assert.ok(withFields.has(row.id), `job ${row.id} has its artifact`);
      const one = s.artifacts.read('art', rows[0]!.id)!;
      assert.equal(one.arrays.parameter!.length, 300 * 300);
      return s.artifacts.size();
    } finally {
      s.close();
    }
  };
  const before = check();
  // Truths depend on the seed only (worker/artifact.ts: seeds 0-2 make 5 distinct smooth arrays), so both labels
  // share them; 6 jobs' 3 estimates each; one 3-epoch history shared by all (its data and pde columns equal).
  assert.equal(before.blobs, 5 + 6 * 3 + 3);
  const second = new CliProcess(cli, ['sweep', 'run', spec, '--store', store, '--no-table']);
  assert.equal(await second.exited, 0);
  assert.deepEqual(check(), before);
});

const h = new SweepHarness();
after(() => h.cleanUp());

test('over a real nats-server: artifacts of several parts each reach the store with their results', { skip: h.skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const spec = join(h.dir, 'natsart.yaml');
    writeFileSync(spec, 'name: natsart\nseeds: 2\nbase: {kind: noop, duration-ms: 100, artifact-grid: 400}\nmatrix:\n  label: [a, b]\n');
    const store = join(h.dir, 'natsart.sqlite');
    const run = h.orchestrator(spec, store);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    w.kill();
    await w.exited;
    const s = new ResultStore(store);
    try {
      const rows = s.jobs('natsart');
      assert.deepEqual(rows.map((r) => r.status), ['done', 'done', 'done', 'done']);
      for (const row of rows) {
        assert.equal(s.artifacts.problem('natsart', row.id), null);
        assert.equal(s.artifacts.read('natsart', row.id)!.arrays['field.u']!.length, 400 * 400);
      }
      assert.equal(s.artifacts.size().stagedBytes, 0);
    } finally {
      s.close();
    }
  }));
