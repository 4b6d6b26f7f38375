// The polynomial behind every derivative of tanh: a pure function shared by the kernel (kernels.ts) and its ops
// fallback and gradient (tanh-grad.ts).

/**
 * Highest derivative order offered: Q_10's largest coefficient, 9,676,800, is the last below 2^24, so up to here the
 * coefficients are exact in float32 (the kernel's type). Far above what autodiff needs: a 4th-order PDE term
 * under the weights' gradient is tanh's 5th or 6th derivative.
 */
export const maxTanhDerivativeOrder = 10;

const factors = new Map<number, number[]>();

/**
 * Q_k, ascending coefficients, with tanh⁽ᵏ⁾(x) = (1 − t²)·Q_k(t), t = tanh(x): Q_1 = 1 and, since d/dx = (1 − t²) d/dt,
 * Q_{k+1} = d/dt[(1 − t²)·Q_k] = −2t·Q_k + (1 − t²)·Q_k'. Built in float64: integers, exact.
 */
export function tanhDerivativeFactor(order: number): number[] {
  if (!Number.isInteger(order) || order < 1 || order > maxTanhDerivativeOrder) {
    throw new RangeError(`tanh derivative order ${order} is not an integer in 1..${maxTanhDerivativeOrder}`);
  }
  const known = factors.get(order);
  if (known) return known;
  let q = [1];
  for (let k = 1; k < order; k++) {
    const next = new Array<number>(q.length + 1).fill(0);
    q.forEach((c, j) => {
      next[j + 1]! -= 2 * c; // −2t·Q
      if (j > 0) {
        next[j - 1]! += j * c; // Q'
        next[j + 1]! -= j * c; // −t²·Q'
      }
    });
    q = next;
  }
  factors.set(order, q);
  return q;
}
