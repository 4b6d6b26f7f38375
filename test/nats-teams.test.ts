// Teams sharing one server: `nats-config --team` gives each team an account of its own (subjects, streams,
// users), here over TLS with a CA of our own: two teams run a sweep of the same name without meeting.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliProcess, findBinary, freePort, readEnvFile, requireBinary, startNatsFromConfig } from './support/services.js';
import { cli, SweepHarness } from './support/sweep-harness.js';

const binary = requireBinary('nats-server');
const openssl = findBinary('openssl');
if (!openssl && process.env.CI === 'true') throw new Error('openssl is not installed: required on CI (.ci/run installs it)');
const skip = 'skip' in binary ? binary.skip : !openssl ? 'openssl is not installed (apt-get install openssl)' : false;
const h = new SweepHarness();
let dir: string;
let url: string;
let server: { stop: () => Promise<void> } | undefined;

const envOf = (file: string) => readEnvFile(join(dir, file));

function makeCertificates(): void {
  const run = (args: string[]) => {
    const out = spawnSync(openssl!, args, { cwd: dir, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=mollifier test CA']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext']);
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'mollifier-teams-'));
  makeCertificates();
  const port = await freePort();
  const monitor = await freePort();
  const write = new CliProcess(cli, ['nats-config', '--dir', join(dir, 'bus'), '--port', String(port), '--monitor-port', String(monitor), '--team', 'alpha', '--team', 'beta', '--tls-cert', join(dir, 'server.pem'), '--tls-key', join(dir, 'server.key'), '--tls-ca', join(dir, 'ca.pem')]);
  assert.equal(await write.exited, 0, write.lines.join('\n'));
  url = `tls://127.0.0.1:${port}`;
  server = await startNatsFromConfig((binary as { path: string }).path, join(dir, 'bus', 'nats-server.conf'), monitor);
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h.cleanUp();
});

test('two teams on one TLS server: a sweep of the same name in each, alpha\'s worker runs only alpha\'s jobs, beta\'s stay queued for beta', { skip, timeout: 90_000 }, async () => {
  const worker = new CliProcess(cli, ['worker', '--nats', url, '--cpus', '2', '--host', 'alpha1', '--ack-wait', '2'], envOf('bus/alpha/worker.env'));
  try {
    // No orchestrator of alpha has created the streams yet, and a worker's user may not: it waits for one.
    await worker.waitForLine(/waiting for an orchestrator to start/);
    const specPath = h.spec('shared-name', 4, 50);
    const beta = new CliProcess(cli, ['sweep', 'run', specPath, '--nats', url, '--store', join(h.dir, 'beta.sqlite'), '--no-table'], envOf('bus/beta/orchestrator.env'));
    await beta.waitForLine(/4 to run/);
    // Same sweep name, another account: no lease conflict, no shared queue.
    const alpha = new CliProcess(cli, ['sweep', 'run', specPath, '--nats', url, '--store', join(h.dir, 'alpha.sqlite'), '--no-table'], envOf('bus/alpha/orchestrator.env'));
    assert.equal(await alpha.exited, 0, alpha.lines.slice(-5).join('\n'));
    assert.deepEqual(h.storeRows(join(h.dir, 'alpha.sqlite')).map((r) => r.status), Array(4).fill('done'));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.deepEqual(h.storeRows(join(h.dir, 'beta.sqlite')).map((r) => r.status), Array(4).fill('queued'), 'alpha\'s worker took none of beta\'s jobs');
    assert.equal(worker.lines.filter((l) => /job [0-9a-f]{16} started/.test(l)).length, 4);
    beta.kill('SIGINT');
    assert.equal(await beta.exited, 130);
    // A client without the CA cannot even connect: the server's certificate is not trusted.
    const untrusted = new CliProcess(cli, ['sweep', 'status', '--store', join(h.dir, 'alpha.sqlite')]);
    assert.equal(await untrusted.exited, 0);
    const { MOLLIFIER_NATS_TLS_CA: _ca, ...noCa } = envOf('bus/alpha/orchestrator.env');
    const refused = new CliProcess(cli, ['sweep', 'run', specPath, '--nats', url, '--store', join(h.dir, 'alpha.sqlite')], { ...noCa, MOLLIFIER_NATS_TLS_CA: '' });
    assert.equal(await refused.exited, 2);
    assert.match(refused.lines.filter((l) => l.startsWith('mollifier:')).join('\n'), /cannot connect to NATS at tls:\/\/127\.0\.0\.1:\d+: .*(certificate|self.signed|verify)/i);
  } finally {
    worker.kill();
    await worker.exited;
  }
});
