// A throwaway nats-server for benchmarks: JetStream on loopback, free ports, its own store folder, stopped by PID.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export interface BenchNatsServer {
  url: string;
  stop(): Promise<void>;
}

/** The server, or why there is none (not installed). */
export async function startNatsServer(): Promise<BenchNatsServer | { skipped: string }> {
  const binary = ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((p) => spawnSync('test', ['-x', p]).status === 0);
  if (!binary) return { skipped: 'nats-server not installed' };
  const [port, monitor] = [await freePort(), await freePort()];
  const storeDir = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const server = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitor), '-sd', storeDir], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if (await fetch(`http://127.0.0.1:${monitor}/healthz?js-enabled-only=true`).then((r) => r.ok).catch(() => false)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (server.exitCode === null) await new Promise((resolve) => (server.once('exit', resolve), server.kill('SIGTERM')));
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
