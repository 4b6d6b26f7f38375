// Which configurations the derivative benchmark runs (the paper's Fig. 1a and Table 1 motivation).
export const benchMethods = ['data', 'autodiff', 'mollifier'] as const;
export type BenchMethod = (typeof benchMethods)[number];
export type BenchOrder = 1 | 2 | 4;

export interface StepConfig {
  /** 1: u' + u = f on a 1D grid; 2: Δu + f = 0 on a 2D grid; 4: Δ²u = f on a 2D grid. */
  order: BenchOrder;
  /** Hidden layers of the tanh MLP. */
  depth: number;
  width: number;
  /** Grid nodes: n in 1D, side² in 2D. */
  points: number;
  method: BenchMethod;
  steps: number;
  warmup: number;
  /** Mollifier kernel radius in cells. */
  radius: number;
  seed: number;
}

export interface BenchPlan {
  configs: StepConfig[];
  /** Timeout of one configuration's worker process, ms. */
  timeoutMs: number;
}

export interface PlanOptions {
  quick: boolean;
  depths?: number[];
}

const side = (points: number) => Math.round(Math.sqrt(points));

export function gridSide(config: Pick<StepConfig, 'order' | 'points'>): number[] {
  return config.order === 1 ? [config.points] : [side(config.points), side(config.points)];
}

/**
 * Full plan: orders 1, 2, 4 × depths 3..15 × the three methods at 4096 points (64×64 in 2D), then a size
 * sweep of the 4th-order case at depth 5 to find the largest grid nested autodiff can still run.
 */
export function benchPlan(options: PlanOptions): BenchPlan {
  const width = 128;
  const radius = 4;
  const base = { width, radius, seed: 1 };
  if (options.quick) {
    const configs: StepConfig[] = [];
    for (const order of [1, 2, 4] as const) {
      for (const method of benchMethods) {
        configs.push({ ...base, order, depth: 3, points: order === 1 ? 256 : 16 * 16, method, steps: 2, warmup: 1 });
      }
    }
    return { configs, timeoutMs: 60_000 };
  }
  const depths = options.depths ?? [3, 5, 7, 9, 11, 13, 15];
  const configs: StepConfig[] = [];
  for (const order of [1, 2, 4] as const) {
    for (const depth of depths) {
      for (const method of benchMethods) configs.push({ ...base, order, depth, points: 4096, method, steps: 5, warmup: 2 });
    }
  }
  for (const sideLength of [12, 16, 20, 24, 32, 40, 48]) {
    for (const method of ['autodiff', 'mollifier'] as const) {
      configs.push({ ...base, order: 4, depth: 5, points: sideLength * sideLength, method, steps: 3, warmup: 1 });
    }
  }
  return { configs, timeoutMs: 240_000 };
}
