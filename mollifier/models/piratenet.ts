// PirateNet [Wang et al. 2024, as its reference code (jaxpi) builds it].
//
//   Φ(x) = [cos(x B), sin(x B)]            B [inputDim, width/2] ~ N(0, s²), s = 2, trainable; x scaled to [-1, 1]
//   U = σ(Φ W_u + b_u), V = σ(Φ W_v + b_v) gates; σ = tanh (the reference code's activation)
//   block (x⁰ = Φ): f = σ(x W₁ + b₁); z₁ = f⊙U + (1−f)⊙V; g = σ(z₁ W₂ + b₂); z₂ = g⊙U + (1−g)⊙V;
//                   h = σ(z₂ W₃ + b₃); x ← α h + (1 − α) x, one scalar α per block, 0 at init
//   heads: linear, field [width → fieldChannels] and parameter [width → 1]
//
// Φ has `width` columns (width/2 frequencies): the residual x⁰ = Φ needs the embedding as wide as the blocks,
// as in the reference (embed_dim = num_hidden = 256). Random weight factorisation on every dense layer (gates,
// blocks, both heads): kernel = V · diag(exp(s)) in the [in, out] layout (diag(exp(s)) · V in the paper's
// [out, in] one), s ~ N(1, 0.1²) per output unit, V = W / exp(s), W Glorot-normal (plain normal, the
// reference's initialiser), biases 0. z = V + f⊙(U − V) and x + α(h − x) are the same maths in fewer ops.
//
// Physics-informed init (`initialise`): with α = 0 every block passes x through, so the network's last
// hidden state is Φ(x) and the field is linear in it. The field head (kernel and bias) is fitted by ridge
// least squares to the given field in float64; the parameter head is left as it is. The fit uses the
// network's actual last hidden state, so it is still a least-squares fit of the head if α is no longer 0.
import { tf } from '../backend/tf.js';
import type { Tensor2D, Variable } from '../backend/tf.js';
import {
  checkPoints,
  CoordinateScaler,
  glorotNormalValues,
  ModelError,
  normalValues,
  requireInteger,
  requirePositive,
  resolveCommon,
  ridgeLeastSquares,
  VariableStore,
} from './common.js';
import type { NamedFieldModel } from './pinn.js';
import type { ModelOptions, ModelOutputs, ModelPreset } from './types.js';

export interface PirateNetOptions extends ModelOptions {
  /** Standard deviation s of B, relative to the [-1, 1]-scaled coordinates. Default 2. */
  embeddingScale?: number;
  /** Ridge of the least-squares fit in `initialise`, relative to the mean diagonal of ΦᵀΦ. Default 1e-6. */
  initialiseRidge?: number;
}

export interface PirateNetSizes {
  /** Hidden width = embedding features (width / 2 frequencies). */
  width: number;
  /** Number of blocks. */
  depth: number;
}

export const pirateNetPresets: Record<ModelPreset, PirateNetSizes> = {
  cpu: { width: 128, depth: 3 },
  paper: { width: 256, depth: 8 },
};

/** Random weight factorisation: mean and standard deviation of s. */
export const weightFactorisation = { mean: 1, std: 0.1 } as const;

interface FactorisedDense {
  scale: Variable; // s [out]
  direction: Variable; // V [in, out]
  bias: Variable; // [out]
}

function createFactorisedDense(store: VariableStore, name: string, fanIn: number, fanOut: number): FactorisedDense {
  const w = glorotNormalValues(fanIn, fanOut, store.rng(`${name}/kernel`));
  const s = normalValues(fanOut, weightFactorisation.mean, weightFactorisation.std, store.rng(`${name}/scale`));
  const v = w.map((value, i) => value / Math.exp(s[i % fanOut]!));
  return {
    scale: store.add(`${name}/scale`, [fanOut], s),
    direction: store.add(`${name}/direction`, [fanIn, fanOut], v),
    bias: store.constant(`${name}/bias`, [fanOut], 0),
  };
}

function factorisedDense(x: Tensor2D, layer: FactorisedDense): Tensor2D {
  const kernel = tf.mul(layer.direction, tf.exp(layer.scale)) as Tensor2D;
  return tf.add(tf.matMul(x, kernel), layer.bias) as Tensor2D;
}

interface Block {
  dense: [FactorisedDense, FactorisedDense, FactorisedDense];
  alpha: Variable;
}

export interface PirateNetModel extends NamedFieldModel {
  initialise(x: Tensor2D, field: Tensor2D): Promise<void>;
}

export function createPirateNet(options: PirateNetOptions): PirateNetModel {
  const common = resolveCommon(options);
  const sizes = pirateNetPresets[common.preset];
  const width = requireInteger('width', options.width ?? sizes.width, 2);
  if (width % 2 !== 0) throw new ModelError(`piratenet: width must be even (Φ = [cos, sin] of width/2 frequencies), got ${width}`);
  const depth = requireInteger('depth', options.depth ?? sizes.depth, 1);
  const embeddingScale = requirePositive('embeddingScale', options.embeddingScale ?? 2);
  const ridge = options.initialiseRidge ?? 1e-6;
  if (!Number.isFinite(ridge) || ridge < 0) throw new ModelError(`initialiseRidge must be finite and >= 0, got ${ridge}`);
  const { inputDim, fieldChannels } = common;

  const store = new VariableStore(common.seed);
  const embedding = store.add('embedding/B', [inputDim, width / 2], normalValues(inputDim * (width / 2), 0, embeddingScale, store.rng('embedding/B')));
  const gateU = createFactorisedDense(store, 'gateU', width, width);
  const gateV = createFactorisedDense(store, 'gateV', width, width);
  const blocks: Block[] = Array.from({ length: depth }, (_, i) => ({
    dense: [
      createFactorisedDense(store, `block${i}/dense0`, width, width),
      createFactorisedDense(store, `block${i}/dense1`, width, width),
      createFactorisedDense(store, `block${i}/dense2`, width, width),
    ],
    alpha: store.constant(`block${i}/alpha`, [1], 0),
  }));
  const fieldHead = createFactorisedDense(store, 'fieldHead', width, fieldChannels);
  const parameterHead = createFactorisedDense(store, 'parameterHead', width, 1);
  const scaler = new CoordinateScaler(common.bounds);
  let disposed = false;

  // The last hidden state [N, width] of the [-1, 1]-scaled points.
  const trunk = (xs: Tensor2D): Tensor2D => {
    const phases = tf.matMul(xs, embedding as Tensor2D);
    const phi = tf.concat([tf.cos(phases), tf.sin(phases)], 1) as Tensor2D;
    const u = tf.tanh(factorisedDense(phi, gateU));
    const v = tf.tanh(factorisedDense(phi, gateV));
    const uMinusV = tf.sub(u, v);
    const gate = (f: Tensor2D): Tensor2D => tf.add(v, tf.mul(f, uMinusV)) as Tensor2D;
    let h = phi;
    for (const block of blocks) {
      const f = tf.tanh(factorisedDense(h, block.dense[0]));
      const g = tf.tanh(factorisedDense(gate(f), block.dense[1]));
      const out = tf.tanh(factorisedDense(gate(g), block.dense[2]));
      h = tf.add(h, tf.mul(block.alpha, tf.sub(out, h))) as Tensor2D;
    }
    return h;
  };

  const checkAlive = (what: string): void => {
    if (disposed) throw new ModelError(`${what} on a disposed piratenet`);
  };

  return {
    name: 'piratenet',
    description: {
      model: 'piratenet',
      preset: common.preset,
      inputDim,
      fieldChannels,
      width,
      depth,
      embeddingFeatures: width,
      embeddingScale,
      activation: 'tanh',
      weightFactorisationMean: weightFactorisation.mean,
      weightFactorisationStd: weightFactorisation.std,
      initialiseRidge: ridge,
      seed: common.seed,
      parameterCount: store.parameterCount(),
    },
    variables: store.variables,
    variableNames: store.names,
    apply(x: Tensor2D): ModelOutputs {
      checkAlive('apply()');
      checkPoints(x, inputDim);
      return tf.tidy(() => {
        const h = trunk(scaler.scale(x));
        return { field: factorisedDense(h, fieldHead), parameter: factorisedDense(h, parameterHead) };
      });
    },
    async initialise(x: Tensor2D, field: Tensor2D): Promise<void> {
      checkAlive('initialise()');
      checkPoints(x, inputDim, 'initialise()');
      if (!field || field.rank !== 2 || field.shape[0] !== x.shape[0] || field.shape[1] !== fieldChannels) {
        throw new ModelError(`initialise() expects field [${x.shape[0]}, ${fieldChannels}], got [${field?.shape?.join(', ')}]`);
      }
      const n = x.shape[0];
      if (n === 0) throw new ModelError('initialise() needs at least one point');
      // Read outside tidy (reading inside tidy is slow for large arrays), and asynchronously.
      const hidden = tf.tidy(() => {
        const h = trunk(scaler.scale(x));
        return tf.concat([h, tf.ones([n, 1])], 1);
      });
      let solution: Float64Array;
      let scale: Float32Array | Int32Array | Uint8Array;
      try {
        const [features, targets, headScale] = await Promise.all([hidden.data(), field.data(), fieldHead.scale.data()]);
        solution = ridgeLeastSquares(features, n, width + 1, targets, fieldChannels, ridge, (j) => j < width);
        scale = headScale;
      } finally {
        hidden.dispose();
      }
      if (!solution.every(Number.isFinite)) throw new ModelError('initialise(): the least-squares fit is not finite');
      const direction = new Float32Array(width * fieldChannels);
      for (let j = 0; j < width; j += 1) {
        for (let c = 0; c < fieldChannels; c += 1) direction[j * fieldChannels + c] = solution[j * fieldChannels + c]! / Math.exp(scale[c]!);
      }
      const bias = Float32Array.from({ length: fieldChannels }, (_, c) => solution[width * fieldChannels + c]!);
      tf.tidy(() => {
        fieldHead.direction.assign(tf.tensor2d(direction, [width, fieldChannels]));
        fieldHead.bias.assign(tf.tensor1d(bias));
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      store.dispose();
      scaler.dispose();
    },
  };
}
