// `mollifier bench chaos`: a sweep under fire. 2,000 no-op jobs over a real nats-server on two worker processes,
// one of which is SIGKILLed and restarted every 5 s, while a client publishes garbage on every subject the
// system uses (malformed jobs, results, forged results without tickets, progress, heartbeats, cancels,
// advisories). Beside it, in the same run, the same sweep with no chaos: the baseline. Every job must be
// recorded exactly once in both.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { parseSpec } from '../../orchestrator/spec.js';
import { ResultStore } from '../../orchestrator/store.js';
import { runSweep } from '../../orchestrator/sweep-runner.js';
import { protocolVersion, subjects } from '../../protocol/index.js';
import { startNatsServer } from '../nats-server.js';

export interface ChaosRow {
  name: 'baseline' | 'chaos';
  jobs: number;
  /** Jobs the store holds as done, and jobs whose result ended them (each exactly once when both equal `jobs`). */
  done: number;
  ended: number;
  /** Results that arrived for jobs already ended (a killed worker's job ran again elsewhere): ignored. */
  duplicates: number;
  refused: number;
  /** Jobs that ended failed, and why (the reasons, counted). */
  failed: number;
  reasons: Record<string, number>;
  kills: number;
  garbage: number;
  invalidLogged: number;
  wallSeconds: number;
  jobsPerSecond: number;
}

export interface ChaosRun {
  rows: ChaosRow[];
  machine: string;
  settings: { jobs: number; durationMs: number; lanesPerWorker: number; killEveryMs: number; garbageEveryMs: number; ackWaitS: number };
  skipped?: string;
}

const cli = fileURLToPath(new URL('../../bin/main.js', import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function startWorker(url: string, host: string, lanes: number, ackWaitS: number): ChildProcess {
  return spawn(process.execPath, [cli, 'worker', '--nats', url, '--cpus', String(lanes), '--host', host, '--ack-wait', String(ackWaitS), '--max-deliver', '100'], {
    stdio: 'ignore',
    env: { ...process.env, MOLLIFIER_LOG_LEVEL: 'warn' },
  });
}

/** Publishes garbage on every subject until stopped; returns how many messages it sent. */
async function startGarbage(url: string, sweep: string, run: string, everyMs: number): Promise<() => Promise<number>> {
  const nc = await connect({ servers: url });
  const bytes = (text: string) => new TextEncoder().encode(text);
  const forged = (i: number) =>
    JSON.stringify({
      v: protocolVersion, type: 'result', sweep, run, job: (i % 65536).toString(16).padStart(16, '0'), ticket: '0'.repeat(32), status: 'completed', metrics: { param_corr: 1 },
      attempt: 1, host: 'evil', lane: 'x', device: 'cpu', pid: 1, started_at: new Date().toISOString(), finished_at: new Date().toISOString(),
    });
  const targets: Array<[string, (i: number) => string]> = [
    [subjects.job(sweep, run), (i) => `not a job ${i}`],
    [subjects.job(sweep, run), () => JSON.stringify({ v: 99, type: 'job' })],
    [subjects.result(sweep, run, 'evil'), (i) => `junk ${i}`],
    [subjects.result(sweep, run, 'evil'), forged],
    [subjects.progress(sweep, 'evil'), (i) => `{"progress": ${i}}`],
    [subjects.heartbeat('evil', 'x'), () => '{"v": 2, "type": "heartbeat"}'],
    [subjects.cancel(sweep), () => '{"v": 2, "type": "cancel"}'],
    [subjects.giveUp, (i) => (i % 2 ? 'not an advisory' : JSON.stringify({ stream_seq: 'x' }))],
  ];
  let sent = 0;
  const timer = setInterval(() => {
    for (const [subject, body] of targets) nc.publish(subject, bytes(body(sent)));
    sent += targets.length;
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await nc.drain();
    return sent;
  };
}

async function one(name: ChaosRow['name'], url: string, dir: string, settings: ChaosRun['settings']): Promise<ChaosRow> {
  const sweep = `chaos-${name}`;
  const spec = parseSpec(`name: ${sweep}\nseeds: ${Math.ceil(settings.jobs / 100)}\nbase: {kind: noop, duration-ms: ${settings.durationMs}}\nmatrix:\n  label: [${Array.from({ length: 100 }, (_, i) => i).join(', ')}]\n`);
  const store = new ResultStore(join(dir, `${sweep}.sqlite`));
  const { run } = store.identity(sweep);
  const steady = startWorker(url, 'steady', settings.lanesPerWorker, settings.ackWaitS);
  let victim = startWorker(url, 'victim', settings.lanesPerWorker, settings.ackWaitS);
  let kills = 0;
  const killer = name === 'chaos'
    ? setInterval(() => {
        victim.kill('SIGKILL');
        kills++;
        victim = startWorker(url, 'victim', settings.lanesPerWorker, settings.ackWaitS);
      }, settings.killEveryMs)
    : undefined;
  const stopGarbage = name === 'chaos' ? await startGarbage(url, sweep, run, settings.garbageEveryMs) : async () => 0;
  const { NatsOrchestratorTransport } = await import('../../protocol/nats/index.js');
  let invalidLogged = 0;
  // The queue's settings are whoever creates it first's: here, explicitly, the workers' (ack_wait 2 s, max_deliver 100).
  const transport = await NatsOrchestratorTransport.connect({ servers: url }, { queue: { ackWaitMs: settings.ackWaitS * 1000, maxDeliver: 100 }, onInvalid: () => void invalidLogged++ });
  let garbage = 0;
  try {
    const started = performance.now();
    const outcome = await runSweep({ spec, store, transport, log: quiet });
    const wallSeconds = (performance.now() - started) / 1000;
    if (killer) clearInterval(killer);
    garbage = await stopGarbage();
    const reasons: Record<string, number> = {};
    for (const job of store.jobs(sweep)) if (job.status !== 'done') reasons[job.reason ?? job.status] = (reasons[job.reason ?? job.status] ?? 0) + 1;
    return {
      name, jobs: spec.jobs.length, done: outcome.counts.done, ended: outcome.ended, duplicates: outcome.duplicates, refused: outcome.refused, failed: outcome.counts.failed, reasons, kills, garbage, invalidLogged,
      wallSeconds, jobsPerSecond: spec.jobs.length / wallSeconds,
    };
  } finally {
    if (killer) clearInterval(killer);
    if (!garbage) await stopGarbage().catch(() => 0);
    await transport.close();
    store.close();
    steady.kill('SIGTERM');
    victim.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function runChaosBench(options: { quick: boolean; log: (line: string) => void }): Promise<ChaosRun> {
  const settings = { jobs: options.quick ? 200 : 2000, durationMs: 100, lanesPerWorker: 4, killEveryMs: 5000, garbageEveryMs: 10, ackWaitS: 2 };
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
  const server = await startNatsServer();
  if ('skipped' in server) return { rows: [], machine, settings, skipped: server.skipped };
  const dir = mkdtempSync(join(tmpdir(), 'bench-chaos-'));
  const rows: ChaosRow[] = [];
  try {
    for (const name of ['baseline', 'chaos'] as const) {
      const row = await one(name, server.url, dir, settings);
      rows.push(row);
      options.log(`${name}: ${row.done}/${row.jobs} done, ${row.failed} failed ${JSON.stringify(row.reasons)}, ${row.ended} ended once, ${row.duplicates} duplicate results ignored, ${row.refused} refused, ${row.kills} kills, ${row.garbage} garbage messages, ${row.wallSeconds.toFixed(1)} s`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await server.stop();
  }
  return { rows, machine, settings };
}

export function chaosBenchMarkdown(run: ChaosRun, command: string, when: Date): string {
  const s = run.settings;
  const [base, chaos] = run.rows;
  const lines = [
    '## A sweep under fire: a worker SIGKILLed every 5 s, garbage on every subject',
    '',
    `\`${command}\` on ${when.toISOString().slice(0, 10)}; ${run.machine}; a real nats-server 2.9 on loopback. ${s.jobs} no-op jobs of ${s.durationMs} ms on two worker processes of ${s.lanesPerWorker} CPU lanes (queue \`ack_wait\` ${s.ackWaitS} s, \`max_deliver\` 100); in the chaos row one worker is SIGKILLed and restarted every ${s.killEveryMs / 1000} s, and a client publishes, every ${s.garbageEveryMs} ms, garbage to the job, result, progress, heartbeat, cancel and give-up subjects (malformed bytes, another protocol version, results without their job's ticket). The baseline is the same sweep in the same run without either.`,
    '',
    '| run | jobs | done | failed | ended once | duplicate results ignored | forged results refused | invalid messages dropped | kills | garbage sent | wall (s) | jobs/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...run.rows.map((r) => `| ${r.name} | ${r.jobs} | ${r.done} | ${r.failed} | ${r.ended} | ${r.duplicates} | ${r.refused} | ${r.invalidLogged} | ${r.kills} | ${r.garbage} | ${r.wallSeconds.toFixed(1)} | ${r.jobsPerSecond.toFixed(0)} |`),
    '',
    base && chaos
      ? `Every job was recorded exactly once in both runs when done = ended = jobs: ${[base, chaos].every((r) => r.done === r.jobs && r.ended === r.jobs) ? 'it was' : '**it was not**'}. Under fire the sweep ran at ${(chaos.jobsPerSecond / base.jobsPerSecond).toFixed(2)}× the baseline's rate: a killed worker's running jobs wait out the ack_wait before another takes them, and their first results (if any were published before the kill) arrive as duplicates, which the store ignores.`
      : '',
    ...(run.skipped ? ['', `Not run: ${run.skipped}.`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
