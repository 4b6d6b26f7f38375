// Truncated power series: coefficients c[0..n-1] of f(s0 + t) = Σ c[k] t^k. Composing the kernel
// formula from these few operations gives every derivative exactly (f^(k)(s0) = k! c[k]), so no family
// needs hand-derived derivative formulas.
export type Series = Float64Array;

export function constantSeries(value: number, n: number): Series {
  const out = new Float64Array(n);
  out[0] = value;
  return out;
}

/** The series of a + b·(s0 + t) expanded around s0. */
export function affineSeries(a: number, b: number, s0: number, n: number): Series {
  const out = new Float64Array(n);
  out[0] = a + b * s0;
  if (n > 1) out[1] = b;
  return out;
}

export function multiplySeries(x: Series, y: Series): Series {
  const n = x.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sum = 0;
    for (let j = 0; j <= k; j++) sum += x[j]! * y[k - j]!;
    out[k] = sum;
  }
  return out;
}

export function scaleSeries(x: Series, factor: number): Series {
  return x.map((c) => c * factor);
}

export function reciprocalSeries(x: Series): Series {
  const n = x.length;
  const out = new Float64Array(n);
  out[0] = 1 / x[0]!;
  for (let k = 1; k < n; k++) {
    let sum = 0;
    for (let j = 1; j <= k; j++) sum += x[j]! * out[k - j]!;
    out[k] = -sum / x[0]!;
  }
  return out;
}

export function expSeries(x: Series): Series {
  const n = x.length;
  const out = new Float64Array(n);
  out[0] = Math.exp(x[0]!);
  for (let k = 1; k < n; k++) {
    let sum = 0;
    for (let j = 1; j <= k; j++) sum += j * x[j]! * out[k - j]!;
    out[k] = sum / k;
  }
  return out;
}

/** cos(a + b·(s0 + t)): the k-th derivative of cos is cos(· + kπ/2). */
export function cosAffineSeries(a: number, b: number, s0: number, n: number): Series {
  const out = new Float64Array(n);
  const phase = a + b * s0;
  let factorial = 1;
  for (let k = 0; k < n; k++) {
    if (k > 0) factorial *= k;
    out[k] = (Math.cos(phase + (k * Math.PI) / 2) * b ** k) / factorial;
  }
  return out;
}

/** f^(k)(s0) for k = 0..n-1 from the series of f around s0. */
export function seriesDerivatives(x: Series): Float64Array {
  const out = new Float64Array(x.length);
  let factorial = 1;
  for (let k = 0; k < x.length; k++) {
    if (k > 0) factorial *= k;
    out[k] = x[k]! * factorial;
  }
  return out;
}
