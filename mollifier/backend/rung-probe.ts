// Run as a child process by availability.ts: starts one rung of the ladder (argv[2]) as MOLLIFIER_BACKEND
// would, checks it computes, and answers with the outcome (child-answer.ts). One process per rung, because
// tfjs-node and tfjs-node-gpu cannot both load in one process and a rung that crashes must not end the report.
import { initBackend, type BackendName } from './select.js';
import { tf } from './tf.js';
import { answer } from './child-answer.js';
import { describeNative } from './native/install.js';

const name = process.argv[2] as BackendName;
let outcome: { available: boolean; device: string | null; reason: string | null; native?: string };
try {
  const choice = await initBackend({ backend: name, log: false });
  const sum = tf.add(tf.scalar(1), tf.scalar(2));
  const value = (await sum.data())[0];
  sum.dispose();
  const native = choice.native ? { native: describeNative(choice.native) } : {};
  outcome = value === 3
    ? { available: true, device: choice.device, reason: null, ...native }
    : { available: false, device: choice.device, reason: `1 + 2 gave ${value}`, ...native };
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  outcome = { available: false, device: null, reason: message.replace(/^MOLLIFIER_BACKEND=\S+: /, '').split('\n')[0]! };
}
answer(outcome);
