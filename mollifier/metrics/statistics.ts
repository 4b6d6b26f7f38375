// Summary statistics of fields, on plain float64 arrays (simple-statistics does the arithmetic).
import { mean, sampleCorrelation, standardDeviation } from 'simple-statistics';

export function fieldMean(values: ArrayLike<number>): number {
  return mean(Array.from(values));
}

/** Population standard deviation. */
export function fieldStd(values: ArrayLike<number>): number {
  return standardDeviation(Array.from(values));
}

/**
 * Pearson correlation (the paper's eq. 53). NaN when either side is constant, which is the honest answer
 * for a constant true parameter: there is no spatial pattern to correlate with.
 */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`pearson: lengths ${a.length} and ${b.length} differ`);
  if (a.length < 2 || fieldStd(a) === 0 || fieldStd(b) === 0) return NaN;
  return sampleCorrelation(Array.from(a), Array.from(b));
}
