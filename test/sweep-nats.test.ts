// Sweeps over a real nats-server (started here on a free loopback port): crash and restart behaviour.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ResultStore } from '../orchestrator/store.js';
import { parseSpec } from '../orchestrator/spec.js';
import { protocolVersion } from '../protocol/index.js';
import { CliProcess, freePort } from './support/services.js';
import { cli, startsOf, SweepHarness } from './support/sweep-harness.js';

const h = new SweepHarness();
const skip = h.skip;
after(() => h.cleanUp());

test('a worker SIGKILLed mid-job: its job is redelivered, and every job is recorded exactly once', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const a = h.worker('wA');
    const b = h.worker('wB');
    await a.waitForLine(/pulling from/);
    await b.waitForLine(/pulling from/);
    const store = join(h.dir, 'kill-worker.sqlite');
    const run = h.orchestrator(h.spec('killworker', 6, 1500), store);
    const started = await a.waitForLine(/"msg":"job [0-9a-f]{16} started"/);
    const killedJob = /job ([0-9a-f]{16}) started/.exec(started)![1]!;
    a.kill('SIGKILL');
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    b.kill();
    await b.exited;
    const rows = h.storeRows(store);
    assert.equal(rows.length, 6);
    assert.deepEqual(rows.map((r) => r.status), Array(6).fill('done'));
    const killed = rows.find((r) => r.id === killedJob)!;
    assert.equal(killed.host, 'wB', 'the killed job finished on the other worker');
    assert.ok(killed.attempts >= 2, `redelivered: attempt ${killed.attempts}`);
  }));

test('the orchestrator killed mid-sweep and restarted resumes; no finished job runs again', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const store = join(h.dir, 'kill-orchestrator.sqlite');
    const specPath = h.spec('killorch', 8, 600);
    const first = h.orchestrator(specPath, store);
    await first.waitForLine(/"msg":"job [0-9a-f]{16} completed".*|job [0-9a-f]{16} completed/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    first.kill('SIGKILL');
    await first.exited;
    const doneBefore = h.storeRows(store).filter((r) => r.status === 'done').map((r) => r.id);
    assert.ok(doneBefore.length >= 1 && doneBefore.length < 8, `done before the kill: ${doneBefore.length}`);
    const second = h.orchestrator(specPath, store);
    assert.equal(await second.exited, 0, second.lines.slice(-5).join('\n'));
    assert.ok(second.lines.some((l) => /already ended/.test(l)));
    w.kill();
    await w.exited;
    const rows = h.storeRows(store);
    assert.deepEqual(rows.map((r) => r.status), Array(8).fill('done'));
    for (const id of doneBefore) assert.equal(startsOf(w.lines, id), 1, `job ${id} ran once`);
  }));

test('nats-server restarted on the same store dir mid-sweep: the sweep completes', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const store = join(h.dir, 'restart-server.sqlite');
    const run = h.orchestrator(h.spec('restartserver', 6, 800), store);
    await run.waitForLine(/job [0-9a-f]{16} completed/);
    await h.server.restart(500);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    w.kill();
    await w.exited;
    const rows = h.storeRows(store);
    assert.deepEqual(rows.map((r) => r.status), Array(6).fill('done'));
  }));

test('garbage on the job subject: the worker logs it, drops it, and goes on; a job of another protocol version is left for a worker of that version', { skip, timeout: 60_000 }, () =>
  h.withWorkerAndClient('w1', async (nc, w) => {
    const js = jetstream(nc);
    await js.publish('mollifier.jobs.garbage', new TextEncoder().encode('{not json'));
    await js.publish('mollifier.jobs.garbage', new TextEncoder().encode(JSON.stringify({ v: 99, type: 'job' })));
    await w.waitForLine(/ignored an invalid message.*not JSON/);
    await w.waitForLine(/ignored an invalid message.*protocol version 99.*left in the queue for a worker of that version/);
    const store = join(h.dir, 'garbage.sqlite');
    const run = h.orchestrator(h.spec('aftergarbage', 2, 100), store);
    assert.equal(await run.exited, 0);
    assert.deepEqual(h.storeRows(store).map((r) => r.status), ['done', 'done']);
    const jsm = await jetstreamManager(nc);
    const left = await jsm.streams.getMessage('MOLLIFIER_JOBS', { last_by_subj: 'mollifier.jobs.garbage' });
    assert.equal(JSON.parse(new TextDecoder().decode(left!.data)).v, 99, 'the other version\'s job is still queued; the garbage is gone');
    assert.equal((await jsm.streams.info('MOLLIFIER_JOBS')).state.messages, 1);
  }));

test('an unreachable NATS URL: one clear line and exit 2 within 10 s', { timeout: 30_000 }, async () => {
  const port = await freePort();
  const started = Date.now();
  const run = new CliProcess(cli, ['sweep', 'run', h.spec('unreachable', 1, 0), '--nats', `nats://127.0.0.1:${port}`, '--store', join(h.dir, 'unreachable.sqlite')]);
  assert.equal(await run.exited, 2);
  assert.ok(Date.now() - started < 10_000);
  const errors = run.lines.filter((l) => l.startsWith('mollifier:'));
  assert.equal(errors.length, 1, run.lines.join('\n'));
  assert.match(errors[0]!, /cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+/);
});

test('--gpus 0-1: one lane process per GPU with CUDA_VISIBLE_DEVICES set before TensorFlow loads (no GPU here: no-op jobs)', { skip, timeout: 60_000 }, () =>
  h.withServer(async () => {
    const w = new CliProcess(cli, ['worker', '--nats', h.server.url, '--gpus', '0-1', '--jobs-per-gpu', '2', '--host', 'gpunode', '--ack-wait', '2']);
    await w.waitForLine(/gpu0×2/);
    await w.waitForLine(/gpu1×2/);
    const store = join(h.dir, 'gpus.sqlite');
    const run = h.orchestrator(h.spec('gpulanes', 12, 300), store);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    w.kill('SIGTERM');
    await w.exited;
    const rows = h.storeRows(store);
    assert.deepEqual(rows.map((r) => r.status), Array(12).fill('done'));
    const lanes = new Set(rows.map((r) => `${r.lane}@${r.device}`));
    assert.deepEqual([...lanes].sort(), ['gpu0@cuda:0', 'gpu1@cuda:1'], 'each lane process saw its own CUDA_VISIBLE_DEVICES');
    assert.ok(rows.every((r) => r.host === 'gpunode'));
  }));

test('credentials pass through: user/password accepted, a wrong password is one clear line and exit 2', { skip, timeout: 60_000 }, () =>
  h.withServer(async () => {
    const auth = ['--nats-user', 'sweeper', '--nats-pass', 's3cret'];
    const w = new CliProcess(cli, ['worker', '--nats', h.server.url, ...auth, '--cpus', '1', '--host', 'w1']);
    await w.waitForLine(/pulling from/);
    const store = join(h.dir, 'auth.sqlite');
    const ok = new CliProcess(cli, ['sweep', 'run', h.spec('auth', 2, 50), '--nats', h.server.url, ...auth, '--store', store, '--no-table']);
    assert.equal(await ok.exited, 0, ok.lines.slice(-3).join('\n'));
    const bad = new CliProcess(cli, ['sweep', 'run', h.spec('auth', 2, 50), '--nats', h.server.url, '--nats-user', 'sweeper', '--nats-pass', 'wrong', '--store', store]);
    assert.equal(await bad.exited, 2);
    const errors = bad.lines.filter((l) => l.startsWith('mollifier:'));
    assert.equal(errors.length, 1, bad.lines.join('\n'));
    assert.match(errors[0]!, /cannot connect to NATS at .*: .*(Authorization|authorization)/);
    w.kill();
    await w.exited;
  }, ['--user', 'sweeper', '--pass', 's3cret']));

test('credentials in the URL are used and never printed; GPU lane processes get them by environment, not on their command line (ps)', { skip, timeout: 60_000 }, () =>
  h.withServer(async () => {
    const port = new URL(h.server.url).port;
    const inUrl = `nats://sweeper:s3cret@127.0.0.1:${port}`;
    const w = new CliProcess(cli, ['worker', '--nats', h.server.url, '--nats-user', 'sweeper', '--nats-pass', 's3cret', '--gpus', '0', '--host', 'gpunode']);
    await w.waitForLine(/gpu0×1/);
    const lanes = readFileSync(`/proc/${w.pid}/task/${w.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    assert.equal(lanes.length, 1, 'one lane process');
    for (const pid of lanes) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      assert.ok(argv.includes('--lane-gpu'), argv.join(' '));
      assert.ok(!argv.some((a) => a.includes('s3cret')), `the password is on a lane's command line: ${argv.join(' ')}`);
      assert.ok(!argv.includes('--nats-pass'));
    }
    const store = join(h.dir, 'url-auth.sqlite');
    const ok = new CliProcess(cli, ['sweep', 'run', h.spec('urlauth', 2, 50), '--nats', inUrl, '--store', store, '--no-table']);
    assert.equal(await ok.exited, 0, ok.lines.slice(-3).join('\n'));
    assert.ok(!ok.lines.some((l) => l.includes('s3cret')), 'the password in a log line');
    const bad = new CliProcess(cli, ['sweep', 'run', h.spec('urlauth', 2, 50), '--nats', `nats://sweeper:wr0ng@127.0.0.1:${port}`, '--store', store]);
    assert.equal(await bad.exited, 2);
    const errors = bad.lines.filter((l) => l.startsWith('mollifier:'));
    assert.equal(errors.length, 1, bad.lines.join('\n'));
    assert.match(errors[0]!, new RegExp(`cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}: `));
    assert.ok(!bad.lines.some((l) => l.includes('wr0ng')), `the password printed: ${bad.lines.join('\n')}`);
    w.kill();
    await w.exited;
  }, ['--user', 'sweeper', '--pass', 's3cret']));

test('a job may read only under the worker\'s data roots: /etc/passwd, ../ and a symlink out are refused, and no file content reaches a reason', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const root = join(h.dir, 'data-root');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'secret.csv'), 'TOPSECRET-7f3a,x,y\n1,2,3\n');
    symlinkSync('/etc/passwd', join(root, 'link.csv'));
    const w = new CliProcess(cli, ['worker', '--nats', h.server.url, '--cpus', '1', '--host', 'w1', '--data-root', root]);
    await w.waitForLine(/pulling from/);
    const path = join(h.dir, 'files.yaml');
    writeFileSync(join(h.dir, 'outside.csv'), 'x,y,D\n');
    // Every file exists where the orchestrator runs (it fingerprints them to plan the sweep); the worker decides.
    const fields = ['/etc/passwd', join(root, '..', 'outside.csv'), join(root, 'link.csv'), join(root, 'secret.csv')];
    writeFileSync(path, `name: files\nseeds: 1\nbase: {pde: heat, epochs: 2}\nmatrix:\n  param-field: [${fields.map((f) => JSON.stringify(f)).join(', ')}]\n`);
    const store = join(h.dir, 'files.sqlite');
    const run = h.orchestrator(path, store);
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    w.kill();
    await w.exited;
    const rows = h.storeRows(store);
    const reasonOf = (field: string) => rows.find((r) => (r.options as { 'param-field'?: string })['param-field'] === field)!.reason!;
    assert.match(reasonOf('/etc/passwd'), /^param-field \/etc\/passwd: outside the folders this worker may read/);
    assert.match(reasonOf(fields[1]!), /outside\.csv: outside the folders this worker may read/);
    assert.match(reasonOf(fields[2]!), /link\.csv: outside the folders this worker may read/);
    assert.match(reasonOf(fields[3]!), /secret\.csv: could not be read as the job expects/);
    const everything = [...rows.map((r) => JSON.stringify(r)), ...run.lines].join('\n');
    assert.ok(!/root:x:0|TOPSECRET/.test(everything), 'file contents reached the store or the orchestrator');
  }));

test('regression: 1,000 garbage results, forged results, a result of another protocol version and garbage jobs block nothing: the sweep completes and the poison is gone', { skip, timeout: 120_000 }, () =>
  h.withWorkerAndClient('w1', async (nc, w) => {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    // The store exists before the sweep runs, so the forger knows the run and every job id (hashes of the spec).
    const store = join(h.dir, 'poisoned.sqlite');
    const specPath = h.spec('poisoned', 5, 50);
    const planned = new ResultStore(store);
    const { run } = planned.identity('poisoned');
    planned.close();
    const subject = `mollifier.results.poisoned.${run}.evil`;
    const garbage = new TextEncoder().encode('{"not": "a result"}');
    await Promise.all(Array.from({ length: 1000 }, (_, i) => js.publish(subject, i % 2 ? garbage : new TextEncoder().encode(`junk ${i}`))));
    const ids = parseSpec(readFileSync(specPath, 'utf8')).jobs.map((j) => j.id);
    const forged = (job: string, extra: object = {}) => ({
      v: protocolVersion, type: 'result', sweep: 'poisoned', run, job, ticket: '0'.repeat(32), status: 'completed', metrics: { param_corr: 0.9999 }, attempt: 1,
      host: 'evil', lane: 'x', device: 'cpu', pid: 1, started_at: new Date().toISOString(), finished_at: new Date().toISOString(), ...extra,
    });
    for (const id of ids) await js.publish(subject, new TextEncoder().encode(JSON.stringify(forged(id))));
    // A well-formed result whose body names another host than its subject.
    await js.publish(subject, new TextEncoder().encode(JSON.stringify(forged(ids[0]!, { host: 'w1' }))));
    await js.publish(subject, new TextEncoder().encode(JSON.stringify(forged(ids[0]!, { v: 99 }))));
    await Promise.all(Array.from({ length: 20 }, (_, i) => js.publish('mollifier.jobs.poisoned', new TextEncoder().encode(`not a job ${i}`))));
    const run1 = h.orchestrator(specPath, store);
    assert.equal(await run1.exited, 0, run1.lines.slice(-5).join('\n'));
    assert.deepEqual(h.storeRows(store).map((r) => r.status), Array(5).fill('done'));
    assert.ok(h.storeRows(store).every((r) => r.host === 'w1' && r.metrics?.param_corr === undefined), 'no forged result counted');
    assert.equal(run1.lines.filter((l) => /refused a result for job .* from evil\/x: its ticket is not the one/.test(l)).length, 5, 'each forged result refused and logged');
    assert.ok(run1.lines.some((l) => /from host w1 sent on mollifier\.results\.poisoned\.[0-9a-f]{16}\.evil/.test(l)), 'a body naming another host than its subject is refused');
    const consumer = await jsm.consumers.info('MOLLIFIER_RESULTS', `mollifier-results-poisoned-${run}`);
    assert.equal(consumer.num_ack_pending, 0, 'no poison holds an ack slot');
    assert.equal(consumer.config.max_deliver, 20, 'the results consumer has a max_deliver');
    for (let i = 0; (await jsm.streams.info('MOLLIFIER_JOBS')).state.messages > 0; i++) {
      assert.ok(i < 50, 'the garbage jobs left the work queue');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }));

test('regression: a worker beats at the ack_wait in force, not its own --ack-wait (no redelivery of a running job)', { skip, timeout: 60_000 }, () =>
  h.withServer(async () => {
    const first = h.worker('creator'); // creates the consumer with ack_wait 2 s
    await first.waitForLine(/pulling from/);
    first.kill();
    await first.exited;
    const slow = new CliProcess(cli, ['worker', '--nats', h.server.url, '--cpus', '1', '--host', 'slow', '--ack-wait', '30']);
    await slow.waitForLine(/already exists with ack_wait 2 s/);
    await slow.waitForLine(/pulling from/);
    const store = join(h.dir, 'ackwait.sqlite');
    const run = h.orchestrator(h.spec('ackwait', 2, 4000), store);
    assert.equal(await run.exited, 0);
    slow.kill();
    await slow.exited;
    const rows = h.storeRows(store);
    assert.deepEqual(rows.map((r) => [r.status, r.attempts]), [['done', 1], ['done', 1]]);
  }));

test('max_deliver reached while the orchestrator is down: the job is recorded failed when it comes back, and leaves the queue', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    // Each of the first two workers takes the job and dies with it (SIGKILL of the whole process, as a node
    // going down). The server gives up on the job only when a live worker asks for more (the third).
    const testJobs = { MOLLIFIER_TEST_JOBS: '1' };
    const dying = (host: string) => new CliProcess(cli, ['worker', '--nats', h.server.url, '--cpus', '1', '--host', host, '--ack-wait', '2', '--max-deliver', '2'], testJobs);
    const a = dying('wA');
    await a.waitForLine(/pulling from/);
    const b = dying('wB');
    await b.waitForLine(/pulling from/);
    const path = join(h.dir, 'giveup.yaml');
    writeFileSync(path, 'name: giveup\nseeds: 1\nbase: {kind: noop, duration-ms: 200, outcome: kill-process}\n');
    const store = join(h.dir, 'giveup.sqlite');
    const first = new CliProcess(cli, ['sweep', 'run', path, '--nats', h.server.url, '--store', store, '--no-table'], testJobs);
    await Promise.race([a.waitForLine(/job [0-9a-f]{16} started/), b.waitForLine(/job [0-9a-f]{16} started/)]);
    first.kill('SIGKILL');
    await first.exited;
    await Promise.all([a.exited, b.exited]);
    const c = dying('wC');
    const nc = await connect({ servers: h.server.url });
    try {
      const jsm = await jetstreamManager(nc);
      for (let i = 0; (await jsm.streams.info('MOLLIFIER_GIVEUPS')).state.messages === 0; i++) {
        assert.ok(i < 100, 'the server gave up on the job within 10 s of a live worker pulling');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const second = new CliProcess(cli, ['sweep', 'run', path, '--nats', h.server.url, '--store', store, '--no-table'], testJobs);
      assert.equal(await second.exited, 0, second.lines.slice(-5).join('\n'));
      const [row] = h.storeRows(store);
      assert.equal(row!.status, 'failed');
      assert.equal(row!.attempts, 2);
      assert.match(row!.reason ?? '', /no result after 2 deliveries/);
      assert.equal((await jsm.streams.info('MOLLIFIER_JOBS')).state.messages, 0, 'the given-up job left the queue');
      assert.equal(c.lines.filter((l) => /job [0-9a-f]{16} started/.test(l)).length, 0, 'the third worker never ran it');
    } finally {
      await nc.close();
      c.kill();
      await c.exited;
    }
  }));
