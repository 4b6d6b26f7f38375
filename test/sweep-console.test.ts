// `sweep run`'s console (bin/sweep-console.ts) and its ETA (orchestrator/eta.ts). The user's findings, kept as
// tests: on a terminal the bar drowned under ~24 log lines per job (multi-line records, every job event logged by
// both the embedded worker and the orchestrator, raw JSON from job threads); no loss was shown; the ETA took the
// fast jobs' rate for the slow ones (40 s left before two autodiff jobs of 297 s each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sweepEta } from '../orchestrator/eta.js';
import { protocolVersion, type ProgressMessage } from '../protocol/index.js';
import { ResultStore } from '../orchestrator/store.js';
import { parseSpec } from '../orchestrator/spec.js';
import { ConsoleLogSink, SweepConsole, configLabel, formatLoss, formatSeconds, laneLine, progressLine, totalLine, varyingOptions } from '../bin/sweep-console.js';
import { findBinary } from './support/services.js';

const cli = fileURLToPath(new URL('../bin/main.js', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'mollifier-sweep-console-'));
const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, MOLLIFIER_LOG_LEVEL: 'info' };
  delete e.MOLLIFIER_LOG_FORMAT;
  return e;
};
const ansi = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;

test('ETA, the finding: fast mollifier jobs ended, slow autodiff jobs running: their own rate, not the fast jobs\'', () => {
  // examples/quick.yaml on 2 lanes: two 12 s mollifier jobs ended, the two autodiff jobs 20 s into their 297 s.
  const eta = sweepEta([{ finished: [12, 12], queued: 0, running: [] }, { finished: [], queued: 0, running: [{ elapsed: 20, left: 277 }, { elapsed: 20, left: 277 }] }], 2);
  assert.equal(eta.seconds, 277);
  assert.deepEqual(eta.jobSeconds, [12, 297]);
});

test('ETA: once an autodiff job has ended, its group\'s queued jobs are priced at its own duration', () => {
  // 5 seeds: the mollifier jobs all ended (12 s), one autodiff job ended (297 s), four queued, 2 lanes.
  const groups = [{ finished: [12, 12, 12, 12, 12], queued: 0, running: [] }, { finished: [297], queued: 4, running: [] }];
  assert.equal(sweepEta(groups, 2).seconds, (4 * 297) / 2);
  // The rate over the whole sweep (6 ended in 357 s of lane time over 2 lanes) would have said 4 × 357 / 2 / 6 ≈ 119 s.
  assert.ok(sweepEta(groups, 2).seconds! > 500);
  // One lane: the work is not shared.
  assert.equal(sweepEta(groups, 1).seconds, 4 * 297);
  // More lanes than jobs: never less than one whole job.
  assert.equal(sweepEta(groups, 64).seconds, 297);
});

test('ETA: a group with no ended job takes its running jobs\' whole duration, else the sweep\'s mean; nothing known is null', () => {
  assert.equal(sweepEta([{ finished: [], queued: 3, running: [] }], 2).seconds, null, 'no duration known at all');
  assert.equal(sweepEta([], 4).seconds, 0, 'nothing left');
  assert.equal(sweepEta([{ finished: [10], queued: 0, running: [] }], 4).seconds, 0);
  // Running at its rate: 30 s in, 70 s left, so a queued job of the group takes 100 s.
  assert.deepEqual(sweepEta([{ finished: [], queued: 1, running: [{ elapsed: 30, left: 70 }] }], 2), { seconds: 100, jobSeconds: [100] });
  // A group with nothing ended nor running: the mean of every ended job.
  const mixed = sweepEta([{ finished: [10, 30], queued: 0, running: [] }, { finished: [], queued: 2, running: [] }], 1);
  assert.deepEqual(mixed, { seconds: 40, jobSeconds: [20, 20] });
  // A running job with no rate yet: its group's duration less its elapsed time.
  assert.equal(sweepEta([{ finished: [100], queued: 0, running: [{ elapsed: 40, left: null }] }], 1).seconds, 60);
  assert.equal(sweepEta([{ finished: [], queued: 0, running: [{ elapsed: 40, left: null }] }], 1).seconds, null);
});

test('console lines: durations, losses, labels, a lane line and the bounded off-terminal line', () => {
  assert.deepEqual([formatSeconds(null), formatSeconds(44.6), formatSeconds(300), formatSeconds(5 * 3600)], ['?', '45 s', '5.0 min', '5.0 h']);
  assert.deepEqual([formatLoss(null), formatLoss(0.00213), formatLoss(0.5), formatLoss(12345), formatLoss(0)], ['—', '2.13e-3', '0.5', '1.23e4', '0']);
  const spec = parseSpec('name: l\nseeds: 2\nbase: {pde: heat, epochs: 300}\nmatrix:\n  derivatives: [mollifier, autodiff]\n  noise: [0, 0.1]\n');
  const varying = varyingOptions(spec.jobs);
  assert.deepEqual(varying, ['noise']);
  assert.deepEqual(new Set(spec.jobs.map((j) => configLabel(j.options, varying))), new Set(['heat PINN+M noise=0 seed 0', 'heat PINN+M noise=0 seed 1', 'heat PINN noise=0 seed 0', 'heat PINN noise=0 seed 1', 'heat PINN+M noise=0.1 seed 0', 'heat PINN+M noise=0.1 seed 1', 'heat PINN noise=0.1 seed 0', 'heat PINN noise=0.1 seed 1']));
  const job = { id: '3f2a91c04b1e77d0', label: 'heat PINN+M seed 3', epoch: 120, epochs: 300, loss: 0.00213, left: 45 };
  assert.equal(laneLine('cpu0', job, { lane: 4, label: 18 }, 200), '  cpu0  3f2a91c0  heat PINN+M seed 3  ████░░░░░░ 120/300  loss 2.13e-3  ETA 45 s');
  assert.equal(laneLine('cpu1', undefined, { lane: 4, label: 18 }, 200), '  cpu1  idle');
  assert.ok(laneLine('cpu0', job, { lane: 4, label: 18 }, 40).length <= 40);
  const counts = { total: 30, done: 11, failed: 1, diverged: 0, stopped: 0, running: 6 };
  assert.equal(totalLine('quick', counts, 252, 200), 'sweep quick ████████░░░░░░░░░░░░ 12/30 ended · running 6 · ETA 4.2 min · done 11, failed 1');
  const running = Array.from({ length: 6 }, (_, i) => ({ ...job, id: `${i}`.repeat(16) }));
  const line = progressLine('quick', counts, 252, running);
  assert.match(line, /^sweep quick: 12\/30 ended \(done 11, failed 1\) · ETA 4\.2 min · running: 00000000 heat PINN\+M seed 3 epoch 120\/300 loss 2\.13e-3, 11111111 /);
  assert.match(line, /33333333 [^,]+, \+2 more$/);
  assert.ok(progressLine('quick', counts, 252, running.concat(running, running)).length <= line.length + 1, 'bounded: three times the running jobs, one more digit');
});

/** A terminal that keeps what is written to it. */
function fakeTerminal(): NodeJS.WriteStream & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY: true, columns: 120, rows: 20, write: (chunk: string) => (chunks.push(String(chunk)), true), text: () => chunks.join('') } as unknown as NodeJS.WriteStream & { text: () => string };
}

test('console on a terminal: a line per lane with its job\'s epoch, loss and ETA; warnings above, info records to the file only', async () => {
  const spec = parseSpec('name: c\nseeds: 1\nbase: {pde: heat, epochs: 300}\nmatrix:\n  derivatives: [mollifier, autodiff]\n');
  const [fast, slow] = [spec.jobs.find((j) => j.options.kind === 'train' && j.options.derivatives === 'mollifier')!, spec.jobs.find((j) => j.options.kind === 'train' && j.options.derivatives === 'autodiff')!];
  let now = 1_000_000;
  const stream = fakeTerminal();
  const view = new SweepConsole({ sweep: 'c', jobs: spec.jobs, stored: [], retryFailed: false, lanes: ['cpu0', 'cpu1'], tty: true, progressEvery: 10, stream, now: () => now });
  const dir = tmp();
  const file = join(dir, 'c.log');
  const sink = new ConsoleLogSink(view, openSync(file, 'a'), false, true);
  sink.write(`${JSON.stringify({ level: 30, time: now, msg: 'sweep c: 2 jobs, 2 to run' })}\n`);
  view.update({ total: 2, done: 0, failed: 0, diverged: 0, stopped: 0, running: 2, queued: 0 });
  const at = new Date(now).toISOString();
  const progress = (job: string, lane: string, epoch: number, rate: number): ProgressMessage => ({ v: protocolVersion as ProgressMessage['v'], type: 'progress', sweep: 'c', job, host: 'h', lane, device: 'cpu', pid: 1, epoch, epochs: 300, loss: 0.00213, loss_data: null, loss_pde: null, rate, at });
  view.progress(progress(fast.id, 'cpu0', 150, 10));
  view.progress(progress(slow.id, 'cpu1', 15, 1));
  now += 1000;
  const lines = view.lines(120, 20);
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^sweep c .* 0\/2 ended · running 2 · ETA 4\.7 min · done 0$/);
  assert.match(lines[1]!, new RegExp(`^  cpu0  ${fast.id.slice(0, 8)}  heat PINN\\+M seed 0  █+░+ 150/300  loss 2\\.13e-3  ETA 14 s$`));
  assert.match(lines[2]!, new RegExp(`^  cpu1  ${slow.id.slice(0, 8)}  heat PINN seed 0 {4}█░+ 15/300  loss 2\\.13e-3  ETA 4\\.7 min$`));
  // The fast job ends: its lane goes idle, and the slow one alone sets the ETA.
  view.jobEnded({ id: fast.id, group: fast.group, status: 'done', duration_s: 30 });
  view.update({ total: 2, done: 1, failed: 0, diverged: 0, stopped: 0, running: 1, queued: 0 });
  assert.equal(view.lines(120, 20)[1], '  cpu0  idle');
  assert.equal(view.eta().seconds, 284);
  sink.write(`${JSON.stringify({ level: 30, time: now, msg: 'job 1234 completed' })}\n`);
  sink.write(`${JSON.stringify({ level: 40, time: now, msg: 'refused a result for job 5678' })}\n`);
  await new Promise((resolve) => setTimeout(resolve, 400));
  view.stop();
  const shown = stream.text().replace(ansi, '');
  assert.match(shown, /INFO sweep c: 2 jobs, 2 to run/, 'before the bars, info records are shown');
  assert.match(shown, /WARN refused a result for job 5678/);
  assert.doesNotMatch(shown, /job 1234 completed/, 'with the bars up, info records go to the file only');
  assert.match(shown, /cpu1 {2}[0-9a-f]{8} {2}heat PINN seed 0/);
  const logged = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
  assert.deepEqual(logged.map((r) => r.msg), ['sweep c: 2 jobs, 2 to run', 'job 1234 completed', 'refused a result for job 5678']);
});

/** Each job's records "job ID completed" and "job ID started ...", by id. */
function jobEvents(records: Array<{ msg?: string }>, ids: string[]): Record<string, { completed: number; started: number }> {
  return Object.fromEntries(ids.map((id) => [id, { completed: records.filter((r) => r.msg === `job ${id} completed`).length, started: records.filter((r) => r.msg?.startsWith(`job ${id} started`)).length }]));
}

const jobIds = (store: string, sweep: string) => {
  const open = new ResultStore(store, { create: false });
  try {
    return open.jobs(sweep).map((j) => j.id);
  } finally {
    open.close();
  }
};

test('off a terminal: a progress line every --progress-every seconds with the counts and a running job\'s epoch and loss; each job event logged once', { timeout: 90_000 }, () => {
  const dir = tmp();
  const spec = join(dir, 'prog.yaml');
  writeFileSync(spec, 'name: prog\nseeds: 1\nbase: {kind: noop, duration-ms: 4000, loss-scale: 0.5}\nmatrix:\n  label: [0, 1, 2]\n');
  const store = join(dir, 'prog.sqlite');
  const out = spawnSync(process.execPath, [cli, 'sweep', 'run', spec, '--store', store, '--lanes', '2', '--no-table', '--progress-every', '1'], { encoding: 'utf8', env: env(), timeout: 80_000 });
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stderr.split('\n');
  const progress = lines.filter((l) => l.startsWith('sweep prog: '));
  assert.ok(progress.some((l) => /^sweep prog: [0-2]\/3 ended \(done [0-2]\) · ETA [^·]+ · running: [0-9a-f]{8} noop label=[0-2] seed 0 epoch \d+\/10 loss [0-9.e-]+/.test(l)), progress.join('\n'));
  assert.ok(progress.length >= 3, `a line a second: ${progress.join('\n')}`);
  assert.ok(progress.every((l) => l.length < 400), 'bounded');
  const records = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg?: string });
  const ids = jobIds(store, 'prog');
  assert.equal(ids.length, 3);
  assert.deepEqual(jobEvents(records, ids), Object.fromEntries(ids.map((id) => [id, { completed: 1, started: 1 }])), lines.join('\n'));
});

test('--progress-every and --log-file: bad values are one line and exit 2', () => {
  const dir = tmp();
  const spec = join(dir, 'bad.yaml');
  writeFileSync(spec, 'name: bad\nseeds: 1\nbase: {kind: noop}\n');
  const cases: Array<[string[], RegExp]> = [
    [['--progress-every', '0'], /--progress-every 0 must be > 0/],
    [['--progress-every', 'abc'], /--progress-every must be a number, got 'abc'/],
    [['--progress-every', '-1'], /--progress-every -1 must be > 0/],
    [['--log-file', join(dir, 'missing', 'x.log')], /log file .*missing\/x\.log: ENOENT/],
  ];
  for (const [args, message] of cases) {
    const out = spawnSync(process.execPath, [cli, 'sweep', 'run', spec, '--store', join(dir, 'bad.sqlite'), '--lanes', '1', '--no-table', ...args], { encoding: 'utf8', env: env() });
    assert.equal(out.status, 2, `${args.join(' ')}: ${out.stderr}`);
    assert.equal(out.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${out.stderr}`);
    assert.match(out.stderr, message);
  }
});

const script = findBinary('script');

/** `sweep run` on a pseudo-terminal (util-linux `script`): what the terminal showed, without its escape sequences. */
function onTerminal(args: string[], cwd: string): { status: number | null; screen: string } {
  const command = [process.execPath, cli, ...args].join(' ');
  const out = spawnSync(script!, ['-qfec', `stty cols 160 rows 30 2>/dev/null; ${command}`, '/dev/null'], { encoding: 'utf8', env: env(), cwd, timeout: 120_000 });
  return { status: out.status, screen: (out.stdout + out.stderr).replace(ansi, '') };
}

test('on a terminal: the total line and a line per lane with its job, configuration, epoch and loss; no raw JSON; the log in <store>.log, each job event once', { skip: script ? false : 'no `script` (util-linux) for a pseudo-terminal', timeout: 120_000 }, () => {
  const dir = tmp();
  writeFileSync(join(dir, 'lanes.yaml'), 'name: lanes\nseeds: 1\nbase: {kind: noop, duration-ms: 3000}\nmatrix:\n  label: [0, 1, 2]\n');
  const store = join(dir, 'lanes.sqlite');
  const run = onTerminal(['sweep', 'run', 'lanes.yaml', '--store', store, '--lanes', '2', '--no-table'], dir);
  assert.equal(run.status, 0, run.screen);
  assert.match(run.screen, new RegExp(`sweep lanes: log in ${store}\\.log; warnings and errors also here`));
  assert.match(run.screen, /sweep lanes [█░]{20} [0-3]\/3 ended · running [0-2] · ETA /);
  assert.match(run.screen, /  cpu[01]  [0-9a-f]{8}  noop label=[0-2] seed 0  [█░]{10} \d+\/10  loss [0-9.e-]+  ETA /);
  assert.match(run.screen, /sweep lanes: 3 done, 0 failed, 0 diverged of 3/);
  assert.doesNotMatch(run.screen, /\{"level"|"msg"|job [0-9a-f]{16} completed/, 'no log records between the lines');
  const records = readFileSync(`${store}.log`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg?: string });
  const ids = jobIds(store, 'lanes');
  assert.deepEqual(jobEvents(records, ids), Object.fromEntries(ids.map((id) => [id, { completed: 1, started: 1 }])));
});

test('on a terminal: a job thread\'s records (the backend it chose) go to the log file through the process\'s logger, not to the screen as JSON', { skip: script ? false : 'no `script` (util-linux) for a pseudo-terminal', timeout: 120_000 }, () => {
  const dir = tmp();
  writeFileSync(join(dir, 'train.yaml'), 'name: train\nseeds: 1\nbase: {pde: heat, case: smooth, grid: 16, radius: 3, sample: 1, epochs: 5}\n');
  const log = join(dir, 'own.log');
  const run = onTerminal(['sweep', 'run', 'train.yaml', '--store', join(dir, 'train.sqlite'), '--lanes', '1', '--no-table', '--log-file', log], dir);
  assert.equal(run.status, 0, run.screen);
  assert.doesNotMatch(run.screen, /\{"level"|"msg"|backend /, run.screen);
  const records = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg?: string; thread?: boolean; pid: number });
  const backend = records.filter((r) => r.thread && /^backend /.test(r.msg ?? ''));
  assert.equal(backend.length, 1, JSON.stringify(records));
  assert.equal(new Set(records.map((r) => r.pid)).size, 1, 'one process: the thread\'s record carries it');
});
