// Nested-gradient probes of the kernels whose stock gradients save their output (upstream tfjs#3252).
// Shared by the main test (fixes installed) and grad-probe.ts (a worker with its own engine, no fixes).
import { tf } from '../../mollifier/backend/tf.js';
import { logSoftmax } from '../../mollifier/backend/index.js';
import type { Tensor } from '../../mollifier/backend/tf.js';

export interface ProbeResult {
  kernel: string;
  /** e.g. 'd3/dx3 of tanh(x)' */
  derivative: string;
  /** max |autodiff − analytic| / max |analytic|, or null when tfjs threw. */
  relativeError: number | null;
  error?: string;
}

type Unary = (x: Tensor) => Tensor;

interface Probe {
  kernel: string;
  /** The function, as written in a report. */
  name: string;
  variable: string;
  f: Unary;
  points: number[];
  /** Analytic derivatives, index k-1 for order k. */
  analytic: Array<(x: number) => number>;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const sigmoidDerivatives = [
  (x: number) => sigmoid(x) * (1 - sigmoid(x)),
  (x: number) => sigmoid(x) * (1 - sigmoid(x)) * (1 - 2 * sigmoid(x)),
  (x: number) => sigmoid(x) * (1 - sigmoid(x)) * (1 - 6 * sigmoid(x) + 6 * sigmoid(x) ** 2),
];
// Softmax and LogSoftmax over [x, 0] reduce to sigmoid(x) and log sigmoid(x) in their first column.
const firstOfPair = (op: (logits: Tensor) => Tensor): Unary => (x) => {
  const column = tf.reshape(x, [-1, 1]);
  return tf.reshape(tf.slice(op(tf.concat([column, tf.zerosLike(column)], 1)), [0, 0], [-1, 1]), [-1]);
};
const base = 1.7;

const probes: Probe[] = [
  {
    kernel: 'Tanh',
    name: 'tanh(x)',
    variable: 'x',
    f: tf.tanh,
    points: [-1.3, -0.4, 0.2, 0.9],
    analytic: [
      (x) => 1 - Math.tanh(x) ** 2,
      (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
      (x) => -2 + 8 * Math.tanh(x) ** 2 - 6 * Math.tanh(x) ** 4,
      (x) => 16 * Math.tanh(x) - 40 * Math.tanh(x) ** 3 + 24 * Math.tanh(x) ** 5,
    ],
  },
  { kernel: 'Sigmoid', name: 'sigmoid(x)', variable: 'x', f: tf.sigmoid, points: [-2, -0.5, 0.3, 1.4], analytic: sigmoidDerivatives },
  { kernel: 'Exp', name: 'exp(x)', variable: 'x', f: tf.exp, points: [-1, 0, 0.5, 1.2], analytic: [Math.exp, Math.exp, Math.exp] },
  { kernel: 'Softmax', name: 'softmax([x, 0])[0]', variable: 'x', f: firstOfPair((l) => tf.softmax(l)), points: [-2, -0.5, 0.3, 1.4], analytic: sigmoidDerivatives },
  {
    kernel: 'LogSoftmax',
    name: 'logSoftmax([x, 0])[0]',
    variable: 'x',
    f: firstOfPair(logSoftmax),
    points: [-2, -0.5, 0.3, 1.4],
    analytic: [(x) => 1 - sigmoid(x), (x) => -sigmoidDerivatives[0]!(x), (x) => -sigmoidDerivatives[1]!(x)],
  },
  // elu'' = elu''' = exp(x) for x < 0 and 0 for x > 0.
  {
    kernel: 'Elu',
    name: 'elu(x)',
    variable: 'x',
    f: tf.elu,
    points: [-1.5, -0.2, 0.3, 2],
    analytic: [(x) => (x > 0 ? 1 : Math.exp(x)), (x) => (x > 0 ? 0 : Math.exp(x)), (x) => (x > 0 ? 0 : Math.exp(x))],
  },
  {
    kernel: 'Pow',
    name: 'x^3.5',
    variable: 'x',
    f: (x) => tf.pow(x, 3.5),
    points: [0.4, 0.9, 1.3, 2],
    analytic: [(x) => 3.5 * x ** 2.5, (x) => 8.75 * x ** 1.5, (x) => 13.125 * x ** 0.5],
  },
  {
    kernel: 'Pow',
    name: '1.7^x',
    variable: 'x',
    f: (b) => tf.pow(tf.scalar(base), b),
    points: [-1, 0.5, 1.5, 2.5],
    analytic: [1, 2, 3].map((k) => (b: number) => base ** b * Math.log(base) ** k),
  },
  // Base and exponent both vary: the mixed partials of pow, so both gradient branches nest.
  {
    kernel: 'Pow',
    name: 'x^x',
    variable: 'x',
    f: (x) => tf.pow(x, x),
    points: [0.4, 0.9, 1.3, 2],
    analytic: [
      (x) => x ** x * (Math.log(x) + 1),
      (x) => x ** x * ((Math.log(x) + 1) ** 2 + 1 / x),
      (x) => x ** x * ((Math.log(x) + 1) ** 3 + (3 * (Math.log(x) + 1)) / x - 1 / x ** 2),
    ],
  },
];

/** d^order f / dx^order by `order` nested tf.grad calls. */
export function nestedGradient(f: Unary, order: number): Unary {
  let g = f;
  for (let i = 0; i < order; i += 1) {
    const inner = g;
    g = (x) => tf.grad((y: Tensor) => tf.sum(inner(y)))(x);
  }
  return g;
}

function compare(computed: ArrayLike<number>, expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs), 1e-6);
  return Math.max(...expected.map((e, i) => Math.abs(computed[i]! - e))) / scale;
}

// A gradient that throws leaves tfjs's tape, and the tensors it saved, behind; a probe expects to throw.
function releaseAbandonedTape(): void {
  const state = tf.engine().state;
  for (const node of state.activeTape ?? []) for (const saved of node.saved ?? []) saved.dispose();
  state.activeTape = [];
}

/** Orders 2 and 3 of every probe (and 4 for tanh). */
export async function runGradientProbes(): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const probe of probes) {
    for (let order = 2; order <= probe.analytic.length; order += 1) {
      const derivative = `d${order}/d${probe.variable}${order} of ${probe.name}`;
      const x = tf.tensor1d(probe.points);
      try {
        // Read asynchronously so the probes run on webgpu too (test/webgpu.test.ts).
        const gradient = tf.tidy(() => nestedGradient(probe.f, order)(x));
        const computed = await gradient.data();
        gradient.dispose();
        const expected = probe.points.map((p) => probe.analytic[order - 1]!(Math.fround(p)));
        results.push({ kernel: probe.kernel, derivative, relativeError: compare(computed, expected) });
      } catch (error) {
        releaseAbandonedTape();
        results.push({ kernel: probe.kernel, derivative, relativeError: null, error: (error as Error).message });
      } finally {
        x.dispose();
      }
    }
  }
  return results;
}
