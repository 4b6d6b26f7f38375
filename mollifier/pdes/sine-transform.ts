// The type-I discrete sine transform diagonalises the 5-point Laplacian with zero Dirichlet boundaries.
// It is applied as a dense m×m matrix product along each axis: O(m³) work, but no m²×m² system, and at
// 256×256 a fraction of a second.

/** S[j][k] = sin(π (j+1)(k+1) / (m+1)), row-major. S·S = (m+1)/2 · I. */
export function sineMatrix(m: number): Float64Array {
  const s = new Float64Array(m * m);
  for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) s[j * m + k] = Math.sin((Math.PI * (j + 1) * (k + 1)) / (m + 1));
  return s;
}

/** out = S·A·S for a square m×m field A (row-major), using the symmetry of S. */
export function sineTransform2d(a: Float64Array, s: Float64Array, m: number): Float64Array {
  const tmp = new Float64Array(m * m);
  // tmp = A·S (row i of A against column k of S = row k of S, as S is symmetric)
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const col = k * m;
      let sum = 0;
      for (let j = 0; j < m; j++) sum += a[row + j]! * s[col + j]!;
      tmp[row + k] = sum;
    }
  }
  const out = new Float64Array(m * m);
  // out = S·tmp, accumulated row by row for contiguous access.
  for (let i = 0; i < m; i++) {
    const target = i * m;
    for (let j = 0; j < m; j++) {
      const factor = s[i * m + j]!;
      const source = j * m;
      for (let k = 0; k < m; k++) out[target + k] += factor * tmp[source + k]!;
    }
  }
  return out;
}

/**
 * Solve the 5-point discrete Poisson problem Δ_h u = rhs on the interior m×m nodes of a square grid with
 * spacing h and u = 0 on the boundary.
 */
export function solveDirichletPoisson(rhs: Float64Array, m: number, h: number): Float64Array {
  const s = sineMatrix(m);
  const spectrum = sineTransform2d(rhs, s, m);
  const eigen = Float64Array.from({ length: m }, (_, j) => (2 * Math.cos((Math.PI * (j + 1)) / (m + 1)) - 2) / (h * h));
  const scale = (2 / (m + 1)) ** 2;
  for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) spectrum[j * m + k] = (spectrum[j * m + k]! * scale) / (eigen[j]! + eigen[k]!);
  return sineTransform2d(spectrum, s, m);
}
