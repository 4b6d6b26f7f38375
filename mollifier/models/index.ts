// The base architectures behind one factory. Each model is pointwise, has a field head (fieldChannels
// outputs) and a parameter head (1 output), and is differentiable to any order in its input and weights.
import { ModelError } from './common.js';
import { createPinn, type PinnOptions } from './pinn.js';
import { createPirateNet, type PirateNetOptions } from './piratenet.js';
import { createPinnsFormer, type PinnsFormerOptions } from './pinnsformer.js';
import { modelNames, type FieldModel, type ModelName } from './types.js';

/** ModelOptions plus every model's own options (each model reads only its own). */
export type AnyModelOptions = PinnOptions & PirateNetOptions & PinnsFormerOptions;

export function isModelName(value: unknown): value is ModelName {
  return typeof value === 'string' && (modelNames as readonly string[]).includes(value);
}

export function createModel(name: ModelName | string, options: AnyModelOptions): FieldModel {
  switch (name) {
    case 'pinn':
      return createPinn(options);
    case 'piratenet':
      return createPirateNet(options);
    case 'pinnsformer':
      return createPinnsFormer(options);
    default:
      throw new ModelError(`unknown model '${String(name)}' (expected one of ${modelNames.join(', ')})`);
  }
}

export { ModelError, ridgeLeastSquares } from './common.js';
export { createPinn, pinnPresets, paperVariants, type PinnOptions, type PinnSizes, type PaperVariant, type NamedFieldModel } from './pinn.js';
export { createPirateNet, pirateNetPresets, weightFactorisation, type PirateNetOptions, type PirateNetSizes, type PirateNetModel } from './piratenet.js';
export { createPinnsFormer, pinnsFormerPresets, type PinnsFormerOptions, type PinnsFormerSizes } from './pinnsformer.js';
export { modelNames, modelPresets, type FieldModel, type ModelName, type ModelOptions, type ModelOutputs, type ModelPreset } from './types.js';
