// The pieces the NATS sweep tests share: a temp folder, a real nats-server started per test, no-op specs,
// worker and orchestrator processes of the real CLI, and the store's rows.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ResultStore } from '../../orchestrator/store.js';
import { CliProcess, NatsServer, requireBinary } from './services.js';

export const cli = fileURLToPath(new URL('../../bin/main.js', import.meta.url));

export class SweepHarness {
  readonly binary = requireBinary('nats-server');
  /** A skip reason where nats-server is missing (never on CI: requireBinary throws there). */
  readonly skip: string | false = 'skip' in this.binary ? this.binary.skip : false;
  private folder: string | undefined;
  private current: NatsServer | undefined;

  get dir(): string {
    return (this.folder ??= mkdtempSync(join(tmpdir(), 'mollifier-sweep-')));
  }

  get server(): NatsServer {
    if (!this.current) throw new Error('no nats-server: call withServer');
    return this.current;
  }

  /** A no-op sweep of `jobs` jobs (one seed), each "running" durationMs. */
  spec(name: string, jobs: number, durationMs: number, extra = ''): string {
    const path = join(this.dir, `${name}.yaml`);
    writeFileSync(path, `name: ${name}\nseeds: 1\n${extra}base: {kind: noop, duration-ms: ${durationMs}}\nmatrix:\n  label: [${Array.from({ length: jobs }, (_, i) => i).join(', ')}]\n`);
    return path;
  }

  worker(host: string, cpus = 1, extra: string[] = [], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(cli, ['worker', '--nats', this.server.url, '--cpus', String(cpus), '--host', host, '--ack-wait', '2', '--max-deliver', '5', ...extra], env);
  }

  orchestrator(specPath: string, store: string, extra: string[] = [], env: Record<string, string> = {}): CliProcess {
    return new CliProcess(cli, ['sweep', 'run', specPath, '--nats', this.server.url, '--store', store, '--no-table', ...extra], env);
  }

  storeRows(path: string) {
    const store = new ResultStore(path);
    try {
      return store.jobs();
    } finally {
      store.close();
    }
  }

  async withServer(body: () => Promise<void>, serverArgs: string[] = []): Promise<void> {
    this.current = await NatsServer.start((this.binary as { path: string }).path, serverArgs);
    try {
      await body();
    } finally {
      await this.current.stop();
      this.current = undefined;
    }
  }

  /** A server, a worker pulling from it, and a plain client of it (a forger, an inspector); all gone after body. */
  withWorkerAndClient(host: string, body: (nc: NatsConnection, worker: CliProcess) => Promise<void>): Promise<void> {
    return this.withServer(async () => {
      const worker = this.worker(host);
      await worker.waitForLine(/pulling from/);
      const nc = await connect({ servers: this.server.url });
      try {
        await body(nc, worker);
      } finally {
        await nc.close();
        worker.kill();
        await worker.exited;
      }
    });
  }

  cleanUp(): void {
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
  }
}

export const startsOf = (lines: string[], job: string) => lines.filter((l) => l.includes(`"msg":"job ${job} started"`)).length;
