// Time and memory of one configuration, in the current process. Run it in a process of its own
// (child.ts): the wasm heap never shrinks, and an out-of-memory must end that process, not the run.
import { peakTensorBytes } from '../../mollifier/index.js';
import { createBenchProblem } from './problem.js';
import type { StepConfig } from './config.js';

export interface StepMeasurement {
  msPerStep: number;
  msPerStepMean: number;
  /** Peak live tensor bytes of one training step (backend/peak-memory.ts; device memory on a GPU). */
  peakBytes: number;
  /** Peak resident set size of the process, bytes. */
  rssPeakBytes: number;
  finalLoss: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function measureStep(config: StepConfig): Promise<StepMeasurement> {
  const problem = createBenchProblem(config);
  try {
    for (let i = 0; i < config.warmup; i++) await problem.step();
    const times: number[] = [];
    let finalLoss = NaN;
    for (let i = 0; i < config.steps; i++) {
      const start = performance.now();
      finalLoss = await problem.step();
      times.push(performance.now() - start);
    }
    // Memory on an extra, untimed step: the byte watcher must not enter the times.
    const peakBytes = await peakTensorBytes(async () => {
      await problem.step();
    });
    return {
      msPerStep: median(times),
      msPerStepMean: times.reduce((a, b) => a + b, 0) / times.length,
      peakBytes,
      rssPeakBytes: process.resourceUsage().maxRSS * 1024,
      finalLoss,
    };
  } finally {
    problem.dispose();
  }
}
