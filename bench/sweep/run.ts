// `mollifier bench sweep`: what orchestration costs. A 2,000-job sweep of no-op jobs across 8 lanes, embedded
// (in-process transport) and over a real nats-server (a worker process with 8 CPU lanes); and the speed-up
// from 1 to 2 lanes on real training jobs.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { startNatsServer } from '../nats-server.js';
import { fileURLToPath } from 'node:url';
import { InProcessBroker, type OrchestratorTransport } from '../../protocol/index.js';
import { parseSpec, type SweepSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { runSweep } from '../../orchestrator/sweep-runner.js';
import { WorkerNode } from '../../worker/node.js';
import { SweepMetrics, serveMetrics } from '../../orchestrator/metrics.js';
import type { AddressInfo } from 'node:net';
import { Lane } from '../../worker/lane.js';
import { summarise } from '../../orchestrator/statistics.js';

export interface SweepBenchRow {
  name: string;
  transport: 'in-process' | 'nats';
  lanes: number;
  jobs: number;
  recorded: number;
  wallSeconds: number;
  jobsPerSecond: number;
  /** Lanes × wall time / jobs: what one job costs a lane beyond its own work (no-op jobs do none). */
  overheadMsPerJob: number;
  /** Training jobs: sum of the jobs' own training time. */
  trainSeconds?: number;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function noopSpec(name: string, jobs: number): SweepSpec {
  const labels = Array.from({ length: 100 }, (_, i) => i).join(', ');
  return parseSpec(`name: ${name}\nseeds: ${Math.ceil(jobs / 100)}\nbase: {kind: noop, duration-ms: 0}\nmatrix:\n  label: [${labels}]\n`);
}

async function timed(spec: SweepSpec, transport: OrchestratorTransport, store: ResultStore): Promise<{ seconds: number; recorded: number }> {
  const started = performance.now();
  const outcome = await runSweep({ spec, store, transport, log: quiet });
  return { seconds: (performance.now() - started) / 1000, recorded: outcome.counts.done };
}

function row(name: string, transport: SweepBenchRow['transport'], lanes: number, jobs: number, recorded: number, seconds: number, trainSeconds?: number): SweepBenchRow {
  return { name, transport, lanes, jobs, recorded, wallSeconds: seconds, jobsPerSecond: jobs / seconds, overheadMsPerJob: (lanes * seconds * 1000) / jobs, ...(trainSeconds !== undefined ? { trainSeconds } : {}) };
}

export async function embeddedRun(spec: SweepSpec, lanes: number, dir: string, scrapeEveryMs?: number): Promise<{ seconds: number; recorded: number; store: ResultStore; scrapes: number; scrapeMs: number; serialiseMs: number }> {
  const broker = new InProcessBroker();
  const node = new WorkerNode(broker.worker, { lanes: Array.from({ length: lanes }, (_, i) => new Lane({ name: `cpu${i}`, device: 'cpu', slots: 1 })), heartbeatMs: 2000, log: quiet });
  const running = node.run();
  const store = new ResultStore(join(dir, `${spec.name}-${lanes}-${scrapeEveryMs ?? 0}.sqlite`));
  // Always the metrics (a sweep run with --metrics-port keeps them); the scraper is what varies.
  const metrics = new SweepMetrics();
  const server = await serveMetrics(metrics.registry, 0);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  // The scraper is its own process, as Prometheus is: what it costs the orchestrator is serving /metrics.
  const scraper = scrapeEveryMs ? await startScraper(url, scrapeEveryMs) : undefined;
  try {
    const started = performance.now();
    const outcome = await runSweep({ spec, store, transport: broker.orchestrator, log: quiet, metrics });
    const seconds = (performance.now() - started) / 1000;
    // What a scrape costs the orchestrator's thread: serialising the registry, on an idle loop.
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await metrics.registry.metrics();
    const serialiseMs = (performance.now() - t0) / 50;
    const scraped = scraper ? await scraper.stop() : { scrapes: 0, totalMs: 0 };
    return { seconds, recorded: outcome.counts.done, store, scrapes: scraped.scrapes, scrapeMs: scraped.totalMs, serialiseMs };
  } finally {
    scraper?.kill();
    server.close();
    broker.close();
    await node.stop();
    await running;
  }
}

// Fetches the URL every `everyMs` until stdin closes, then prints `<scrapes> <total ms>`.
const scraperScript = `
const [url, every] = [process.argv[1], Number(process.argv[2])];
let scrapes = 0, total = 0;
const timer = setInterval(() => { const t0 = performance.now(); fetch(url).then((r) => r.text()).then(() => { scrapes++; total += performance.now() - t0; }, () => undefined); }, every);
process.stdin.on('end', () => { clearInterval(timer); process.stdout.write(scrapes + ' ' + total + '\\n'); });
process.stdin.resume();
process.stdout.write('ready\\n');
`;

async function startScraper(url: string, everyMs: number): Promise<{ stop: () => Promise<{ scrapes: number; totalMs: number }>; kill: () => void }> {
  const child = spawn(process.execPath, ['-e', scraperScript, url, String(everyMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.startsWith('ready\n')) resolve();
    });
    child.on('error', reject);
  });
  return {
    stop: async () => {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.stdin!.end();
      await exited;
      const [scrapes, totalMs] = out.slice('ready\n'.length).trim().split(' ').map(Number);
      return { scrapes: scrapes ?? 0, totalMs: totalMs ?? 0 };
    },
    kill: () => child.kill(),
  };
}

async function natsRun(spec: SweepSpec, lanes: number, dir: string): Promise<{ seconds: number; recorded: number } | { skipped: string }> {
  const server = await startNatsServer();
  if ('skipped' in server) return server;
  let worker: ChildProcess | undefined;
  try {
    const cli = fileURLToPath(new URL('../../bin/main.js', import.meta.url));
    worker = spawn(process.execPath, [cli, 'worker', '--nats', server.url, '--cpus', String(lanes)], { stdio: 'ignore', env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' } });
    const { NatsOrchestratorTransport } = await import('../../protocol/nats/index.js');
    const transport = await NatsOrchestratorTransport.connect({ servers: server.url });
    const store = new ResultStore(join(dir, `${spec.name}-nats.sqlite`));
    try {
      return await timed(spec, transport, store);
    } finally {
      await transport.close();
      store.close();
    }
  } finally {
    worker?.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.stop();
  }
}

export interface SweepBenchOptions {
  quick: boolean;
  log: (line: string) => void;
}

export interface ScrapeCost {
  jobs: number;
  lanes: number;
  /** Wall seconds of each repetition, unscraped and scraped every second, in pairs (index i with i). */
  plain: number[];
  scraped: number[];
  scrapes: number;
  /** Client-side latency of one scrape (includes waiting for the busy event loop). */
  meanScrapeMs: number;
  /** Serialising the registry once on an idle loop: the CPU a scrape takes from the orchestrator. */
  serialiseMs: number;
}

export interface SweepBenchRun {
  rows: SweepBenchRow[];
  scrape?: ScrapeCost;
  skipped: string[];
  machine: string;
}

export async function runSweepBench(options: SweepBenchOptions): Promise<SweepBenchRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
  const rows: SweepBenchRow[] = [];
  const skipped: string[] = [];
  let scrape: ScrapeCost | undefined;
  const jobs = options.quick ? 200 : 2000;
  try {
    const embedded = await embeddedRun(noopSpec('noop-embedded', jobs), 8, dir);
    embedded.store.close();
    rows.push(row('no-op jobs', 'in-process', 8, jobs, embedded.recorded, embedded.seconds));
    options.log(`embedded: ${jobs} no-op jobs on 8 lanes in ${embedded.seconds.toFixed(2)} s`);
    const nats = await natsRun(noopSpec('noop-nats', jobs), 8, dir);
    if ('skipped' in nats) skipped.push(`NATS: ${nats.skipped}`);
    else {
      rows.push(row('no-op jobs', 'nats', 8, jobs, nats.recorded, nats.seconds));
      options.log(`nats: ${jobs} no-op jobs on 8 lanes in ${nats.seconds.toFixed(2)} s`);
    }
    // Scraping every second: alternating runs with and without a 1 Hz scraper of /metrics.
    // Long enough for ten or more scrapes per run (no-op jobs run at ~2,000/s embedded here).
    const scrapeJobs = options.quick ? jobs : 20_000;
    scrape = { jobs: scrapeJobs, lanes: 8, plain: [], scraped: [], scrapes: 0, meanScrapeMs: 0, serialiseMs: 0 };
    let scrapeMs = 0;
    for (let rep = 0; rep < (options.quick ? 2 : 10); rep++) {
      // Alternate which goes first, so a slow drift of the machine does not favour one side.
      for (const every of rep % 2 ? [1000, undefined] : [undefined, 1000]) {
        const run = await embeddedRun(noopSpec(`scrape-${rep}-${every ?? 0}`, scrapeJobs), 8, dir, every);
        run.store.close();
        if (run.recorded !== scrapeJobs) throw new Error(`scrape run recorded ${run.recorded} of ${scrapeJobs} jobs`);
        (every ? scrape.scraped : scrape.plain).push(run.seconds);
        scrape.scrapes += run.scrapes;
        scrapeMs += run.scrapeMs;
        scrape.serialiseMs = Math.max(scrape.serialiseMs, run.serialiseMs);
      }
    }
    scrape.meanScrapeMs = scrape.scrapes ? scrapeMs / scrape.scrapes : 0;
    options.log(`scraping: plain ${scrape.plain.map((s) => s.toFixed(2)).join(', ')} s; scraped ${scrape.scraped.map((s) => s.toFixed(2)).join(', ')} s`);
    // Real training jobs: 1 lane, then 2, same four jobs (heat, mollified PINN).
    const epochs = options.quick ? 20 : 300;
    const training = (name: string) => parseSpec(`name: ${name}\nseeds: 4\nbase: {pde: heat, grid: 32, epochs: ${epochs}, sample: 1}\n`);
    for (const lanes of [1, 2]) {
      const run = await embeddedRun(training(`train-${lanes}`), lanes, dir);
      const trainSeconds = run.store.jobs().reduce((sum, j) => sum + (typeof j.metrics?.time_s === 'number' ? j.metrics.time_s : 0), 0);
      run.store.close();
      rows.push(row(`heat PINN+M, ${epochs} epochs`, 'in-process', lanes, 4, run.recorded, run.seconds, trainSeconds));
      options.log(`training: 4 jobs on ${lanes} lane(s) in ${run.seconds.toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return { rows, scrape, skipped, machine: `${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}` };
}

export function sweepBenchMarkdown(run: SweepBenchRun, command: string, when: Date): string {
  const noop = run.rows.filter((r) => r.name === 'no-op jobs');
  const train = run.rows.filter((r) => r.name !== 'no-op jobs');
  const speedup = train.length === 2 ? train[0]!.wallSeconds / train[1]!.wallSeconds : null;
  const lines = [
    '## Sweep orchestration: throughput, per-job overhead, lane speed-up',
    '',
    `\`${command}\` on ${when.toISOString().slice(0, 10)}; ${run.machine}. Every row's jobs were all recorded in a real SQLite store (\`recorded\`).`,
    '',
    '| jobs | transport | lanes | jobs run | recorded | wall (s) | jobs/s | overhead per job (lane-ms) |',
    '|---|---|---|---|---|---|---|---|',
    ...noop.map((r) => `| ${r.name} | ${r.transport} | ${r.lanes} | ${r.jobs} | ${r.recorded} | ${r.wallSeconds.toFixed(2)} | ${r.jobsPerSecond.toFixed(0)} | ${r.overheadMsPerJob.toFixed(1)} |`),
    '',
    'Overhead per job = lanes × wall time / jobs: a no-op job does no work, so this is what scheduling, the thread hop, the wire, the store commit and the ack cost one lane per job. Over NATS the worker is a separate process with 8 CPU lanes.',
    '',
    '| jobs | lanes | jobs | wall (s) | sum of training time (s) | speed-up |',
    '|---|---|---|---|---|---|',
    ...train.map((r, i) => `| ${r.name} | ${r.lanes} | ${r.jobs} | ${r.wallSeconds.toFixed(1)} | ${r.trainSeconds?.toFixed(1) ?? '—'} | ${i === 1 && speedup ? `${speedup.toFixed(2)}×` : '—'} |`),
    '',
    speedup ? `From 1 to 2 lanes on this 2-core machine: ${speedup.toFixed(2)}× (each training job is single-threaded wasm; the sum of training time grows when two jobs share the machine's memory bandwidth).` : '',
    ...(run.skipped.length ? ['', `Not run: ${run.skipped.join('; ')}.`] : []),
    ...(run.scrape ? ['', ...scrapeSection(run.scrape)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function scrapeSection(s: ScrapeCost): string[] {
  const plain = median(s.plain);
  const scraped = median(s.scraped);
  // Paired: each scraped run against the unscraped run next to it.
  const costs = s.plain.map((p, i) => (s.scraped[i]! - p) / p);
  const cost = summarise(costs);
  const [low, high] = cost.ci95 ?? [Number.NaN, Number.NaN];
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  return [
    '### Cost of a Prometheus scrape every second',
    '',
    `${s.jobs} no-op jobs on ${s.lanes} embedded lanes with the metrics on; ${s.plain.length} pairs of runs, one without a scraper and one with /metrics fetched every second by a separate process (as Prometheus would), the order alternating from pair to pair. No-op jobs are the worst case: the orchestrator's own work is all there is, and the scraper shares these 2 cores.`,
    '',
    '| | runs (s) | median (s) | jobs/s |',
    '|---|---|---|---|',
    `| not scraped | ${s.plain.map((v) => v.toFixed(2)).join(', ')} | ${plain.toFixed(2)} | ${(s.jobs / plain).toFixed(0)} |`,
    `| scraped every 1 s | ${s.scraped.map((v) => v.toFixed(2)).join(', ')} | ${scraped.toFixed(2)} | ${(s.jobs / scraped).toFixed(0)} |`,
    '',
    `Throughput cost of scraping, paired: mean ${pct(cost.mean ?? Number.NaN)}, 95 % t-interval [${pct(low)}, ${pct(high)}] over ${costs.length} pairs: ${high < 0.01 ? 'under the 1 % target at 95 % confidence' : 'NOT shown under the 1 % target'}${(cost.mean ?? 0) < 0 ? ' (the scraped runs were no slower; the negative mean is run-to-run drift, not a gain)' : ''}.`,
    '',
    `The direct measure: serialising the registry takes ${s.serialiseMs.toFixed(2)} ms of the orchestrator's thread (the worst of the runs, mean of 50 calls after each), so a scrape every second costs ${(s.serialiseMs / 10).toFixed(2)} % of one core. ${s.scrapes ? `Seen from the scraper, one scrape took ${s.meanScrapeMs.toFixed(1)} ms end to end (mean of ${s.scrapes}), most of it waiting for the busy event loop, not work.` : 'The runs were too short for a scrape to land.'}`,
  ];
}
