// The thin-plate (2D) and cubic (1D) spline that fills a field in between sparse observations for the no-network
// estimate (mollifier/pdes/interpolation.ts): exact at the observations and on linear fields, close on a smooth one,
// and the estimate on 10 % of the nodes (estimate --sample) through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridCoordinates, interpolateOnGrid, sampleNodes, type Grid } from '../mollifier/index.js';

const grid2: Grid = { dims: 2, nx: 24, ny: 20, x0: 0, y0: 0, hx: 1 / 23, hy: 1 / 19, periodic: false };
const grid1: Grid = { dims: 1, n: 200, t0: 0, dt: 0.05 };

function field(grid: Grid, f: (...x: number[]) => number): Float64Array {
  const coordinates = gridCoordinates(grid);
  return Float64Array.from({ length: coordinates[0]!.length }, (_, i) => f(...coordinates.map((c) => c[i]!)));
}

for (const [name, grid, linear, smooth] of [
  ['2D thin-plate', grid2, (x: number, y: number) => 2 + 3 * x - y, (x: number, y: number) => Math.sin(2 * x) * Math.cos(y)],
  ['1D cubic', grid1, (t: number) => 1 - 0.5 * t, (t: number) => Math.sin(t)],
] as const) {
  test(`${name} spline: exact at the observations and on a linear field, its RMS error within 1 % of the range on a smooth one, its worst within 6 %`, () => {
    const nodes = sampleNodes(field(grid, () => 0).length, 0.1, 4);
    for (const [f, rmsTolerance, worstTolerance] of [[linear, 1e-9, 1e-9], [smooth, 0.01, 0.06]] as const) {
      const truth = field(grid, f as (...x: number[]) => number);
      const filled = interpolateOnGrid(grid, nodes, Array.from(nodes, (i) => truth[i]!));
      for (const i of nodes) assert.ok(Math.abs(filled[i]! - truth[i]!) < 1e-9, `observation ${i}`);
      const range = Math.max(...truth) - Math.min(...truth);
      const errors = truth.map((v, i) => Math.abs(v - filled[i]!));
      const rms = Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);
      const worst = Math.max(...errors);
      assert.ok(rms <= rmsTolerance * range && worst <= worstTolerance * range, `${f === linear ? 'linear' : 'smooth'}: RMS error ${rms}, worst ${worst}, of range ${range}`);
    }
  });
}

test('interpolation refuses too few and too many observations by name', () => {
  assert.throws(() => interpolateOnGrid(grid2, [0, 1, 2], [1, 2, 3]), /at least 4 observed nodes, got 3/);
  assert.throws(() => interpolateOnGrid(grid1, Int32Array.from({ length: 2001 }, (_, i) => i % 200), new Float64Array(2001)), /at most 2000/);
});
