// One question asked of a child Node process that answers with a single marked JSON line on stdout (the
// WebGPU probe, the per-rung probes): a process of its own, because Dawn writes to stderr and a native
// backend or driver that crashes must not take the caller with it.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const answerMarker = 'MOLLIFIER_ANSWER ';

/** Writes the answer for askChild, then ends the process (Dawn and native backends keep the loop alive). */
export function answer(value: unknown): never {
  process.stdout.write(`${answerMarker}${JSON.stringify(value)}\n`);
  process.exit(0);
}

export type ChildAnswer<T> = { ok: true; value: T; stderr: string } | { ok: false; why: string };

/** Runs `script` (a file next to this one, compiled) with `args` and `env`; resolves with its answer or why not. */
export function askChild<T>(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildAnswer<T>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [path, ...args], { timeout: timeoutMs, maxBuffer: 1 << 20, env }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith(answerMarker));
      if (line) return resolve({ ok: true, value: JSON.parse(line.slice(answerMarker.length)) as T, stderr });
      const why = error?.killed ? `no answer within ${timeoutMs / 1000} s` : (stderr.trim().split('\n').pop() || error?.message || 'no answer');
      resolve({ ok: false, why: why.slice(0, 200) });
    });
  });
}
