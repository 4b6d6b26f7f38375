// Periodic FFT helpers on float64 fields (row-major [ny][nx], value(i, j) = field[i * nx + j]).
// Complex data is interleaved: z[2m] = Re, z[2m + 1] = Im. Power-of-two lengths use fft.js directly; any
// other length (≥ 1) uses Bluestein's chirp-z algorithm on top of a power-of-two fft.js transform.
// Conventions: forward X_k = Σ_m x_m e^(−2πi km/n) (unnormalised), inverse divides by n (per axis).
import FFT from 'fft.js';

/** An in-place 1D complex transform of a fixed length. */
export interface FftPlan1d {
  readonly n: number;
  /** Transform `data` (interleaved, length ≥ offset + 2n) in place, starting at `offset`. */
  forward(data: Float64Array, offset?: number): void;
  inverse(data: Float64Array, offset?: number): void;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

function nextPowerOfTwo(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

class PowerOfTwoPlan implements FftPlan1d {
  private readonly fft: FFT | null;
  private readonly input: Float64Array;
  private readonly output: Float64Array;
  constructor(readonly n: number) {
    // fft.js refuses n = 1 (the transform of one value is the identity).
    this.fft = n >= 2 ? new FFT(n) : null;
    this.input = new Float64Array(2 * n);
    this.output = new Float64Array(2 * n);
  }
  private run(data: Float64Array, offset: number, inverse: boolean): void {
    if (!this.fft) return;
    const length = 2 * this.n;
    this.input.set(data.subarray(offset, offset + length));
    if (inverse) this.fft.inverseTransform(this.output, this.input);
    else this.fft.transform(this.output, this.input);
    data.set(this.output, offset);
  }
  forward(data: Float64Array, offset = 0): void {
    this.run(data, offset, false);
  }
  inverse(data: Float64Array, offset = 0): void {
    this.run(data, offset, true);
  }
}

/**
 * Bluestein: X_k = w_k Σ_m (x_m w_m) conj(w_{k−m}) with w_j = e^(−iπ j²/n), a circular convolution of length
 * m ≥ 2n − 1 done with power-of-two FFTs. j² is reduced mod 2n before the angle, so the chirp stays exact.
 */
class BluesteinPlan implements FftPlan1d {
  private readonly m: number;
  private readonly inner: FFT;
  private readonly chirp: Float64Array;
  private readonly kernelSpectrum: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;
  constructor(readonly n: number) {
    this.m = nextPowerOfTwo(2 * n - 1);
    this.inner = new FFT(this.m);
    this.chirp = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
      this.chirp[2 * j] = Math.cos(angle);
      this.chirp[2 * j + 1] = Math.sin(angle);
    }
    const kernel = new Float64Array(2 * this.m);
    for (let j = 0; j < n; j++) {
      const re = this.chirp[2 * j]!;
      const im = -this.chirp[2 * j + 1]!;
      kernel[2 * j] = re;
      kernel[2 * j + 1] = im;
      if (j > 0) {
        kernel[2 * (this.m - j)] = re;
        kernel[2 * (this.m - j) + 1] = im;
      }
    }
    this.kernelSpectrum = new Float64Array(2 * this.m);
    this.inner.transform(this.kernelSpectrum, kernel);
    this.a = new Float64Array(2 * this.m);
    this.b = new Float64Array(2 * this.m);
  }
  private run(data: Float64Array, offset: number, inverse: boolean): void {
    const { n, chirp, a, b } = this;
    // The inverse is the conjugate of the forward transform of the conjugate, divided by n.
    const sign = inverse ? -1 : 1;
    a.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = data[offset + 2 * j]!;
      const xi = sign * data[offset + 2 * j + 1]!;
      const wr = chirp[2 * j]!;
      const wi = chirp[2 * j + 1]!;
      a[2 * j] = xr * wr - xi * wi;
      a[2 * j + 1] = xr * wi + xi * wr;
    }
    this.inner.transform(b, a);
    const ks = this.kernelSpectrum;
    for (let j = 0; j < this.m; j++) {
      const br = b[2 * j]!;
      const bi = b[2 * j + 1]!;
      const kr = ks[2 * j]!;
      const ki = ks[2 * j + 1]!;
      b[2 * j] = br * kr - bi * ki;
      b[2 * j + 1] = br * ki + bi * kr;
    }
    this.inner.inverseTransform(a, b);
    const scale = inverse ? 1 / n : 1;
    for (let j = 0; j < n; j++) {
      const cr = a[2 * j]!;
      const ci = a[2 * j + 1]!;
      const wr = chirp[2 * j]!;
      const wi = chirp[2 * j + 1]!;
      data[offset + 2 * j] = scale * (cr * wr - ci * wi);
      data[offset + 2 * j + 1] = scale * sign * (cr * wi + ci * wr);
    }
  }
  forward(data: Float64Array, offset = 0): void {
    this.run(data, offset, false);
  }
  inverse(data: Float64Array, offset = 0): void {
    this.run(data, offset, true);
  }
}

/** A 1D plan of any length ≥ 1 (fft.js for powers of two, Bluestein otherwise). */
export function fftPlan1d(n: number): FftPlan1d {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  return isPowerOfTwo(n) ? new PowerOfTwoPlan(n) : new BluesteinPlan(n);
}

/** An in-place 2D complex transform of interleaved [ny][nx] data (length 2·nx·ny); reuses its buffers. */
export class FftPlan2d {
  private readonly rows: FftPlan1d;
  private readonly cols: FftPlan1d;
  private readonly column: Float64Array;
  constructor(
    readonly nx: number,
    readonly ny: number,
  ) {
    this.rows = fftPlan1d(nx);
    this.cols = nx === ny ? this.rows : fftPlan1d(ny);
    this.column = new Float64Array(2 * ny);
  }
  forward(z: Float64Array): void {
    this.run(z, false);
  }
  inverse(z: Float64Array): void {
    this.run(z, true);
  }
  private run(z: Float64Array, inverse: boolean): void {
    const { nx, ny, column } = this;
    if (z.length !== 2 * nx * ny) throw new RangeError(`2D FFT expects ${2 * nx * ny} values, got ${z.length}`);
    for (let i = 0; i < ny; i++) {
      if (inverse) this.rows.inverse(z, 2 * i * nx);
      else this.rows.forward(z, 2 * i * nx);
    }
    for (let j = 0; j < nx; j++) {
      for (let i = 0; i < ny; i++) {
        column[2 * i] = z[2 * (i * nx + j)]!;
        column[2 * i + 1] = z[2 * (i * nx + j) + 1]!;
      }
      if (inverse) this.cols.inverse(column);
      else this.cols.forward(column);
      for (let i = 0; i < ny; i++) {
        z[2 * (i * nx + j)] = column[2 * i]!;
        z[2 * (i * nx + j) + 1] = column[2 * i + 1]!;
      }
    }
  }
}

const plans = new Map<string, FftPlan2d>();

/** A cached 2D plan (plans hold scratch buffers: do not share one between concurrent callers). */
export function fftPlan2d(nx: number, ny: number): FftPlan2d {
  const key = `${nx}x${ny}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = new FftPlan2d(nx, ny);
    plans.set(key, plan);
  }
  return plan;
}

/** Forward 2D FFT of a real field: interleaved complex spectrum, length 2·nx·ny. */
export function fft2dReal(field: Float64Array, nx: number, ny: number): Float64Array {
  if (field.length !== nx * ny) throw new RangeError(`field has ${field.length} values, expected ${nx}×${ny}`);
  const z = new Float64Array(2 * nx * ny);
  for (let m = 0; m < field.length; m++) z[2 * m] = field[m]!;
  fftPlan2d(nx, ny).forward(z);
  return z;
}

/** Forward (or inverse) 2D FFT of an interleaved complex array; returns a new array. */
export function fft2dComplex(z: Float64Array, nx: number, ny: number, inverse = false): Float64Array {
  const out = Float64Array.from(z);
  if (inverse) fftPlan2d(nx, ny).inverse(out);
  else fftPlan2d(nx, ny).forward(out);
  return out;
}

/** Inverse 2D FFT of an interleaved spectrum, keeping the real part. */
export function ifft2dReal(spectrum: Float64Array, nx: number, ny: number): Float64Array {
  const z = Float64Array.from(spectrum);
  fftPlan2d(nx, ny).inverse(z);
  const out = new Float64Array(nx * ny);
  for (let m = 0; m < out.length; m++) out[m] = z[2 * m]!;
  return out;
}

/** Angular wavenumbers 2π·f/L of an n-point periodic axis of length L, in FFT order (0, 1, ..., −1). */
export function wavenumbers(n: number, length: number): Float64Array {
  const q = new Float64Array(n);
  for (let j = 0; j < n; j++) q[j] = ((2 * Math.PI) / length) * (j <= n / 2 ? j : j - n);
  return q;
}

/** |q|² of every mode of an [ny][nx] grid on a periodic Lx × Ly box (Ly = Lx: a square). */
export function wavenumberSquared(nx: number, ny: number, lengthX: number, lengthY = lengthX): Float64Array {
  const qx = wavenumbers(nx, lengthX);
  const qy = wavenumbers(ny, lengthY);
  const q2 = new Float64Array(nx * ny);
  for (let i = 0; i < ny; i++) for (let j = 0; j < nx; j++) q2[i * nx + j] = qx[j]! * qx[j]! + qy[i]! * qy[i]!;
  return q2;
}

/** Spectral Laplacian of a periodic real field on an Lx × Ly box: F⁻¹(−|q|² F(field)). */
export function spectralLaplacian(field: Float64Array, nx: number, ny: number, lengthX: number, lengthY = lengthX): Float64Array {
  const z = fft2dReal(field, nx, ny);
  const q2 = wavenumberSquared(nx, ny, lengthX, lengthY);
  for (let m = 0; m < q2.length; m++) {
    z[2 * m] = -q2[m]! * z[2 * m]!;
    z[2 * m + 1] = -q2[m]! * z[2 * m + 1]!;
  }
  return ifft2dReal(z, nx, ny);
}
