// What `bench backends` runs: the same training steps on every backend (and PyTorch) at three sizes. A tanh
// MLP 2 → 5×128 → 1 (the reference step of docs/benchmarks.md), Adam, with (a) a data loss only, (b) + a Laplacian
// residual, (c) + a biharmonic residual, the residual's derivatives by nested autodiff or the mollifier layer.
import type { StepConfig, BenchMethod, BenchOrder } from '../derivatives/config.js';

export const backendBenchSizes = [4096, 16384, 65536] as const;

export const backendBenchCases: ReadonlyArray<{ order: BenchOrder; method: BenchMethod; label: string }> = [
  { order: 2, method: 'data', label: 'data only' },
  { order: 2, method: 'autodiff', label: '+ Laplacian, autodiff' },
  { order: 2, method: 'mollifier', label: '+ Laplacian, mollified' },
  { order: 4, method: 'autodiff', label: '+ biharmonic, autodiff' },
  { order: 4, method: 'mollifier', label: '+ biharmonic, mollified' },
];

export interface BackendPlanOptions {
  /** Grid sizes (points, perfect squares); default 4096, 16384, 65536. */
  sizes?: readonly number[];
  quick?: boolean;
}

export function backendBenchPlan(options: BackendPlanOptions = {}): StepConfig[] {
  const sizes = options.quick ? [256] : (options.sizes ?? backendBenchSizes);
  const steps = options.quick ? { steps: 2, warmup: 1 } : { steps: 5, warmup: 2 };
  return sizes.flatMap((points) =>
    backendBenchCases.map(({ order, method }) => ({ order, method, points, depth: 5, width: 128, radius: 4, seed: 1, ...steps })),
  );
}

export function caseLabel(config: Pick<StepConfig, 'order' | 'method'>): string {
  return backendBenchCases.find((c) => c.order === config.order && c.method === config.method)?.label ?? `${config.order}/${config.method}`;
}
