// Child-process entry for test/webgpu.test.ts: the sum of a tensor past the device's storage-binding limit
// (lavapipe: 128 MiB), with or without the backend's fixes (argv[2] = 'fixes' | 'no-fixes'). Prints one JSON line.
import { initBackend, tf } from '../../mollifier/backend/index.js';

if (process.argv[2] === 'fixes' || process.argv[2] === 'no-fixes') {
  const choice = await initBackend({ log: false, fixes: process.argv[2] === 'fixes' });
  const n = 40_000_000;
  const ones = tf.ones([n]);
  const sum = tf.sum(tf.add(ones, ones));
  let outcome: { sum?: number; error?: string };
  try {
    outcome = { sum: (await sum.data())[0]! };
  } catch (error) {
    outcome = { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
  const after = tf.sum(tf.ones([1000]));
  process.stdout.write(`${JSON.stringify({ backend: choice.tfBackend, expected: 2 * n, ...outcome, after: (await after.data())[0] })}\n`);
  process.exit(0);
}
