// Reruns and rivals over a real nats-server: a fresh store reruns the sweep, a second orchestrator of a sweep
// is refused while the first completes, an edited spec's removed jobs are neither run nor tabled.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliProcess } from './support/services.js';
import { cli, startsOf, SweepHarness } from './support/sweep-harness.js';

const h = new SweepHarness();
const skip = h.skip;
after(() => h.cleanUp());

test('regression: the same spec rerun with a fresh store runs every job again and completes (the queue no longer drops it as a duplicate)', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const specPath = h.spec('fresh', 4, 50);
    const first = h.orchestrator(specPath, join(h.dir, 'fresh-a.sqlite'));
    assert.equal(await first.exited, 0, first.lines.slice(-5).join('\n'));
    const second = h.orchestrator(specPath, join(h.dir, 'fresh-b.sqlite'));
    const code = await Promise.race([second.exited, new Promise((resolve) => setTimeout(() => resolve('hung'), 30_000))]);
    second.kill('SIGKILL');
    w.kill();
    await w.exited;
    assert.equal(code, 0, `the rerun ${code === 'hung' ? 'hung' : `exited ${String(code)}`}: ${second.lines.slice(-5).join('\n')}`);
    assert.deepEqual(h.storeRows(join(h.dir, 'fresh-b.sqlite')).map((r) => r.status), Array(4).fill('done'));
    for (const row of h.storeRows(join(h.dir, 'fresh-b.sqlite'))) assert.equal(startsOf(w.lines, row.id), 2, `job ${row.id} ran once per store`);
  }));

for (const sameStore of [true, false]) {
  test(`regression: a second orchestrator of a running sweep (${sameStore ? 'same' : 'another'} store) gets one line and exit 2, and the first completes`, { skip, timeout: 90_000 }, () =>
    h.withServer(async () => {
      const w = h.worker('w1', 2);
      await w.waitForLine(/pulling from/);
      const name = sameStore ? 'rival-same' : 'rival-other';
      const specPath = h.spec(name, 10, 1500);
      const store = join(h.dir, `${name}-a.sqlite`);
      const first = h.orchestrator(specPath, store);
      await first.waitForLine(/job [0-9a-f]{16} completed/);
      const second = h.orchestrator(specPath, sameStore ? store : join(h.dir, `${name}-b.sqlite`));
      assert.equal(await second.exited, 2, second.lines.slice(-5).join('\n'));
      const errors = second.lines.filter((l) => l.startsWith('mollifier:'));
      assert.equal(errors.length, 1, second.lines.join('\n'));
      assert.match(errors[0]!, new RegExp(`sweep ${name} is being run by another orchestrator \\(host .+, pid ${first.pid}, store .+${name}-a\\.sqlite, since `));
      assert.ok(!second.lines.some((l) => /job [0-9a-f]{16} (completed|failed)/.test(l)), 'the refused orchestrator recorded nothing');
      assert.equal(await first.exited, 0, first.lines.slice(-5).join('\n'));
      w.kill();
      await w.exited;
      assert.deepEqual(h.storeRows(store).map((r) => r.status), Array(10).fill('done'));
    }));
}

test('an orchestrator SIGKILLed holds its sweep only until its lease lapses: a restart waits for it, then resumes', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const specPath = h.spec('lapse', 6, 300);
    const store = join(h.dir, 'lapse.sqlite');
    const first = h.orchestrator(specPath, store);
    await first.waitForLine(/job [0-9a-f]{16} completed/);
    first.kill('SIGKILL');
    await first.exited;
    const second = h.orchestrator(specPath, store);
    assert.equal(await second.exited, 0, second.lines.slice(-5).join('\n'));
    assert.ok(second.lines.some((l) => /waiting .* for its lease/.test(l)), 'the restart said why it waits');
    w.kill();
    await w.exited;
    assert.deepEqual(h.storeRows(store).map((r) => r.status), Array(6).fill('done'));
  }));

test('regression: an edited spec resumed: the jobs it no longer has are neither run nor tabled, and the log says so', { skip, timeout: 90_000 }, () =>
  h.withServer(async () => {
    const store = join(h.dir, 'edited.sqlite');
    const path = join(h.dir, 'edited.yaml');
    writeFileSync(path, 'name: edited\nseeds: 2\nbase: {kind: noop, duration-ms: 20}\nmatrix:\n  label: [a, b, c]\n');
    // First run with no worker: every job stays queued; the orchestrator is stopped (Ctrl-C) and the spec edited.
    const first = h.orchestrator(path, store);
    await first.waitForLine(/6 to run/);
    first.kill('SIGINT');
    assert.equal(await first.exited, 130);
    writeFileSync(path, 'name: edited\nseeds: 2\nbase: {kind: noop, duration-ms: 20}\nmatrix:\n  label: [a, c]\n');
    const w = h.worker('w1', 2);
    await w.waitForLine(/pulling from/);
    const second = new CliProcess(cli, ['sweep', 'run', path, '--nats', h.server.url, '--store', store]);
    assert.equal(await second.exited, 0, second.lines.slice(-5).join('\n'));
    assert.ok(second.lines.some((l) => /2 jobs? of an earlier version of the spec .*not in it any more/.test(l)), second.lines.join('\n'));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    w.kill();
    await w.exited;
    const rows = h.storeRows(store);
    const removed = rows.filter((r) => (r.options as { label?: string }).label === 'b');
    for (const row of removed) assert.equal(startsOf(w.lines, row.id), 0, `removed job ${row.id} ran`);
    const table = second.lines.filter((l) => l.startsWith('|')).join('\n');
    assert.ok(!table.includes('label="b"'), `the table shows the removed group:\n${table}`);
    assert.deepEqual(table.match(/label="[a-z]"/g), ['label="a"', 'label="c"'], table);
    const status = new CliProcess(cli, ['sweep', 'status', '--store', store]);
    assert.equal(await status.exited, 0);
    assert.match(status.lines.join('\n'), /edited: 4 jobs: 4 done/);
  }));
