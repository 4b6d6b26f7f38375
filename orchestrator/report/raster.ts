// A field on a 2D grid as a PNG: one pixel per node, coloured by the same continuous scheme the chart's legend
// uses (vega's), rows flipped so that y grows upwards as on the chart's axis. Missing values are transparent.
import { PNG } from 'pngjs';

/** Red, green, blue (0-255) of a CSS colour as vega's interpolators return it ("rgb(r, g, b)" or "#rrggbb"). */
export function rgbOf(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16), parseInt(hex[3]!, 16)];
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(colour);
  if (rgb) return [Math.round(Number(rgb[1])), Math.round(Number(rgb[2])), Math.round(Number(rgb[3]))];
  throw new Error(`not a colour: ${colour}`);
}

/** values: row-major [ny][nx], row 0 at the smallest y. domain: the values at the scheme's two ends (clamped). */
export function fieldPng(values: ArrayLike<number>, nx: number, ny: number, domain: readonly [number, number], interpolate: (t: number) => string): Buffer {
  const png = new PNG({ width: nx, height: ny });
  const [lo, hi] = domain;
  const span = hi > lo ? hi - lo : 1;
  // 256 colours looked up once: the interpolator is far slower than a table.
  const table = Array.from({ length: 256 }, (_, k) => rgbOf(interpolate(k / 255)));
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const v = values[i * nx + j]!;
      const k = ((ny - 1 - i) * nx + j) * 4;
      if (!Number.isFinite(v)) {
        png.data[k + 3] = 0;
        continue;
      }
      const [r, g, b] = table[Math.round(255 * Math.min(1, Math.max(0, (v - lo) / span)))]!;
      png.data[k] = r;
      png.data[k + 1] = g;
      png.data[k + 2] = b;
      png.data[k + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}
