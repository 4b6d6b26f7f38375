// Learning-rate schedule of the paper's training set-up: constant, then cosine decay to lr_min.
//   lr(t) = lr0 for t < t0, else lr_min + ½(lr0 − lr_min)(1 + cos(π (t − t0)/(T − t0)))

export interface ScheduleOptions {
  /** lr0 [choice: 1e-3]. */
  initial: number;
  /** lr_min [choice: 1e-5]. */
  minimum: number;
  /** T: total steps. */
  total: number;
  /** t0 as a fraction of T [choice: 0.1]. */
  constantFraction: number;
}

export const scheduleDefaults = { initial: 1e-3, minimum: 1e-5, constantFraction: 0.1 } as const;

export function learningRate(step: number, options: ScheduleOptions): number {
  const t0 = Math.floor(options.constantFraction * options.total);
  if (step < t0 || options.total <= t0) return options.initial;
  const progress = Math.min(1, (step - t0) / (options.total - t0));
  return options.minimum + 0.5 * (options.initial - options.minimum) * (1 + Math.cos(Math.PI * progress));
}
