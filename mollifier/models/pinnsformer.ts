// PINNsFormer [Zhao et al. 2023, as its reference code builds it].
//
// Each point (coordinates scaled to [-1, 1]) becomes a pseudo-sequence of k = 5 points, the last coordinate
// stepped by i·Δt, Δt = 1e-4 (in the scaled coordinate; for 2D steady problems that is the second spatial
// axis). Then, on the k × d_model tokens of one point:
//   embedding: Linear(inputDim → d)
//   encoder layer: x += MHA(a₁(x), a₁(x)); x += FF(a₂(x));  encoder output e = a(x) after the last layer
//   decoder layer (input: the embedding again): x += MHA(a₁(x), e); x += FF(a₂(x)); output a(x)
//   FF = Linear(d → d_ff) → WaveAct → Linear(d_ff → d_ff) → WaveAct → Linear(d_ff → d)
//   head = Linear(d → d_hidden) → WaveAct → Linear(d_hidden → d_hidden) → WaveAct → Linear(d_hidden → C + 1)
// WaveAct(x) = w₁ sin x + w₂ cos x, trainable scalars w₁ = w₂ = 1 at init, one pair per use. MHA is torch's
// nn.MultiheadAttention: q, k, v projections with bias, softmax(q kᵀ / √d_head) v per head, output projection.
// Attention runs only across the k pseudo-steps of one point, so the model stays pointwise.
//
// The model's output for a point is the head at pseudo-step 0 (the point itself), as the reference code
// evaluates its predictions ([:, 0]); the head is pointwise, so it runs on step 0 only (same value, k× less
// work). Columns 0..C-1 of the head are the field, column C the parameter.
// Init as the reference: Xavier-uniform kernels, Linear biases 0.01, attention q/k/v biases 0.
import { tf } from '../backend/tf.js';
import type { Tensor, Tensor2D, Tensor3D, Variable } from '../backend/tf.js';
import {
  checkPoints,
  columns,
  CoordinateScaler,
  createDense,
  dense,
  ModelError,
  requireInteger,
  requirePositive,
  resolveCommon,
  VariableStore,
  type Dense,
} from './common.js';
import { resolvePaperVariant, type NamedFieldModel, type PaperVariant } from './pinn.js';
import type { ModelOptions, ModelOutputs, ModelPreset } from './types.js';

export interface PinnsFormerOptions extends ModelOptions {
  /** Attention heads (d_model must be a multiple). Default: the preset's. */
  heads?: number;
  /** Hidden width of each feed-forward block (d_ff). */
  feedForwardWidth?: number;
  /** Hidden width of the output head (d_hidden). */
  headWidth?: number;
  /** Pseudo-sequence length k. Default 5. */
  pseudoSteps?: number;
  /** Pseudo-step Δt on the scaled last coordinate. Default 1e-4. */
  pseudoStep?: number;
  /** Only with preset 'paper': 'heat-rd' (1 layer, d 32, 1 head, default) or 'langevin' (4 layers, d 64, 4 heads). */
  paperVariant?: PaperVariant;
}

export interface PinnsFormerSizes {
  /** d_model. */
  width: number;
  /** Encoder layers = decoder layers. */
  depth: number;
  heads: number;
  feedForwardWidth: number;
  headWidth: number;
}

export const pinnsFormerPresets: Record<ModelPreset | 'paper-langevin', PinnsFormerSizes> = {
  cpu: { width: 32, depth: 1, heads: 1, feedForwardWidth: 64, headWidth: 64 },
  // d_ff 256 and d_hidden 512 are the reference code's.
  paper: { width: 32, depth: 1, heads: 1, feedForwardWidth: 256, headWidth: 512 },
  'paper-langevin': { width: 64, depth: 4, heads: 4, feedForwardWidth: 256, headWidth: 512 },
};

interface WaveAct {
  w1: Variable;
  w2: Variable;
}

interface Attention {
  query: Dense;
  key: Dense;
  value: Dense;
  output: Dense;
}

interface FeedForward {
  layers: [Dense, Dense, Dense];
  acts: [WaveAct, WaveAct];
}

interface Layer {
  act1: WaveAct;
  attention: Attention;
  act2: WaveAct;
  feedForward: FeedForward;
}

export function createPinnsFormer(options: PinnsFormerOptions): NamedFieldModel {
  const common = resolveCommon(options);
  const variant = resolvePaperVariant(options.paperVariant);
  const sizes = pinnsFormerPresets[common.preset === 'paper' && variant === 'langevin' ? 'paper-langevin' : common.preset];
  const width = requireInteger('width', options.width ?? sizes.width, 1);
  const depth = requireInteger('depth', options.depth ?? sizes.depth, 1);
  const heads = requireInteger('heads', options.heads ?? sizes.heads, 1);
  if (width % heads !== 0) throw new ModelError(`pinnsformer: width (d_model ${width}) must be a multiple of heads (${heads})`);
  const feedForwardWidth = requireInteger('feedForwardWidth', options.feedForwardWidth ?? sizes.feedForwardWidth, 1);
  const headWidth = requireInteger('headWidth', options.headWidth ?? sizes.headWidth, 1);
  const steps = requireInteger('pseudoSteps', options.pseudoSteps ?? 5, 1);
  const stepSize = requirePositive('pseudoStep', options.pseudoStep ?? 1e-4);
  const { inputDim, fieldChannels } = common;
  const headDim = width / heads;

  const store = new VariableStore(common.seed);
  const waveAct = (name: string): WaveAct => ({ w1: store.constant(`${name}/w1`, [1], 1), w2: store.constant(`${name}/w2`, [1], 1) });
  const linear = (name: string, fanIn: number, fanOut: number): Dense => createDense(store, name, fanIn, fanOut, 0.01);
  const attention = (name: string): Attention => ({
    query: createDense(store, `${name}/query`, width, width, 0),
    key: createDense(store, `${name}/key`, width, width, 0),
    value: createDense(store, `${name}/value`, width, width, 0),
    output: linear(`${name}/output`, width, width),
  });
  const feedForward = (name: string): FeedForward => ({
    layers: [
      linear(`${name}/ff0`, width, feedForwardWidth),
      linear(`${name}/ff1`, feedForwardWidth, feedForwardWidth),
      linear(`${name}/ff2`, feedForwardWidth, width),
    ],
    acts: [waveAct(`${name}/ffAct0`), waveAct(`${name}/ffAct1`)],
  });
  const layer = (name: string): Layer => ({
    act1: waveAct(`${name}/act1`),
    attention: attention(`${name}/attention`),
    act2: waveAct(`${name}/act2`),
    feedForward: feedForward(name),
  });

  const embedding = linear('embedding', inputDim, width);
  const encoder = Array.from({ length: depth }, (_, i) => layer(`encoder${i}`));
  const encoderAct = waveAct('encoder/act');
  const decoder = Array.from({ length: depth }, (_, i) => layer(`decoder${i}`));
  const decoderAct = waveAct('decoder/act');
  const head: [Dense, Dense, Dense] = [linear('head0', width, headWidth), linear('head1', headWidth, headWidth), linear('head2', headWidth, fieldChannels + 1)];
  const headActs: [WaveAct, WaveAct] = [waveAct('headAct0'), waveAct('headAct1')];

  const scaler = new CoordinateScaler(common.bounds);
  // [k, inputDim]: row i is i·Δt in the last column, zeros elsewhere.
  const offsets = tf.keep(
    tf.tensor2d(
      Float32Array.from({ length: steps * inputDim }, (_, j) => (j % inputDim === inputDim - 1 ? Math.floor(j / inputDim) * stepSize : 0)),
      [steps, inputDim],
    ),
  );
  let disposed = false;

  // w₁ sin x + w₂ cos x = R sin(x + φ), R = √(w₁² + w₂²), φ = atan2(w₂, w₁): the same function with one
  // sine instead of a sine and a cosine (and one cosine instead of two trig ops in the backward pass); sin
  // and cos dominate the step on wasm. R and φ are scalar ops on the trainable w₁, w₂ (R > 0 unless both are 0).
  const wave = (x: Tensor, act: WaveAct): Tensor2D => {
    const amplitude = tf.sqrt(tf.add(tf.square(act.w1), tf.square(act.w2)));
    const phase = tf.atan2(act.w2, act.w1);
    return tf.mul(amplitude, tf.sin(tf.add(x, phase))) as Tensor2D;
  };

  const ff = (x: Tensor2D, block: FeedForward): Tensor2D => {
    const a = wave(dense(x, block.layers[0]), block.acts[0]);
    const b = wave(dense(a, block.layers[1]), block.acts[1]);
    return dense(b, block.layers[2]);
  };

  // Tokens are rows of [n·len, d]: n sequences, queries of length queryLength (k, or 1 for step 0 only),
  // keys and values of length k.
  const attend = (queries: Tensor2D, context: Tensor2D, block: Attention, n: number, queryLength: number): Tensor2D => {
    const split = (t: Tensor2D, length: number): Tensor3D =>
      heads === 1
        ? tf.reshape(t, [n, length, width])
        : tf.reshape(tf.transpose(tf.reshape(t, [n, length, heads, headDim]), [0, 2, 1, 3]), [n * heads, length, headDim]);
    const q = split(dense(queries, block.query), queryLength);
    const k = split(dense(context, block.key), steps);
    const v = split(dense(context, block.value), steps);
    const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(headDim)));
    const mixed = tf.matMul(weights, v);
    const merged =
      heads === 1
        ? tf.reshape(mixed, [n * queryLength, width])
        : tf.reshape(tf.transpose(tf.reshape(mixed, [n, heads, queryLength, headDim]), [0, 2, 1, 3]), [n * queryLength, width]);
    return dense(merged as Tensor2D, block.output);
  };

  // context null: self-attention (encoder). queryLength 1: x holds step 0 of each point only.
  const runLayer = (x: Tensor2D, block: Layer, context: Tensor2D | null, n: number, queryLength = steps): Tensor2D => {
    const a = wave(x, block.act1);
    const attended = tf.add(x, attend(a, context ?? a, block.attention, n, queryLength)) as Tensor2D;
    return tf.add(attended, ff(wave(attended, block.act2), block.feedForward)) as Tensor2D;
  };

  return {
    name: 'pinnsformer',
    description: {
      model: 'pinnsformer',
      preset: common.preset,
      ...(common.preset === 'paper' ? { paperVariant: variant } : {}),
      inputDim,
      fieldChannels,
      width,
      depth,
      heads,
      feedForwardWidth,
      headWidth,
      pseudoSteps: steps,
      pseudoStep: stepSize,
      outputStep: 0,
      seed: common.seed,
      parameterCount: store.parameterCount(),
    },
    variables: store.variables,
    variableNames: store.names,
    apply(x: Tensor2D): ModelOutputs {
      if (disposed) throw new ModelError('apply() on a disposed pinnsformer');
      checkPoints(x, inputDim);
      return tf.tidy(() => {
        const n = x.shape[0];
        const xs = scaler.scale(x);
        const sequence = tf.reshape(tf.add(tf.reshape(xs, [n, 1, inputDim]), offsets), [n * steps, inputDim]) as Tensor2D;
        const source = dense(sequence, embedding);
        let e = source;
        for (const block of encoder) e = runLayer(e, block, null, n);
        e = wave(e, encoderAct);
        // Only step 0 of the last decoder layer reaches the output: its queries, FF and head run on step 0.
        let d = source;
        decoder.forEach((block, i) => {
          if (i < depth - 1) {
            d = runLayer(d, block, e, n);
          } else {
            const first = tf.reshape(tf.slice(tf.reshape(d, [n, steps, width]), [0, 0, 0], [n, 1, width]), [n, width]) as Tensor2D;
            d = runLayer(first, block, e, n, 1);
          }
        });
        const h0 = wave(dense(wave(d, decoderAct), head[0]), headActs[0]);
        const h1 = wave(dense(h0, head[1]), headActs[1]);
        const out = dense(h1, head[2]);
        return { field: columns(out, 0, fieldChannels), parameter: columns(out, fieldChannels, 1) };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      store.dispose();
      scaler.dispose();
      offsets.dispose();
    },
  };
}
