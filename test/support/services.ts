// Real services for tests: find the binary, start it on a free loopback port with a temp dir, stop it by PID.
// On CI (CI=true) a missing binary fails the test; elsewhere the test is skipped with the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/usr/local/bin']) {
    const path = join(dir, name);
    if (spawnSync('test', ['-x', path]).status === 0) return path;
  }
  return undefined;
}

/** The binary, or a skip reason; throws on CI, where a missing service is a failure. */
export function requireBinary(name: string): { path: string } | { skip: string } {
  const path = findBinary(name);
  if (path) return { path };
  const message = `${name} is not installed (apt-get install -y --no-install-recommends ${name === 'nats-server' ? 'nats-server' : name})`;
  if (process.env.CI === 'true') throw new Error(`${message}: required on CI`);
  return { skip: message };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms`);
}

export class NatsServer {
  private process: ChildProcess | undefined;
  readonly url: string;

  private constructor(
    readonly binary: string,
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    readonly extraArgs: string[],
  ) {
    this.url = `nats://127.0.0.1:${port}`;
  }

  /** extraArgs: e.g. ['--user', 'u', '--pass', 'p'] for an authenticated server. */
  static async start(binary: string, extraArgs: string[] = []): Promise<NatsServer> {
    const server = new NatsServer(binary, await freePort(), await freePort(), mkdtempSync(join(tmpdir(), 'mollifier-nats-')), extraArgs);
    await server.startProcess();
    return server;
  }

  private async startProcess(): Promise<void> {
    const child = spawn(this.binary, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-m', String(this.monitorPort), '-sd', this.storeDir, ...this.extraArgs], { stdio: 'ignore' });
    this.process = child;
    await waitFor(async () => (await fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`)).ok, 10_000, 'nats-server');
  }

  /** Stop (SIGTERM, by PID) and start again on the same port and store dir. */
  async restart(downMs = 500): Promise<void> {
    await this.stopProcess();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startProcess();
  }

  private stopProcess(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

/** A CLI process whose output lines are collected. */
export class CliProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(cli: string, args: string[], env: Record<string, string> = {}, cwd?: string) {
    this.child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
    let buffer = '';
    const collect = (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      this.lines.push(...parts);
    };
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }

  /** Resolves when a line matches (or rejects after timeoutMs). */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    await waitFor(async () => this.lines.some((l) => pattern.test(l)), timeoutMs, `a line matching ${pattern}`);
    return this.lines.find((l) => pattern.test(l))!;
  }
}

/** A nats-server started from a configuration file (its monitoring port given, to know when it is up). */
export async function startNatsFromConfig(binary: string, conf: string, monitorPort: number): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(binary, ['-c', conf], { stdio: 'ignore' });
  await waitFor(async () => (await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`)).ok, 10_000, `nats-server -c ${conf}`);
  return {
    stop: () =>
      child.exitCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
  };
}

/** The KEY=value lines of an env file, as `set -a; . FILE` would export them. */
export function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(readFileSync(path, 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
}
