// The upgraded PINN [the paper's appendices A.1, A.4]: deterministic Fourier features of the [-1, 1]-scaled
// coordinates (16 frequencies equally spaced in [π, 10π]), a residual MLP with layer norm, and two linear
// heads. The MLP is nets/mlp.ts unchanged: its output layer has fieldChannels + 1 columns, the first
// fieldChannels are the field head and the last the parameter head (one matMul, the same maths as two heads).
import { tf } from '../backend/tf.js';
import type { Tensor2D } from '../backend/tf.js';
import { createMlp, defaultFourierFeatures, type Activation, type FourierFeatures, type Mlp } from '../nets/mlp.js';
import { checkPoints, columns, CoordinateScaler, ModelError, requireInteger, resolveCommon } from './common.js';
import type { FieldModel, ModelOptions, ModelOutputs, ModelPreset } from './types.js';

/** Which of the paper's sizes `preset: 'paper'` means: heat and RD (default) or Langevin. */
export type PaperVariant = 'heat-rd' | 'langevin';
export const paperVariants: readonly PaperVariant[] = ['heat-rd', 'langevin'];

export interface PinnOptions extends ModelOptions {
  /** Default: the preset's ('tanh'; 'relu' for the Langevin paper size). */
  activation?: Activation;
  /** Only with preset 'paper': 'heat-rd' (10 × 250 tanh, default) or 'langevin' (7 × 1000 ReLU). */
  paperVariant?: PaperVariant;
  /** Default 16 frequencies in [π, 10π]; null for raw (scaled) coordinates. */
  fourier?: FourierFeatures | null;
  /**
   * Layer norm and residual connections (default true, the upgraded PINN); false for a plain MLP such as the
   * forward toy problem's (problems/decay.ts).
   */
  layerNorm?: boolean;
  residual?: boolean;
}

export interface PinnSizes {
  width: number;
  depth: number;
  activation: Activation;
}

export const pinnPresets: Record<ModelPreset | 'paper-langevin', PinnSizes> = {
  cpu: { width: 128, depth: 5, activation: 'tanh' },
  paper: { width: 250, depth: 10, activation: 'tanh' },
  'paper-langevin': { width: 1000, depth: 7, activation: 'relu' },
};

export function resolvePaperVariant(value: unknown): PaperVariant {
  const variant = value ?? 'heat-rd';
  if (!(paperVariants as readonly unknown[]).includes(variant)) {
    throw new ModelError(`paperVariant '${String(variant)}' is not one of ${paperVariants.join(', ')}`);
  }
  return variant as PaperVariant;
}

export interface NamedFieldModel extends FieldModel {
  /** Our name of each variable, in `variables` order. */
  readonly variableNames: readonly string[];
}

export function createPinn(options: PinnOptions): NamedFieldModel {
  const common = resolveCommon(options);
  const variant = resolvePaperVariant(options.paperVariant);
  const sizes = pinnPresets[common.preset === 'paper' && variant === 'langevin' ? 'paper-langevin' : common.preset];
  const width = requireInteger('width', options.width ?? sizes.width, 1);
  const depth = requireInteger('depth', options.depth ?? sizes.depth, 1);
  const activation = options.activation ?? sizes.activation;
  const fourier = options.fourier === undefined ? defaultFourierFeatures : options.fourier;
  const layerNorm = options.layerNorm ?? true;
  const residual = options.residual ?? true;
  const { inputDim, fieldChannels } = common;
  let net: Mlp;
  try {
    net = createMlp({
      inputDim,
      outputDim: fieldChannels + 1,
      width,
      depth,
      activation,
      layerNorm,
      residual,
      fourier: fourier ? { ...fourier } : null,
      seed: common.seed,
    });
  } catch (error) {
    throw new ModelError(`pinn: ${(error as Error).message}`);
  }
  const scaler = new CoordinateScaler(common.bounds);
  const variableNames = net.parameterShapes().map((p) => p.name);
  let disposed = false;

  return {
    name: 'pinn',
    description: {
      model: 'pinn',
      preset: common.preset,
      ...(common.preset === 'paper' ? { paperVariant: variant } : {}),
      inputDim,
      fieldChannels,
      width,
      depth,
      activation,
      layerNorm,
      residual,
      fourierCount: fourier ? fourier.count : 0,
      fourierMinFrequency: fourier ? fourier.minFrequency : 0,
      fourierMaxFrequency: fourier ? fourier.maxFrequency : 0,
      seed: common.seed,
      parameterCount: net.variables.reduce((sum, v) => sum + v.size, 0),
    },
    variables: net.variables,
    variableNames,
    apply(x: Tensor2D): ModelOutputs {
      if (disposed) throw new ModelError('apply() on a disposed pinn');
      checkPoints(x, inputDim);
      return tf.tidy(() => {
        const out = net.apply(scaler.scale(x));
        return { field: columns(out, 0, fieldChannels), parameter: columns(out, fieldChannels, 1) };
      });
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      net.dispose();
      scaler.dispose();
    },
  };
}
