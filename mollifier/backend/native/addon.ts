// Finding and loading the optional native addon (native/ at the package root, built at install by
// native/build.mjs). It is optional by design: where no compiler or BLAS exists the package still installs and
// runs on plain wasm, and the reason travels with the backend line and every result.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The functions of native/src/addon.c. Arrays are Float32Array views; sizes are element counts. */
export interface NativeAddon {
  sgemm(a: Float32Array, b: Float32Array, c: Float32Array, batch: number, strideA: number, strideB: number, m: number, n: number, k: number, transA: number, transB: number): void;
  biasActivation(c: Float32Array, rows: number, cols: number, bias: Float32Array | null, activation: number, alpha: number): void;
  tanh(x: Float32Array, y: Float32Array): void;
  tanhGrad(dy: Float32Array, x: Float32Array, out: Float32Array, fromOutput: number): void;
  tanhDerivative(dy: Float32Array, y: Float32Array, out: Float32Array, q: Float32Array): void;
  sumMiddle(x: Float32Array, out: Float32Array, outer: number, reduce: number, inner: number): void;
  binary(a: Float32Array, b: Float32Array, out: Float32Array, op: number, swap: number): void;
  info(): { blas: string; vectorIsa: string };
}

export type NativeLoad = { addon: NativeAddon; file: string } | { addon?: undefined; reason: string };

// dist/mollifier/backend/native/ and mollifier/backend/native/ both sit four levels below the package root.
const packageRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const built = `${packageRoot}native/build/Release/mollifier_native.node`;
const buildStatus = `${packageRoot}native/build/status.json`;

/** Why the build left no addon, as native/build.mjs recorded it. */
function notBuiltReason(): string {
  try {
    const status = JSON.parse(readFileSync(buildStatus, 'utf8')) as { reason?: unknown };
    if (typeof status.reason === 'string' && status.reason !== '') return `not built: ${status.reason}`;
  } catch {
    // No status file: the build never ran (a checkout without `npm ci`, or an install with scripts off).
  }
  return 'not built: run `npm run build:native` (needs g++, make, pkg-config and libopenblas-dev)';
}

/** True unless MOLLIFIER_NATIVE turns the kernels off ('0', 'false', 'off', 'no'). */
export function nativeWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.MOLLIFIER_NATIVE?.trim().toLowerCase();
  return !(value === '0' || value === 'false' || value === 'off' || value === 'no');
}

let loaded: NativeLoad | undefined;

/** Load the addon once per thread; never throws. */
export function loadNativeAddon(): NativeLoad {
  if (loaded) return loaded;
  if (!existsSync(built)) return (loaded = { reason: notBuiltReason() });
  try {
    const addon = createRequire(import.meta.url)(built) as NativeAddon;
    return (loaded = { addon, file: built });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return (loaded = { reason: `failed to load: ${message.slice(0, 200)}` });
  }
}
