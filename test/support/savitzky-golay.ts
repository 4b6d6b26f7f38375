// Savitzky-Golay derivative weights (Savitzky & Golay 1964): the d-th derivative at the centre of the degree-p
// polynomial fitted by least squares to 2m + 1 equally spaced samples. The classic noise-robust differentiator of a
// given width, and so the fair baseline for a mollifier of the same width (test/kernels.test.ts).
import { solveLinearSystem } from '../../mollifier/kernels/linear-solve.js';

export function savitzkyGolayWeights(halfWidth: number, degree: number, derivative: number, spacing: number): Float64Array {
  const n = degree + 1;
  // Normal equations of the fit over offsets k = −m..m: (AᵀA) a = Aᵀ y with A[k][j] = k^j.
  const normal = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let k = -halfWidth; k <= halfWidth; k++) normal[a * n + b]! += k ** (a + b);
  const unit = new Float64Array(n);
  unit[derivative] = 1;
  const row = solveLinearSystem(normal, unit);
  if (!row) throw new Error(`Savitzky-Golay: no fit of degree ${degree} on ${2 * halfWidth + 1} points`);
  let factorial = 1;
  for (let i = 2; i <= derivative; i++) factorial *= i;
  // The fitted polynomial's d-th derivative at 0 is d! · a_d, and a_d = Σ_k (AᵀA)⁻¹[d]·A[k] y_k.
  return Float64Array.from({ length: 2 * halfWidth + 1 }, (_, i) => {
    const k = i - halfWidth;
    let weight = 0;
    for (let a = 0; a < n; a++) weight += row[a]! * k ** a;
    return (factorial * weight) / spacing ** derivative;
  });
}
