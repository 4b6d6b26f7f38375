// Roles on the bus, against a real nats-server started from the configuration `mollifier nats-config` writes:
// anonymous clients are refused; a worker cannot enqueue jobs, cancel, forge advisories or speak for another
// host; an orchestrator cannot publish results; and a real sweep completes under exactly these permissions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { inboxPrefixOf } from '../protocol/nats/roles.js';
import { CliProcess, freePort, readEnvFile, requireBinary, startNatsFromConfig } from './support/services.js';
import { cli, SweepHarness } from './support/sweep-harness.js';

const binary = requireBinary('nats-server');
const skip = 'skip' in binary ? binary.skip : false;
const h = new SweepHarness();
let dir: string;
let url: string;
let server: { stop: () => Promise<void> } | undefined;

const envOf = (file: string) => readEnvFile(join(dir, file));

async function as(file: string): Promise<NatsConnection> {
  const env = envOf(file);
  return connect({ servers: url, user: env.MOLLIFIER_NATS_USER!, pass: env.MOLLIFIER_NATS_PASS!, inboxPrefix: inboxPrefixOf(env.MOLLIFIER_NATS_USER!) });
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'mollifier-roles-'));
  const port = await freePort();
  const monitor = await freePort();
  const write = new CliProcess(cli, ['nats-config', '--dir', dir, '--port', String(port), '--monitor-port', String(monitor), '--worker-host', 'nodeA', '--worker-host', 'nodeB']);
  assert.equal(await write.exited, 0, write.lines.join('\n'));
  url = `nats://127.0.0.1:${port}`;
  server = await startNatsFromConfig((binary as { path: string }).path, join(dir, 'nats-server.conf'), monitor);
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h.cleanUp();
});

test('nats-config: passwords only as bcrypt hashes in the server file, in plain only in env files of mode 0600; bad options are one line and exit 2', { skip }, async () => {
  const conf = readFileSync(join(dir, 'nats-server.conf'), 'utf8');
  for (const file of ['orchestrator.env', 'worker-nodeA.env', 'worker-nodeB.env']) {
    const env = envOf(file);
    assert.ok(env.MOLLIFIER_NATS_PASS && env.MOLLIFIER_NATS_PASS.length >= 32);
    assert.ok(!conf.includes(env.MOLLIFIER_NATS_PASS), `${file}: the password is in the server's file`);
    assert.equal(statSync(join(dir, file)).mode & 0o777, 0o600, file);
  }
  assert.match(conf, /password: "\$2[ab]\$11\$/);
  assert.match(conf, /listen: "127\.0\.0\.1:\d+"/);
  const again = new CliProcess(cli, ['nats-config', '--dir', dir]);
  assert.equal(await again.exited, 2);
  assert.match(again.lines.join('\n'), /nats-server\.conf exists: --force/);
  for (const [args, message] of [
    [['--port', '70000'], /--port 70000 must be a port number/],
    [['--worker-host', 'a.b'], /--worker-host 'a\.b'/],
    [['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.key'], /--tls-cert \/nonexistent\.pem: no such file/],
  ] as const) {
    const bad = new CliProcess(cli, ['nats-config', '--dir', join(dir, 'other'), ...args]);
    assert.equal(await bad.exited, 2, bad.lines.join('\n'));
    const errors = bad.lines.filter((l) => l.startsWith('mollifier:'));
    assert.equal(errors.length, 1, bad.lines.join('\n'));
    assert.match(errors[0]!, message);
  }
});

test('an anonymous client is refused at connect, and so is a wrong password', { skip }, async () => {
  await assert.rejects(connect({ servers: url, timeout: 3000, reconnect: false }), /authorization/i);
  await assert.rejects(connect({ servers: url, user: 'orchestrator', pass: 'guess', timeout: 3000, reconnect: false }), /authorization/i);
});

/** Publishes through a request (JetStream) and asserts the server refused it: the stream did not grow. */
async function refusedStreamPublish(nc: NatsConnection, subject: string, stream: string, admin: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(admin);
  const before = (await jsm.streams.info(stream)).state.messages;
  await assert.rejects(jetstream(nc).publish(subject, new TextEncoder().encode('{}'), { timeout: 2000 }), /permission|timeout/i, `${subject} accepted`);
  assert.equal((await jsm.streams.info(stream)).state.messages, before, `${subject}: the stream grew`);
}

test('the server refuses: jobs, cancels and advisories from a worker; results from an orchestrator; results and heartbeats of another host from a bound worker', { skip, timeout: 60_000 }, async () => {
  // An orchestrator creates the layout (a worker may not), as `sweep run` does on start.
  const orchestrator = await as('orchestrator.env');
  const setup = new CliProcess(cli, ['sweep', 'run', h.spec('layout', 1, 0), '--nats', url, '--store', join(h.dir, 'layout.sqlite'), '--no-table'], envOf('orchestrator.env'));
  await setup.waitForLine(/1 to run/);
  setup.kill('SIGINT');
  await setup.exited;
  const worker = await as('worker-nodeA.env');
  const seen: string[] = [];
  const watch = orchestrator.subscribe('mollifier.cancel.*', { callback: (_, msg) => void seen.push(msg.subject) });
  const heartbeats = orchestrator.subscribe('mollifier.heartbeat.>', { callback: (_, msg) => void seen.push(msg.subject) });
  await orchestrator.flush();
  try {
    await refusedStreamPublish(worker, 'mollifier.jobs.layout.0123456789abcdef', 'MOLLIFIER_JOBS', orchestrator);
    await refusedStreamPublish(worker, '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.MOLLIFIER_JOBS.mollifier-workers', 'MOLLIFIER_GIVEUPS', orchestrator);
    await refusedStreamPublish(worker, 'mollifier.results.layout.0123456789abcdef.nodeB', 'MOLLIFIER_RESULTS', orchestrator);
    await refusedStreamPublish(orchestrator, 'mollifier.results.layout.0123456789abcdef.nodeA', 'MOLLIFIER_RESULTS', orchestrator);
    worker.publish('mollifier.cancel.layout', new TextEncoder().encode('{}'));
    worker.publish('mollifier.heartbeat.nodeB.cpu0', new TextEncoder().encode('{}'));
    worker.publish('mollifier.heartbeat.nodeA.cpu0', new TextEncoder().encode('{}'));
    await worker.flush().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(seen, ['mollifier.heartbeat.nodeA.cpu0'], 'only the bound host\'s own heartbeat got through');
    // A worker may not read the orchestrator's replies (its inbox) nor purge or read the job queue.
    await assert.rejects(jetstreamManager(worker).then((jsm) => jsm.streams.purge('MOLLIFIER_JOBS')), /permission|timeout/i);
  } finally {
    watch.unsubscribe();
    heartbeats.unsubscribe();
    await worker.close();
    await orchestrator.close();
  }
});

test('a sweep completes under the roles: orchestrator and bound workers with their env files only', { skip, timeout: 90_000 }, async () => {
  const a = new CliProcess(cli, ['worker', '--nats', url, '--cpus', '1', '--host', 'nodeA', '--ack-wait', '2'], envOf('worker-nodeA.env'));
  const b = new CliProcess(cli, ['worker', '--nats', url, '--cpus', '1', '--host', 'nodeB', '--ack-wait', '2'], envOf('worker-nodeB.env'));
  try {
    await a.waitForLine(/pulling from/);
    await b.waitForLine(/pulling from/);
    const store = join(h.dir, 'roles.sqlite');
    const run = new CliProcess(cli, ['sweep', 'run', h.spec('roles', 8, 100), '--nats', url, '--store', store, '--no-table'], envOf('orchestrator.env'));
    assert.equal(await run.exited, 0, run.lines.slice(-5).join('\n'));
    const rows = h.storeRows(store);
    assert.deepEqual(rows.map((r) => r.status), Array(8).fill('done'));
    assert.deepEqual([...new Set(rows.map((r) => r.host))].sort(), ['nodeA', 'nodeB']);
    const cancel = new CliProcess(cli, ['sweep', 'cancel', h.spec('roles', 8, 100), '--nats', url, '--store', store], envOf('orchestrator.env'));
    assert.equal(await cancel.exited, 0, cancel.lines.join('\n'));
    // A worker started with another host's credentials cannot report: its results are refused by the server.
    const liar = new CliProcess(cli, ['worker', '--nats', url, '--cpus', '1', '--host', 'nodeB', '--ack-wait', '2'], envOf('worker-nodeA.env'));
    await liar.waitForLine(/pulling from/);
    a.kill();
    b.kill();
    await Promise.all([a.exited, b.exited]);
    const store2 = join(h.dir, 'roles-liar.sqlite');
    const lied = new CliProcess(cli, ['sweep', 'run', h.spec('liar', 1, 50), '--nats', url, '--store', store2, '--no-table'], envOf('orchestrator.env'));
    await liar.waitForLine(/result not published|permission/i, 30_000);
    lied.kill('SIGINT');
    await lied.exited;
    liar.kill();
    await liar.exited;
    assert.deepEqual(h.storeRows(store2).map((r) => [r.status, r.host]), [['queued', null]], 'nothing recorded from the lying worker, not even its progress');
  } finally {
    a.kill();
    b.kill();
  }
});
